package syncserver_test

// The hostile-register suite: an enrolled register (or anyone who can reach
// the port) sends what it should not, over a real listener, against the
// real handler stack and a real SQLite store. Each attack must leave nothing
// stored that should not be, memory bounded, and the server answering.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// gatedStore holds IngestBatch until release is closed, and says when a
// call is waiting: requests in flight without timing luck.
type gatedStore struct {
	*hqstore.SQLite
	gate    chan struct{}
	entered chan struct{}
}

func (g *gatedStore) IngestBatch(ctx context.Context, rid string, es []pos.Entry) ([]hqstore.Outcome, int64, error) {
	if g.gate != nil {
		g.entered <- struct{}{}
		<-g.gate
	}
	return g.SQLite.IngestBatch(ctx, rid, es)
}

// hostile is a head office on a real listener, requiring enrollment, with
// stores S1 and S2 and an enrolled register R1 of S1.
type hostile struct {
	*hq
	base   string
	path   string // the SQLite file
	store  *gatedStore
	client *http.Client // no keep-alive: an idle connection would hold a slot of MaxConns
	r1     *enrolled
	logBuf *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func startHostile(t *testing.T, lim syncserver.Limits) *hostile {
	t.Helper()
	path := t.TempDir() + "/hq.db"
	sq, err := hqstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sq.Close() })
	g := &gatedStore{SQLite: sq}
	h := &hostile{hq: &hq{t: t, st: sq, now: hqstoretest.Epoch}, path: path, store: g, logBuf: &lockedBuffer{}}
	log := slogTo(h.logBuf)
	now := func() time.Time { return h.now }
	api := newServer(t, syncserver.Config{Store: g, CertFingerprint: strings.Repeat("ab", 32),
		Now: now, Limits: lim, Log: log})
	h.srv = withBackOffice(t, api, g, "", now) // the pages too, as cmd/headoffice serves them
	for _, id := range []string{"S1", "S2"} {
		if err := sq.AddStore(context.Background(), hqstore.StoreInfo{ID: id, Name: "Store " + id}); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := api.HTTPServer(h.srv, nil)
	done := make(chan struct{})
	go func() { hs.Serve(api.ListenerFor(ln)); close(done) }()
	t.Cleanup(func() { hs.Close(); <-done })
	h.base = "http://" + ln.Addr().String()
	h.client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	h.r1 = h.enroll("R1", "S1")
	return h
}

// post sends body to path as register r (nil: no token) and returns the
// status and body; a connection error is status 0.
func (h *hostile) post(path string, r *enrolled, body io.Reader) (int, string) {
	req, _ := http.NewRequest("POST", h.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(syncproto.HeaderProtocol, "1")
	if r != nil {
		req.Header.Set("Authorization", "Bearer "+r.resp.Token)
	}
	res, err := h.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, string(b)
}

func (h *hostile) pushEntries(r *enrolled, es []pos.Entry) (int, syncproto.PushBatchResponse) {
	status, body := h.post("/v1/registers/"+r.resp.RegisterID+"/sales:batch", r, strings.NewReader(signedBody(h.t, r.key, es)))
	var resp syncproto.PushBatchResponse
	json.Unmarshal([]byte(body), &resp)
	return status, resp
}

func (h *hostile) get(path string) int {
	res, err := h.client.Get(h.base + path)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// stillServing: probes, pages and a good batch all work after an attack.
func (h *hostile) stillServing(t *testing.T, r *enrolled) {
	t.Helper()
	for _, p := range []string{"/readyz", "/livez", "/", "/dashboard", "/metrics"} {
		if got := h.get(p); got != 200 {
			t.Errorf("after the attack GET %s = %d", p, got)
		}
	}
	before, _ := h.st.SalesCount(context.Background(), r.resp.RegisterID)
	status, resp := h.pushEntries(r, r.chain.Sales(1))
	if status != 200 || len(resp.Results) != 1 || resp.Results[0].Status != syncproto.StatusStored {
		t.Errorf("after the attack a good batch: %d %+v", status, resp)
	}
	if after, _ := h.st.SalesCount(context.Background(), r.resp.RegisterID); after != before+1 {
		t.Errorf("after the attack: %d sales, want %d", after, before+1)
	}
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// peakHeap runs attack and returns the heap in use before it and the
// highest seen while it ran (sampled every 5 ms).
func peakHeap(attack func()) (before, peak uint64) {
	before = heapInuse()
	peak = before
	done := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
	})
	attack()
	close(done)
	sampler.Wait()
	return before, peak
}

// forged seals the next entry of c with payload bytes exactly as given.
func forged(c *hqstoretest.Chain, payload string) pos.Entry {
	return c.Next(pos.EntrySale, []byte(payload))
}

// TestHostilePayloads: payloads that a second parser could read differently,
// or whose figures are out of bounds, are rejected, and nothing is stored in
// any store for them.
func TestHostilePayloads(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{})
	ctx := context.Background()
	good := func(c *hqstoretest.Chain, store string) string {
		seq, _ := c.Last()
		return string(hqstoretest.SalePayload(c.RegisterID, store, "EUR", seq+1, hqstoretest.Epoch.Add(time.Hour)))
	}
	edit := func(c *hqstoretest.Chain, f func(*pos.SaleRecord)) pos.Entry {
		var r pos.SaleRecord
		json.Unmarshal([]byte(good(c, "S1")), &r)
		f(&r)
		b, _ := json.Marshal(r)
		return forged(c, string(b))
	}
	attacks := map[string]func(c *hqstoretest.Chain) pos.Entry{
		"leading space, other store": func(c *hqstoretest.Chain) pos.Entry { return forged(c, " "+good(c, "S2")) },
		"leading tab":                func(c *hqstoretest.Chain) pos.Entry { return forged(c, "\t"+good(c, "S2")) },
		"leading newline":            func(c *hqstoretest.Chain) pos.Entry { return forged(c, "\r\n"+good(c, "S2")) },
		"trailing space":             func(c *hqstoretest.Chain) pos.Entry { return forged(c, good(c, "S2")+" ") },
		"byte-order mark":            func(c *hqstoretest.Chain) pos.Entry { return forged(c, "\ufeff"+good(c, "S2")) },
		"trailing data":              func(c *hqstoretest.Chain) pos.Entry { return forged(c, good(c, "S1")+`{"store_id":"S2"}`) },
		"duplicate store_id": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"store_id":"S1"`, `"store_id":"S1","store_id":"S2"`, 1))
		},
		"duplicate nested key": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"totals":{`, `"totals":{"gross":1,`, 1))
		},
		"upper-case key": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"store_id":"S1"`, `"Store_Id":"S2"`, 1))
		},
		"invalid UTF-8": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"Ada"`, "\"A\xffa\"", 1))
		},
		"gross max int64": func(c *hqstoretest.Chain) pos.Entry {
			return edit(c, func(r *pos.SaleRecord) { r.Totals.Gross = math.MaxInt64 })
		},
		"gross min int64": func(c *hqstoretest.Chain) pos.Entry {
			return edit(c, func(r *pos.SaleRecord) { r.Totals.Gross = math.MinInt64 })
		},
		"negative quantity": func(c *hqstoretest.Chain) pos.Entry {
			return edit(c, func(r *pos.SaleRecord) { r.Lines[0].Qty = -pos.MaxQty - 1 })
		},
		"2099": func(c *hqstoretest.Chain) pos.Entry {
			return edit(c, func(r *pos.SaleRecord) { r.Completed = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) })
		},
		"exponent": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"items":3000`, `"items":3e3`, 1))
		},
		"leading zero": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"items":3000`, `"items":03000`, 1))
		},
		"minus zero": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"due":0`, `"due":-0`, 1))
		},
		"float": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"items":3000`, `"items":3000.0`, 1))
		},
		"beyond int64": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"items":3000`, `"items":99999999999999999999`, 1))
		},
		"deep nesting": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Repeat("[", 100000)+strings.Repeat("]", 100000))
		},
		"lone surrogate": func(c *hqstoretest.Chain) pos.Entry {
			return forged(c, strings.Replace(good(c, "S1"), `"Ada"`, `"\ud800"`, 1))
		},
	}
	i := 0
	for name, attack := range attacks {
		i++
		rid := fmt.Sprintf("H%02d", i)
		r := h.enrollDirect(t, rid)
		ok := r.chain.Sales(1)
		bad := attack(r.chain)
		status, resp := h.pushEntries(r, append(ok, bad))
		if status != 200 || len(resp.Results) != 2 || resp.Results[1].Status != syncproto.StatusRejected || resp.AckedThroughSeq != 1 {
			t.Errorf("%s: %d %+v; want the second entry rejected", name, status, resp)
		}
		if n, _ := h.st.SalesCount(ctx, rid); n != 1 {
			t.Errorf("%s: %d sales stored, want 1", name, n)
		}
	}
	if s2, err := h.st.Sales(ctx, hqstore.SalesFilter{StoreID: "S2"}); err != nil || len(s2) != 0 {
		t.Errorf("store S2 got sales from S1's registers: %+v %v", s2, err)
	}
	h.stillServing(t, h.r1)
}

// TestHostileEnvelopes: bodies that are not a well-formed batch are refused
// whole, before anything is stored.
func TestHostileEnvelopes(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{})
	one := signedBody(t, h.r1.key, h.r1.chain.Sales(1))
	entry := strings.TrimSuffix(strings.TrimPrefix(one, `{"entries":[`), `]}`)
	bodies := map[string]string{
		"unknown top-level field": `{"entries":[],"extra":1}`,
		"unknown entry field":     `{"entries":[` + strings.Replace(entry, `{"seq"`, `{"evil":1,"seq"`, 1) + `]}`,
		"entries twice":           `{"entries":[` + entry + `],"entries":[]}`,
		"trailing data":           one + `{"entries":[]}`,
		"not an object":           `[1,2,3]`,
		"deep nesting":            `{"entries":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
		"entries not an array":    `{"entries":{"seq":1}}`,
		"empty":                   ``,
	}
	for name, body := range bodies {
		if status, msg := h.post("/v1/registers/R1/sales:batch", h.r1, strings.NewReader(body)); status != 400 {
			t.Errorf("%s: %d %s; want 400", name, status, msg)
		}
	}
	if n, _ := h.st.SalesCount(context.Background(), "R1"); n != 0 {
		t.Errorf("%d sales stored from refused bodies", n)
	}
	h.r1.chain = hqstoretest.NewChain("R1") // nothing was stored: start again
	h.stillServing(t, h.r1)
}

// repeatReader yields head, then body repeated to n bytes in all, then tail,
// without holding n bytes anywhere.
type repeatReader struct {
	head, body, tail []byte
	n, off           int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := int64(len(r.head)) + r.n + int64(len(r.tail))
	if r.off >= total {
		return 0, io.EOF
	}
	i := 0
	for i < len(p) && r.off < total {
		switch o := r.off; {
		case o < int64(len(r.head)):
			p[i] = r.head[o]
		case o < int64(len(r.head))+r.n:
			p[i] = r.body[(o-int64(len(r.head)))%int64(len(r.body))]
		default:
			p[i] = r.tail[o-int64(len(r.head))-r.n]
		}
		i++
		r.off++
	}
	return i, nil
}

// TestHostileHugeBodies: 100 MB bodies and batches of 60,000 entries, 12 at
// once, are cut off at the byte and entry limits while being read: the heap
// stays bounded and nothing is stored.
func TestHostileHugeBodies(t *testing.T) {
	h := startHostile(t, syncserver.Limits{MaxInFlight: 16})
	entry := strings.TrimSuffix(strings.TrimPrefix(signedBody(t, h.r1.key, hqstoretest.NewChain("R1").Sales(1)), `{"entries":[`), `]}`)
	statuses := make([]int, 13)
	before, peak := peakHeap(func() {
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				// 15 MB of small entries: far more than MaxBatch.
				statuses[i], _ = h.post("/v1/registers/R1/sales:batch", h.r1,
					&repeatReader{head: []byte(`{"entries":[`), body: []byte(entry + ","), tail: []byte(entry + `]}`), n: 15 << 20})
			})
		}
		wg.Go(func() {
			// 100 MB in one payload string.
			statuses[12], _ = h.post("/v1/registers/R1/sales:batch", h.r1,
				&repeatReader{head: []byte(`{"entries":[{"seq":1,"payload_b64":"`), body: []byte("QUFB"), tail: []byte(`"}]}`), n: 100 << 20})
		})
		wg.Wait()
	})
	for i, s := range statuses {
		if s != 400 && s != 413 && s != 0 { // 0: the server closed the connection mid-upload, as it may
			t.Errorf("body %d: status %d, want 400 or 413", i, s)
		}
	}
	// Before the fix, twelve such batches took the heap up by over 600 MB.
	if grown := int64(peak) - int64(before); grown > 128<<20 {
		t.Errorf("heap grew by %d MB during the huge bodies", grown>>20)
	}
	t.Logf("heap in use before %d MB, peak %d MB", before>>20, peak>>20)
	if n, _ := h.st.SalesCount(context.Background(), "R1"); n != 0 {
		t.Errorf("%d sales stored from refused bodies", n)
	}
	h.stillServing(t, h.r1)
}

// TestHostileSlowBodies: connections trickling a body are cut off at the
// body deadline, and at most MaxConns are served at once.
func TestHostileSlowBodies(t *testing.T) {
	t.Parallel()
	const conns = 30
	h := startHostile(t, syncserver.Limits{BodyTimeout: 300 * time.Millisecond, MaxConns: conns + 1})
	addr := strings.TrimPrefix(h.base, "http://")
	stop := make(chan struct{})
	defer close(stop)
	cut := make(chan time.Duration, conns)
	for range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /v1/registers/R1/sales:batch HTTP/1.1\r\nHost: x\r\nTill-Protocol: 1\r\nContent-Type: application/json\r\n"+
			"Authorization: Bearer %s\r\nContent-Length: 100000\r\n\r\n{", h.r1.resp.Token)
		start := time.Now()
		go func() { // the attacker: one byte every 50 ms, until the server hangs up
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
		go func() {
			c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a safety net only
			io.Copy(io.Discard, c)                              // returns when the server closes
			cut <- time.Since(start)
		}()
	}
	for range conns {
		if d := <-cut; d > 5*time.Second {
			t.Errorf("a trickling connection stayed open %v", d)
		}
	}
	h.stillServing(t, h.r1)

	// The connection cap: with conns+1 held open, one more waits until one
	// of them goes.
	var held []net.Conn
	for range conns + 1 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
		b := make([]byte, 12)
		if _, err := io.ReadFull(c, b); err != nil || string(b) != "HTTP/1.1 200" {
			t.Fatalf("held connection: %q %v", b, err)
		}
		held = append(held, c)
	}
	answered := make(chan int, 1)
	go func() { answered <- h.get("/livez") }()
	select {
	case s := <-answered:
		t.Fatalf("a connection beyond MaxConns was served at once (%d)", s)
	case <-time.After(200 * time.Millisecond):
	}
	held[0].Close()
	if s := <-answered; s != 200 {
		t.Errorf("after a slot freed: %d", s)
	}
}

// TestHostileHeartbeats: label floods, negative counters and oversized
// fields are refused 400 (never a panic), counted, and add no series.
func TestHostileHeartbeats(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{})
	hb := func(v any) (int, string) {
		b, _ := json.Marshal(v)
		return h.post("/v1/registers/R1/heartbeat", h.r1, bytes.NewReader(b))
	}
	if s, msg := hb(syncproto.HeartbeatRequest{Counters: map[string]int64{syncproto.CounterSalesCompleted: 5}}); s != 200 {
		t.Fatalf("good heartbeat: %d %s", s, msg)
	}
	series := len(scrape(t, h.base))
	before := heapInuse()
	var refused int
	for i := range 200 {
		lat := map[string]syncproto.LatencySummary{}
		for j := range 200 {
			lat[fmt.Sprintf("flood_%d_%d", i, j)] = syncproto.LatencySummary{Count: 1, P50MS: 1, P99MS: 2}
		}
		if s, _ := hb(syncproto.HeartbeatRequest{Latencies: lat}); s == 400 {
			refused++
		}
	}
	bad := map[string]any{
		"negative counter": syncproto.HeartbeatRequest{Counters: map[string]int64{syncproto.CounterSalesCompleted: -1}},
		"unknown counter":  syncproto.HeartbeatRequest{Counters: map[string]int64{"x": 1}},
		"huge counter":     syncproto.HeartbeatRequest{Counters: map[string]int64{syncproto.CounterCardErrors: math.MaxInt64}},
		"negative latency": syncproto.HeartbeatRequest{Latencies: map[string]syncproto.LatencySummary{syncproto.LatencyCommit: {P99MS: -1}}},
		"negative backlog": syncproto.HeartbeatRequest{OutboxDepth: -5},
		"long problem":     syncproto.HeartbeatRequest{SyncProblem: strings.Repeat("x", syncproto.MaxSyncProblemLen+1)},
		"device flood": syncproto.HeartbeatRequest{Devices: func() map[string]string {
			m := map[string]string{}
			for i := range 100 {
				m[fmt.Sprint(i)] = "ok"
			}
			return m
		}()},
		"unknown field":    map[string]any{"evil": 1},
		"counter as float": json.RawMessage(`{"counters":{"sales_completed":1.5}}`),
	}
	for name, v := range bad {
		if s, msg := hb(v); s != 400 {
			t.Errorf("%s: %d %s, want 400", name, s, msg)
		}
	}
	m := scrape(t, h.base)
	if refused != 200 || len(m) > series+2 {
		t.Errorf("label flood: %d of 200 refused; series %d → %d", refused, series, len(m))
	}
	if got := m[`till_refused_requests_total{reason="heartbeat_invalid"}`]; got != float64(200+len(bad)) {
		t.Errorf("refused heartbeats counted %v, want %d", got, 200+len(bad))
	}
	if m[`till_refused_requests_total{reason="panic"}`] != 0 {
		t.Error("a heartbeat panicked the handler")
	}
	if strings.Contains(h.logBuf.String(), "goroutine ") {
		t.Error("a stack trace was logged")
	}
	if grown := int64(heapInuse()) - int64(before); grown > 16<<20 {
		t.Errorf("heap grew by %d MB after the flood", grown>>20)
	}
	h.stillServing(t, h.r1)
}

// TestHostileIDSquatting: a register that stores entries under the ids
// another register will use does not make that register stuck.
func TestHostileIDSquatting(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{})
	victim := h.enroll("R2", "S1")
	h.r1.chain.IDPrefix, victim.chain.IDPrefix = "SQUAT", "SQUAT"
	if s, resp := h.pushEntries(h.r1, h.r1.chain.Sales(5)); s != 200 || resp.AckedThroughSeq != 5 {
		t.Fatalf("squatter: %d %+v", s, resp)
	}
	if s, resp := h.pushEntries(victim, victim.chain.Sales(5)); s != 200 || resp.AckedThroughSeq != 5 {
		t.Errorf("the victim is stuck behind squatted ids: %d %+v", s, resp)
	}
	h.stillServing(t, victim)
}

// TestHostileFloods: enrollment guesses and wrong tokens are answered 429
// once a source has used its burst, logged a few times a minute, and
// requests beyond MaxInFlight get 503 with Retry-After.
func TestHostileFloods(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{MaxInFlight: 2, LogsPerMinute: 3,
		EnrollPerIP: syncserver.Rate{Per: 0.001, Burst: 5}, EnrollTotal: syncserver.Rate{Per: 0.001, Burst: 100},
		AuthFailPerIP: syncserver.Rate{Per: 0.001, Burst: 5}, AuthFailTotal: syncserver.Rate{Per: 0.001, Burst: 100}})
	pub, _, _ := ed25519.GenerateKey(nil)
	counts := map[int]int{}
	for range 50 {
		body, _ := json.Marshal(syncproto.EnrollRequest{Code: "AAAA-BBBB-CCCC-DDDD", PublicKey: base64.StdEncoding.EncodeToString(pub)})
		s, _ := h.post("/v1/enroll", nil, bytes.NewReader(body))
		counts[s]++
	}
	if counts[401] != 5 || counts[429] != 45 {
		t.Errorf("enrollment guesses answered %v, want 5×401 then 429", counts)
	}
	wrong := &enrolled{resp: syncproto.EnrollResponse{Token: "wrong"}}
	clear(counts)
	for range 50 {
		req, _ := http.NewRequest("GET", h.base+"/v1/registers/R1/sync-state", nil)
		req.Header.Set("Authorization", "Bearer "+wrong.resp.Token)
		res, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		counts[res.StatusCode]++
		if res.StatusCode == 429 && res.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if counts[401] != 5 || counts[429] != 45 {
		t.Errorf("wrong tokens answered %v, want 5×401 then 429", counts)
	}
	if n := strings.Count(h.logBuf.String(), "register not authenticated"); n > 3 {
		t.Errorf("%d log lines for failed authentication, want at most 3 a minute", n)
	}

}

// TestHostileInFlight: with MaxInFlight pushes held in the store, the next
// request is turned away at once with 503 and Retry-After.
func TestHostileInFlight(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{MaxInFlight: 2})
	h.store.gate, h.store.entered = make(chan struct{}), make(chan struct{}, 2)
	r2 := h.enrollDirect(t, "R2")
	var wg sync.WaitGroup
	for _, r := range []*enrolled{h.r1, r2} {
		es := r.chain.Sales(1)
		wg.Go(func() { h.pushEntries(r, es) })
	}
	<-h.store.entered
	<-h.store.entered
	req, _ := http.NewRequest("POST", h.base+"/v1/registers/R1/sales:batch", strings.NewReader(`{"entries":[]}`))
	req.Header.Set(syncproto.HeaderProtocol, "1")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+h.r1.resp.Token)
	res, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Errorf("third request in flight: %d Retry-After %q, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	close(h.store.gate)
	wg.Wait()
	h.store.gate = nil
	h.stillServing(t, h.r1)
}

// enrollDirect enrolls a register through the store, not the (rate-limited)
// endpoint.
func (h *hostile) enrollDirect(t *testing.T, id string) *enrolled {
	t.Helper()
	pub, key, _ := ed25519.GenerateKey(nil)
	code := h.addRegister(id, "S1")
	tok := "TOKEN" + id // upper case without dashes: hashHex leaves it as is
	if _, err := h.st.Enroll(context.Background(), hashHex(code), pub, hashHex(tok), h.now); err != nil {
		t.Fatal(err)
	}
	c := hqstoretest.NewChain(id)
	return &enrolled{resp: syncproto.EnrollResponse{RegisterID: id, StoreID: "S1", Token: tok}, key: key, chain: c}
}

// TestHostileRowsCannotTakePagesDown: rows stored before the bounds (an
// older head office stored two sales of max int64) leave every page
// answering, and /readyz tells the truth.
func TestHostileRowsCannotTakePagesDown(t *testing.T) {
	t.Parallel()
	h := startHostile(t, syncserver.Limits{})
	if s, _ := h.pushEntries(h.r1, h.r1.chain.Sales(1)); s != 200 {
		t.Fatal(s)
	}
	db, err := sql.Open("sqlite", "file:"+h.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := h.r1.chain.Sales(2)
	for i, x := range e {
		if _, err := db.Exec(`INSERT INTO entries VALUES (?, 'R1', ?, 'sale', ?, x'7b7d', ?, ?, 0)`, x.ID, x.Seq, x.CreatedAt.UnixMilli(), x.PrevHash, x.Hash); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO sales VALUES (?, 'R1', ?, ?, 'S1', 'X', 'EUR', ?, ?)`, x.ID, x.Seq, fmt.Sprint("bad", i),
			int64(math.MaxInt64), hqstoretest.Epoch.Add(time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO money_facts VALUES ('R1', ?, 0, ?, 'S1', '', 'sale', '', 'EUR', ?, ?, ?, ?)`, x.Seq, x.ID,
			int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64), hqstoretest.Epoch.Add(time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/", "/dashboard", "/readyz"} {
		if s := h.get(p); s != 200 {
			t.Errorf("GET %s with overflowing rows: %d", p, s)
		}
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// hashHex is how the server keeps codes and tokens: SHA-256 hex of the
// normalised text.
func hashHex(s string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.ReplaceAll(s, "-", ""))))
	return hex.EncodeToString(sum[:])
}
