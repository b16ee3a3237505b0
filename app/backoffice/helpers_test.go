package backoffice_test

import (
	"bytes"
	"context"
	"encoding/json"
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

// headOffice is the whole head office over st as cmd/headoffice wires it:
// the register-facing API and the back office on one mux. The register
// API trusts every caller (no enrollment): these tests are about the pages.
func headOffice(t *testing.T, st hqstore.Store, now func() time.Time, adminToken string) http.Handler {
	t.Helper()
	api, err := syncserver.New(syncserver.Config{AllowUnenrolled: true, Store: st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
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
	header             map[string]string
}

func (rq request) do(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func pushHTTP(t *testing.T, base, rid, body string) {
	t.Helper()
	postV1(t, base+"/v1/registers/"+rid+"/sales:batch", strings.NewReader(body))
}

// heartbeat POSTs a register's heartbeat.
func heartbeat(t *testing.T, base, rid string, hb syncproto.HeartbeatRequest) {
	t.Helper()
	body, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	postV1(t, base+"/v1/registers/"+rid+"/heartbeat", bytes.NewReader(body))
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
