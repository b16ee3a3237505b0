package syncclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// fakeOutbox is the register's outbox in memory.
type fakeOutbox struct {
	mu       sync.Mutex
	entries  []pos.Entry
	acked    int64
	ackCalls int
}

func (o *fakeOutbox) Pending(_ context.Context, limit int) ([]pos.Entry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []pos.Entry
	for _, e := range o.entries {
		if e.Seq > o.acked && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (o *fakeOutbox) Ack(_ context.Context, through int64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ackCalls++
	o.acked = max(o.acked, through)
	return nil
}

func (o *fakeOutbox) add(es ...pos.Entry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.entries = append(o.entries, es...)
}

func (o *fakeOutbox) state() (acked int64, ackCalls int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.acked, o.ackCalls
}

// headOffice is a real syncserver over a real SQLite hqstore.
type headOffice struct {
	store *hqstore.SQLite
	srv   *syncserver.Server
}

func newHeadOffice(t *testing.T) *headOffice {
	t.Helper()
	st, err := hqstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := syncserver.New(syncserver.Config{AllowUnenrolled: true, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return &headOffice{store: st, srv: srv}
}

func (h *headOffice) start(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	var handler http.Handler = h.srv
	if wrap != nil {
		handler = wrap(handler)
	}
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	return ts
}

func (h *headOffice) sales(t *testing.T, rid string) int64 {
	t.Helper()
	n, err := h.store.SalesCount(context.Background(), rid)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newSyncer(url string, ob syncclient.Outbox, mod func(*syncclient.Config)) *syncclient.Syncer {
	cfg := syncclient.Config{BaseURL: url, RegisterID: "R1", MinRetry: 5 * time.Millisecond, MaxRetry: 50 * time.Millisecond,
		HTTPClient: &http.Client{Timeout: 2 * time.Minute}} // a hang guard: -race on a loaded machine takes seconds per batch
	if mod != nil {
		mod(&cfg)
	}
	return syncclient.New(cfg, ob)
}

func TestSyncDeliversEveryEntryOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		n         int
		batchSize int
	}{
		{"empty outbox", 0, 0},
		{"one entry", 1, 0},
		{"exactly one full batch", 500, 0},
		{"several default batches", 1234, 0},
		{"small batches", 95, 10},
		{"batch size above the maximum is capped", 600, 10_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hq := newHeadOffice(t)
			var requests atomic.Int32
			ts := hq.start(t, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1); h.ServeHTTP(w, r) })
			})
			ob := &fakeOutbox{}
			ob.add(hqstoretest.NewChain("R1").Sales(tt.n)...)
			var changes atomic.Int32
			s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
				c.BatchSize = tt.batchSize
				c.OnChange = func(syncclient.Status) { changes.Add(1) }
			})
			pushed, err := s.Sync(context.Background())
			if err != nil || pushed != tt.n {
				t.Fatalf("Sync = %d, %v; want %d, nil", pushed, err, tt.n)
			}
			if got := hq.sales(t, "R1"); got != int64(tt.n) {
				t.Errorf("head office holds %d sales, want %d", got, tt.n)
			}
			if acked, _ := ob.state(); acked != int64(tt.n) {
				t.Errorf("outbox acked through %d, want %d", acked, tt.n)
			}
			st := s.Status()
			if st.State != syncclient.StateOnline || st.Backlog != 0 || st.LastError != "" || st.LastSuccess.IsZero() {
				t.Errorf("status %+v", st)
			}
			if changes.Load() == 0 {
				t.Error("OnChange never called")
			}
			// A second pass finds nothing to do and changes nothing.
			before := requests.Load()
			pushed, err = s.Sync(context.Background())
			if err != nil || pushed != 0 {
				t.Errorf("second Sync = %d, %v", pushed, err)
			}
			if requests.Load() != before {
				t.Errorf("second Sync made %d requests", requests.Load()-before)
			}
			if got := hq.sales(t, "R1"); got != int64(tt.n) {
				t.Errorf("after second Sync the head office holds %d sales", got)
			}
		})
	}
}

func TestPostingSameBatchTwiceStoresNothingNew(t *testing.T) {
	t.Parallel()
	hq := newHeadOffice(t)
	ts := hq.start(t, nil)
	body, _ := json.Marshal(syncproto.PushBatchRequest{Entries: syncproto.FromPosAll(hqstoretest.NewChain("R1").Sales(20))})
	tests := []struct {
		name string
		want syncproto.Status
	}{{"first", syncproto.StatusStored}, {"second", syncproto.StatusDuplicate}}
	for _, tt := range tests { // in order: the second sees the first
		req, _ := http.NewRequest("POST", ts.URL+"/v1/registers/R1/sales:batch", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(syncproto.HeaderProtocol, "1")
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var resp syncproto.PushBatchResponse
		err = json.NewDecoder(res.Body).Decode(&resp)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %d %v", tt.name, res.StatusCode, err)
		}
		for _, r := range resp.Results {
			if r.Status != tt.want {
				t.Errorf("%s: seq %d %s, want %s", tt.name, r.Seq, r.Status, tt.want)
			}
		}
		if resp.AckedThroughSeq != 20 || hq.sales(t, "R1") != 20 {
			t.Errorf("%s: acked %d, %d sales", tt.name, resp.AckedThroughSeq, hq.sales(t, "R1"))
		}
	}
}

func TestRefusedEntriesStopTheQueue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		entries    func() []pos.Entry
		wantSeq    int64
		wantReason string
		wantAcked  int64
		wantLeft   int
	}{
		{"tampered payload", func() []pos.Entry {
			es := hqstoretest.NewChain("R1").Sales(5)
			es[2].Payload = bytes.Replace(es[2].Payload, []byte(`"gross":300`), []byte(`"gross":3`), 1)
			return es
		}, 3, "edited", 2, 3},
		{"gap", func() []pos.Entry { return hqstoretest.NewChain("R1").Sales(5)[2:] }, 3, "gap: expected seq 1", 0, 3},
		{"entry of another register", func() []pos.Entry { return hqstoretest.NewChain("R2").Sales(2) }, 1, `register "R2"`, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hq := newHeadOffice(t)
			ts := hq.start(t, nil)
			ob := &fakeOutbox{}
			ob.add(tt.entries()...)
			s := newSyncer(ts.URL, ob, nil)
			for pass := range 2 { // the second pass gets the same answer and stores nothing
				_, err := s.Sync(context.Background())
				var rej *syncclient.RejectedError
				if !errors.As(err, &rej) || rej.Seq != tt.wantSeq || !strings.Contains(rej.Reason, tt.wantReason) {
					t.Fatalf("pass %d: err %v, want rejection of seq %d for %q", pass, err, tt.wantSeq, tt.wantReason)
				}
				if acked, _ := ob.state(); acked != tt.wantAcked {
					t.Errorf("pass %d: outbox acked through %d, want %d", pass, acked, tt.wantAcked)
				}
				st := s.Status()
				if st.State != syncclient.StateOnline || st.Rejected == nil || st.Rejected.Seq != tt.wantSeq ||
					st.Backlog != tt.wantLeft || st.LastError == "" {
					t.Errorf("pass %d: status %+v", pass, st)
				}
				if got := hq.sales(t, "R1"); got != tt.wantAcked {
					t.Errorf("pass %d: head office holds %d sales of R1, want %d", pass, got, tt.wantAcked)
				}
			}
		})
	}
}

// hangUp drops the connection without an answer while down is set, after
// letting the head office store the batch when storeFirst is set (the answer
// is lost on the way back).
func hangUp(down *atomic.Bool, storeFirst bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !down.Load() {
				h.ServeHTTP(w, r)
				return
			}
			if storeFirst {
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
	}
}

func TestServerDownThenUpDeliversExactlyOnce(t *testing.T) {
	t.Parallel()
	const n = 730
	tests := []struct {
		name       string
		storeFirst bool // the head office stored the batch but the answer was lost
		wantStored int64
	}{
		{"connection dropped", false, 0},
		{"answer lost after storing", true, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hq := newHeadOffice(t)
			var down atomic.Bool
			down.Store(true)
			ts := hq.start(t, hangUp(&down, tt.storeFirst))
			ob := &fakeOutbox{}
			ob.add(hqstoretest.NewChain("R1").Sales(n)...)
			s := newSyncer(ts.URL, ob, nil)

			pushed, err := s.Sync(context.Background())
			if err == nil || pushed != 0 {
				t.Fatalf("Sync while down = %d, %v; want an error", pushed, err)
			}
			if acked, calls := ob.state(); acked != 0 || calls != 0 {
				t.Errorf("outbox touched while down: acked %d in %d calls", acked, calls)
			}
			st := s.Status()
			if st.State != syncclient.StateOffline || st.Backlog != 500 || !st.BacklogMore || !strings.Contains(st.LastError, "not reachable") {
				t.Errorf("status while down %+v", st)
			}
			if got := hq.sales(t, "R1"); got != tt.wantStored {
				t.Errorf("head office holds %d while down, want %d", got, tt.wantStored)
			}

			down.Store(false)
			pushed, err = s.Sync(context.Background())
			if err != nil || pushed != n-int(tt.wantStored) {
				t.Fatalf("Sync when up = %d, %v; want %d", pushed, err, n-int(tt.wantStored))
			}
			if got := hq.sales(t, "R1"); got != n {
				t.Errorf("head office holds %d sales, want %d", got, n)
			}
			if acked, _ := ob.state(); acked != n {
				t.Errorf("outbox acked through %d, want %d", acked, n)
			}
			if st := s.Status(); st.State != syncclient.StateOnline || st.Err != nil {
				t.Errorf("status when up %+v", st)
			}
		})
	}
}

func TestSyncWithNoServerListening(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ob := &fakeOutbox{}
	ob.add(hqstoretest.NewChain("R1").Sales(3)...)
	s := newSyncer("http://"+addr, ob, nil)
	if _, err := s.Sync(context.Background()); err == nil {
		t.Fatal("Sync succeeded with nothing listening")
	}
	if acked, calls := ob.state(); acked != 0 || calls != 0 {
		t.Errorf("outbox touched: acked %d in %d calls", acked, calls)
	}

	ln, err = net.Listen("tcp", addr) // the head office comes back on the same address
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	hq := newHeadOffice(t)
	ts := httptest.NewUnstartedServer(hq.srv)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	if pushed, err := s.Sync(context.Background()); err != nil || pushed != 3 {
		t.Fatalf("Sync = %d, %v", pushed, err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  syncclient.Config
		want string
	}{
		{"ok", syncclient.Config{BaseURL: "https://hq.example.com:8443/", RegisterID: "R1"}, ""},
		{"no url", syncclient.Config{RegisterID: "R1"}, "not set"},
		{"no scheme", syncclient.Config{BaseURL: "hq.example.com", RegisterID: "R1"}, "must look like"},
		{"ftp", syncclient.Config{BaseURL: "ftp://hq", RegisterID: "R1"}, "must look like"},
		{"no register", syncclient.Config{BaseURL: "http://hq"}, "register id"},
		{"batch too big", syncclient.Config{BaseURL: "http://hq", RegisterID: "R1", BatchSize: 501}, "batch size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
	s := syncclient.New(syncclient.Config{RegisterID: "R1"}, &fakeOutbox{})
	if _, err := s.Sync(context.Background()); err == nil || s.Status().LastError == "" {
		t.Errorf("Sync without URL: %v, status %+v", err, s.Status())
	}
}
