package syncserver_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// scrape GETs /metrics and returns every sample line as name{labels} → value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetricsSuccessRateDropsWhenASaleFails is acceptance 6's metrics half:
// /metrics is scraped over HTTP and the success rate changes when a sale
// is rejected, and when a register's heartbeat reports a failed sale.
func TestMetricsSuccessRateDropsWhenASaleFails(t *testing.T) {
	t.Parallel()
	now := hqstoretest.Epoch.Add(8 * time.Hour)
	clock := func() time.Time { return now }
	srv := newServer(t, syncserver.Config{AllowUnenrolled: true, Now: clock})
	ts := httptest.NewServer(withMetrics(srv))
	defer ts.Close()

	m := scrape(t, ts.URL)
	if m["till_ingest_success_ratio"] != 1 || m[`till_ingest_entries_total{status="rejected"}`] != 0 {
		t.Errorf("before any push: ratio %v, rejected %v", m["till_ingest_success_ratio"], m[`till_ingest_entries_total{status="rejected"}`])
	}
	c := hqstoretest.NewChain("R1")
	push := func(body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+batchPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Till-Protocol", "1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("push: %d", res.StatusCode)
		}
	}
	push(batchBody(t, c.Sales(9)))
	m = scrape(t, ts.URL)
	if m["till_ingest_success_ratio"] != 1 || m[`till_ingest_entries_total{status="stored"}`] != 9 {
		t.Errorf("after 9 good sales: ratio %v, stored %v", m["till_ingest_success_ratio"], m[`till_ingest_entries_total{status="stored"}`])
	}
	bad := c.Sales(1)
	bad[0].Payload = bytes.Replace(bad[0].Payload, []byte("Bread"), []byte("Cake!"), 1) // edited after sealing
	push(batchBody(t, bad))
	m = scrape(t, ts.URL)
	if got := m["till_ingest_success_ratio"]; got != 0.9 {
		t.Errorf("after a rejected sale: success ratio %v, want 0.9", got)
	}
	if got := m[`till_register_success_ratio{register="R1"}`]; got != 0.9 {
		t.Errorf("R1 success ratio %v, want 0.9", got)
	}
	if got := m[`till_register_entries_total{register="R1",status="rejected"}`]; got != 1 {
		t.Errorf("R1 rejected %v, want 1", got)
	}
	if got := m["till_ingest_batch_duration_seconds_count"]; got != 2 {
		t.Errorf("latency histogram counted %v pushes, want 2", got)
	}
	if got := m[`till_register_last_seen_timestamp_seconds{register="R1"}`]; got != float64(now.Unix()) {
		t.Errorf("last seen %v, want %d", got, now.Unix())
	}
	now = now.Add(90 * time.Second)
	if got := scrape(t, ts.URL)["till_uptime_seconds"]; got != 90 {
		t.Errorf("uptime %v, want 90", got)
	}
	for _, p := range []string{"/livez", "/readyz"} {
		res, err := http.Get(ts.URL + p)
		if err != nil || res.StatusCode != 200 {
			t.Errorf("GET %s: %v %v", p, res, err)
		} else {
			res.Body.Close()
		}
	}

	// The register's own count of sales, as its heartbeat reports it: one
	// failed sale moves the transaction success rate.
	heartbeat(t, ts.URL, "R1", syncproto.HeartbeatRequest{AppVersion: "1.4.2", OutboxDepth: 12, OldestUnsyncedMS: 60000,
		Counters: map[string]int64{syncproto.CounterSalesCompleted: 40}})
	m = scrape(t, ts.URL)
	if got := m[`till_register_sales_success_ratio{register="R1"}`]; got != 1 {
		t.Errorf("sales success ratio %v before a failure, want 1", got)
	}
	heartbeat(t, ts.URL, "R1", syncproto.HeartbeatRequest{AppVersion: "1.4.2", OutboxDepth: 3,
		Counters: map[string]int64{syncproto.CounterSalesCompleted: 79, syncproto.CounterSalesFailed: 1}})
	m = scrape(t, ts.URL)
	if got := m[`till_register_sales_success_ratio{register="R1"}`]; got != 79.0/80 {
		t.Errorf("sales success ratio %v after a failed sale, want %v", got, 79.0/80)
	}
	if m[`till_register_sales_reported_total{outcome="failed",register="R1"}`] != 1 || m[`till_register_sales_reported_total{outcome="completed",register="R1"}`] != 79 {
		t.Errorf("reported sales: %v failed, %v completed", m[`till_register_sales_reported_total{outcome="failed",register="R1"}`],
			m[`till_register_sales_reported_total{outcome="completed",register="R1"}`])
	}
	if m[`till_register_backlog_entries{register="R1"}`] != 3 {
		t.Errorf("backlog %v, want 3", m[`till_register_backlog_entries{register="R1"}`])
	}
	// A restarted register counts from zero again: nothing is subtracted.
	heartbeat(t, ts.URL, "R1", syncproto.HeartbeatRequest{Counters: map[string]int64{syncproto.CounterSalesCompleted: 5}})
	if got := scrape(t, ts.URL)[`till_register_sales_reported_total{outcome="completed",register="R1"}`]; got != 84 {
		t.Errorf("completed after a register restart %v, want 84", got)
	}
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

func TestMetricsRegistryPerServer(t *testing.T) {
	t.Parallel()
	a := httptest.NewServer(withMetrics(newServer(t, syncserver.Config{AllowUnenrolled: true})))
	defer a.Close()
	b := httptest.NewServer(withMetrics(newServer(t, syncserver.Config{AllowUnenrolled: true})))
	defer b.Close()
	req, _ := http.NewRequest("POST", a.URL+batchPath, strings.NewReader(batchBody(t, hqstoretest.NewChain("R1").Sales(2))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Till-Protocol", "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := scrape(t, b.URL)[`till_ingest_entries_total{status="stored"}`]; got != 0 {
		t.Errorf("server b counts server a's entries: %v", got)
	}
	if got := scrape(t, a.URL)[`till_ingest_entries_total{status="stored"}`]; got != 2 {
		t.Errorf("server a stored %v, want 2", got)
	}
}
