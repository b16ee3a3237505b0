package syncserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/backoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

func openStore(t *testing.T) *hqstore.SQLite {
	t.Helper()
	s, err := hqstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newServer(t *testing.T, cfg syncserver.Config) *syncserver.Server {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = openStore(t)
	}
	srv, err := syncserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// withBackOffice puts api and the back office (its admin API under
// adminToken, its pages, /metrics) on one mux over st, as cmd/headoffice
// does: the admin API's effects reach the registers through this API.
func withBackOffice(t *testing.T, api *syncserver.Server, st hqstore.Store, adminToken string, now func() time.Time) http.Handler {
	t.Helper()
	bo, err := backoffice.New(backoffice.Config{HeadOffice: hqstoretest.HeadOffice(t, st, now, api),
		AdminToken: adminToken, Metrics: api.Metrics()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	bo.Routes(mux)
	return api.Middleware(mux)
}

// withMetrics serves api with its /metrics open (no back office login).
func withMetrics(api *syncserver.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", api.Metrics())
	mux.Handle("/", api)
	return mux
}

func batchBody(t *testing.T, entries []pos.Entry) string {
	t.Helper()
	b, err := json.Marshal(syncproto.PushBatchRequest{Entries: syncproto.FromPosAll(entries)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type request struct {
	method, path, body string
	header             map[string]string // nil: protocol + JSON content type
}

func (rq request) do(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
	hdr := rq.header
	if hdr == nil {
		hdr = map[string]string{syncproto.HeaderProtocol: "1", "Content-Type": "application/json"}
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

const batchPath = "/v1/registers/R1/sales:batch"

func TestAPIInputHandling(t *testing.T) {
	t.Parallel()
	good := batchBody(t, hqstoretest.NewChain("R1").Sales(2))
	badEntry := syncproto.FromPos(hqstoretest.NewChain("R1").Sales(1)[0])
	badEntry.Hash = "not-a-hash"
	badEntryBody, _ := json.Marshal(syncproto.PushBatchRequest{Entries: []syncproto.Entry{badEntry}})
	tooMany := batchBody(t, hqstoretest.NewChain("R1").Sales(syncproto.MaxBatch+1))

	tests := []struct {
		name      string
		req       request
		maxBody   int64
		status    int
		code      string // error code expected in the body
		wantAllow string
	}{
		{name: "valid batch", req: request{method: "POST", path: batchPath, body: good}, status: 200},
		{name: "no protocol header", req: request{method: "POST", path: batchPath, body: good,
			header: map[string]string{"Content-Type": "application/json"}}, status: 400, code: syncproto.CodeUnsupportedProtocol},
		{name: "future protocol", req: request{method: "POST", path: batchPath, body: good,
			header: map[string]string{syncproto.HeaderProtocol: "2", "Content-Type": "application/json"}}, status: 400, code: syncproto.CodeUnsupportedProtocol},
		{name: "not json content type", req: request{method: "POST", path: batchPath, body: good,
			header: map[string]string{syncproto.HeaderProtocol: "1", "Content-Type": "text/plain"}}, status: 415, code: syncproto.CodeUnsupportedMedia},
		{name: "json with charset", req: request{method: "POST", path: batchPath, body: good,
			header: map[string]string{syncproto.HeaderProtocol: "1", "Content-Type": "application/json; charset=utf-8"}}, status: 200},
		{name: "malformed json", req: request{method: "POST", path: batchPath, body: `{"entries":[`}, status: 400, code: syncproto.CodeBadRequest},
		{name: "unknown field", req: request{method: "POST", path: batchPath, body: `{"entries":[],"signature":"x"}`}, status: 400, code: syncproto.CodeBadRequest},
		{name: "unknown entry field", req: request{method: "POST", path: batchPath, body: `{"entries":[{"seq":1,"colour":"red"}]}`}, status: 400, code: syncproto.CodeBadRequest},
		{name: "two json values", req: request{method: "POST", path: batchPath, body: `{"entries":[]}{}`}, status: 400, code: syncproto.CodeBadRequest},
		{name: "empty body", req: request{method: "POST", path: batchPath}, status: 400, code: syncproto.CodeBadRequest},
		{name: "empty batch", req: request{method: "POST", path: batchPath, body: `{"entries":[]}`}, status: 200},
		{name: "batch over 500", req: request{method: "POST", path: batchPath, body: tooMany}, status: 400, code: syncproto.CodeBatchTooLarge},
		{name: "body over limit", maxBody: 100, req: request{method: "POST", path: batchPath, body: good}, status: 413, code: syncproto.CodeBodyTooLarge},
		{name: "malformed entry", req: request{method: "POST", path: batchPath, body: string(badEntryBody)}, status: 400, code: syncproto.CodeBadRequest},
		{name: "bad register id", req: request{method: "POST", path: "/v1/registers/R%201/sales:batch", body: good}, status: 400, code: syncproto.CodeBadRequest},
		{name: "register id too long", req: request{method: "GET", path: "/v1/registers/" + strings.Repeat("r", 65) + "/sync-state"}, status: 400, code: syncproto.CodeBadRequest},
		{name: "GET on batch", req: request{method: "GET", path: batchPath}, status: 405, code: syncproto.CodeMethodNotAllowed, wantAllow: "POST"},
		{name: "PUT on batch", req: request{method: "PUT", path: batchPath, body: good}, status: 405, code: syncproto.CodeMethodNotAllowed, wantAllow: "POST"},
		{name: "DELETE on sync state", req: request{method: "DELETE", path: "/v1/registers/R1/sync-state"}, status: 405, code: syncproto.CodeMethodNotAllowed, wantAllow: "GET, HEAD"},
		{name: "sync state", req: request{method: "GET", path: "/v1/registers/R1/sync-state"}, status: 200},
		{name: "sync state without header", req: request{method: "GET", path: "/v1/registers/R1/sync-state", header: map[string]string{}}, status: 200},
		{name: "unknown endpoint", req: request{method: "GET", path: "/v1/registers/R1/catalog"}, status: 404, code: syncproto.CodeNotFound},
		{name: "livez", req: request{method: "GET", path: "/livez"}, status: 200},
		{name: "readyz", req: request{method: "GET", path: "/readyz"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, syncserver.Config{AllowUnenrolled: true, MaxBodyBytes: tt.maxBody})
			w := tt.req.do(srv)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.wantAllow != "" && w.Header().Get("Allow") != tt.wantAllow {
				t.Errorf("Allow %q, want %q", w.Header().Get("Allow"), tt.wantAllow)
			}
			if tt.code != "" {
				var e syncproto.Error
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code != tt.code || e.Message == "" {
					t.Errorf("error body %s (%v), want code %s with a message", w.Body, err, tt.code)
				}
			}
		})
	}
}

func TestPushBatchResults(t *testing.T) {
	t.Parallel()
	srv := newServer(t, syncserver.Config{AllowUnenrolled: true})
	c := hqstoretest.NewChain("R1")
	entries := c.Sales(3)
	entries[2].Payload = bytes.Replace(entries[2].Payload, []byte("Bread"), []byte("Cake!"), 1)
	push := func() syncproto.PushBatchResponse {
		w := request{method: "POST", path: batchPath, body: batchBody(t, entries)}.do(srv)
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if w.Header().Get(syncproto.HeaderProtocol) != "1" {
			t.Errorf("response lacks %s header", syncproto.HeaderProtocol)
		}
		var resp syncproto.PushBatchResponse
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	tests := []struct {
		name string
		want []syncproto.Status
	}{
		{"first push", []syncproto.Status{syncproto.StatusStored, syncproto.StatusStored, syncproto.StatusRejected}},
		{"same batch again", []syncproto.Status{syncproto.StatusDuplicate, syncproto.StatusDuplicate, syncproto.StatusRejected}},
	}
	for _, tt := range tests { // sequential: each push sees the one before
		resp := push()
		if resp.AckedThroughSeq != 2 {
			t.Errorf("%s: acked %d, want 2", tt.name, resp.AckedThroughSeq)
		}
		for i, r := range resp.Results {
			if r.Status != tt.want[i] || r.ID != entries[i].ID || r.Seq != entries[i].Seq {
				t.Errorf("%s: result %d = %+v, want %s", tt.name, i, r, tt.want[i])
			}
		}
		if !strings.Contains(resp.Results[2].Reason, "edited") {
			t.Errorf("%s: reason %q", tt.name, resp.Results[2].Reason)
		}
	}
	w := request{method: "GET", path: "/v1/registers/R1/sync-state"}.do(srv)
	var st syncproto.SyncState
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st != (syncproto.SyncState{RegisterID: "R1", LastSeq: 2, LastHash: entries[1].Hash}) {
		t.Errorf("sync state %+v", st)
	}
}

// brokenStore fails or panics where the tests say so.
type brokenStore struct {
	hqstore.Store
	pingErr error
	panics  bool
}

func (b brokenStore) Ping(context.Context) error { return b.pingErr }

func (b brokenStore) SyncState(ctx context.Context, rid string) (hqstore.SyncState, error) {
	if b.panics {
		panic("boom")
	}
	return b.Store.SyncState(ctx, rid)
}

func TestFailuresAndAuthHook(t *testing.T) {
	t.Parallel()
	denied := errors.New("unknown token")
	tests := []struct {
		name   string
		cfg    func(st hqstore.Store) syncserver.Config
		req    request
		status int
		code   string
	}{
		{"not ready when the store fails", func(st hqstore.Store) syncserver.Config {
			return syncserver.Config{AllowUnenrolled: true, Store: brokenStore{Store: st, pingErr: errors.New("disk gone")}}
		}, request{method: "GET", path: "/readyz"}, 503, syncproto.CodeUnavailable},
		{"panic becomes 500", func(st hqstore.Store) syncserver.Config {
			return syncserver.Config{AllowUnenrolled: true, Store: brokenStore{Store: st, panics: true}}
		}, request{method: "GET", path: "/v1/registers/R1/sync-state"}, 500, syncproto.CodeInternal},
		{"auth hook refuses", func(st hqstore.Store) syncserver.Config {
			return syncserver.Config{AllowUnenrolled: true, Store: st, AuthenticateRegister: func(r *http.Request, rid string) error { return denied }}
		}, request{method: "GET", path: "/v1/registers/R1/sync-state"}, 401, syncproto.CodeUnauthorized},
		{"auth hook sees the register", func(st hqstore.Store) syncserver.Config {
			return syncserver.Config{AllowUnenrolled: true, Store: st, AuthenticateRegister: func(r *http.Request, rid string) error {
				if rid != "R1" {
					return denied
				}
				return nil
			}}
		}, request{method: "GET", path: "/v1/registers/R1/sync-state"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, tt.cfg(openStore(t)))
			w := tt.req.do(srv)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.code != "" && !strings.Contains(w.Body.String(), `"code":"`+tt.code+`"`) {
				t.Errorf("body %s, want code %s", w.Body, tt.code)
			}
		})
	}
	if _, err := syncserver.New(syncserver.Config{}); err == nil {
		t.Error("New without a store succeeded")
	}
}

// postV1 POSTs a JSON body as a register does (protocol header included)
// and fails the test unless the head office answers 200.
func postV1(t *testing.T, url string, body io.Reader) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Till-Protocol", "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("POST %s: %d", url, res.StatusCode)
	}
}

// The zero-value Config is the safe one: without AllowUnenrolled a register
// that has not enrolled can neither push, beat nor pull the catalog, and
// nothing it sent is stored.
func TestZeroConfigRequiresEnrollment(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	srv := newServer(t, syncserver.Config{Store: st})
	hdr := map[string]string{syncproto.HeaderProtocol: "1", "Content-Type": "application/json", syncproto.HeaderRegister: "R1"}
	for _, rq := range []request{
		{method: "POST", path: batchPath, body: batchBody(t, hqstoretest.NewChain("R1").Sales(1))},
		{method: "POST", path: "/v1/registers/R1/heartbeat", body: `{}`},
		{method: "GET", path: "/v1/stores/S01/changes?cursor=0", header: hdr},
	} {
		if w := rq.do(srv); w.Code != http.StatusUnauthorized {
			t.Errorf("%s %s without enrollment: status %d, want 401: %s", rq.method, rq.path, w.Code, w.Body)
		}
	}
	if n, err := st.SalesCount(context.Background(), "R1"); err != nil || n != 0 {
		t.Errorf("sales stored = %d, %v; want none", n, err)
	}
}
