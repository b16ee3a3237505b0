package backoffice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// dashDay is the day the dashboard tests look at, at 17:40.
var dashDay = time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)

// demoHeadOffice is a head office with a realistic afternoon: three
// stores, five registers, sales across the hours pushed over the API, one
// register that reported its health, one that pushed an edited entry, one
// enrolled that never pushed.
type demoHeadOffice struct {
	srv   http.Handler
	ts    *httptest.Server
	sales map[string]int // per store
	total int
	last  map[string]pos.Entry // per register
}

// noBulkSales refuses to list more than one sale: the dashboard must draw
// today's figures from the SalesByHour aggregate, not by reading every sale.
type noBulkSales struct{ hqstore.Store }

func (s noBulkSales) Sales(ctx context.Context, f hqstore.SalesFilter) ([]hqstore.Sale, error) {
	if f.Limit != 1 {
		return nil, fmt.Errorf("test store: listing up to %d sales refused", f.Limit)
	}
	return s.Store.Sales(ctx, f)
}

func newDemoHeadOffice(t *testing.T) *demoHeadOffice {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	now := dashDay.Add(17*time.Hour + 40*time.Minute)
	srv := headOffice(t, noBulkSales{st}, func() time.Time { return now }, "")
	d := &demoHeadOffice{srv: srv, ts: httptest.NewServer(srv), sales: map[string]int{}, last: map[string]pos.Entry{}}
	t.Cleanup(d.ts.Close)
	for _, s := range []hqstore.StoreInfo{{ID: "S-BER", Name: "Berlin Mitte"}, {ID: "S-HAM", Name: "Hamburg Altona"}, {ID: "S-MUC", Name: "Munich Schwabing"}} {
		if err := st.AddStore(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	regs := []struct{ id, store, name string }{
		{"ber-1", "S-BER", "Till 1"}, {"ber-2", "S-BER", "Till 2"}, {"ham-1", "S-HAM", "Till 1"},
		{"muc-1", "S-MUC", "Till 1"}, {"muc-2", "S-MUC", "Till 2 (new)"},
	}
	for i, r := range regs {
		code := hqstore.PendingCode{Hash: fmt.Sprintf("code-%d", i), Hint: "AB12", ExpiresAt: now.Add(time.Hour)}
		if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: r.id, StoreID: r.store, Name: r.name}, code); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(3, 12))
	// Sales per hour through the day: a lunch peak and an after-work peak.
	shape := map[int]int{8: 6, 9: 10, 10: 12, 11: 16, 12: 26, 13: 22, 14: 12, 15: 11, 16: 15, 17: 12}
	for _, r := range regs[:4] {
		var times []time.Time
		for h := 8; h <= 17; h++ {
			n := shape[h] + rng.IntN(6)
			if r.store == "S-HAM" {
				n = n * 2 / 3
			}
			for range n {
				at := dashDay.Add(time.Duration(h)*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
				if at.Before(now) {
					times = append(times, at)
				}
			}
		}
		slices.SortFunc(times, time.Time.Compare)
		entries := make([]pos.Entry, len(times))
		prev := pos.GenesisHash
		for i, at := range times {
			seq := int64(i + 1)
			payload, err := json.Marshal(pos.SaleRecord{SaleID: fmt.Sprintf("%s-sale-%d", r.id, seq), ReceiptNo: fmt.Sprintf("%s-%06d", r.id, seq),
				RegisterID: r.id, StoreID: r.store, Currency: "EUR", Completed: at, Totals: pos.Totals{Gross: int64(150 + rng.IntN(4500))}})
			if err != nil {
				t.Fatal(err)
			}
			entries[i] = pos.Entry{Seq: seq, ID: fmt.Sprintf("%s-%08d", r.id, seq), RegisterID: r.id, Kind: pos.EntrySale, CreatedAt: at, Payload: payload}
			entries[i].Seal(prev)
			prev = entries[i].Hash
		}
		d.sales[r.store] += len(entries)
		d.total += len(entries)
		d.last[r.id] = entries[len(entries)-1]
		for len(entries) > 0 {
			n := min(len(entries), 500)
			pushHTTP(t, d.ts.URL, r.id, batchBody(t, entries[:n]))
			entries = entries[n:]
		}
	}
	// ham-1 pushes an entry edited after sealing: refused, flagged.
	last := d.last["ham-1"]
	e := pos.Entry{Seq: last.Seq + 1, ID: "ham-1-edited", RegisterID: "ham-1", Kind: pos.EntrySale, CreatedAt: now.Add(-time.Minute),
		Payload: []byte(`{"sale_id":"x","store_id":"S-HAM","currency":"EUR","totals":{"gross":100}}`)}
	e.Seal(last.Hash)
	e.Payload = []byte(`{"sale_id":"x","store_id":"S-HAM","currency":"EUR","totals":{"gross":1}}`)
	pushHTTP(t, d.ts.URL, "ham-1", batchBody(t, []pos.Entry{e}))
	heartbeat(t, d.ts.URL, "ber-1", syncproto.HeartbeatRequest{AppVersion: "1.4.2", OutboxDepth: 3, OldestUnsyncedMS: 95000,
		Counters: map[string]int64{syncproto.CounterSalesCompleted: 212, syncproto.CounterSalesFailed: 2,
			syncproto.CounterCardApproved: 97, syncproto.CounterCardDeclined: 3, syncproto.CounterCardErrors: 1, syncproto.CounterPrintFailures: 2},
		Latencies: map[string]syncproto.LatencySummary{syncproto.LatencyScanToLine: {Count: 640, P50MS: 3.2, P99MS: 11.6}},
		Devices:   map[string]string{"printer": "ok", "scanner": "ok", "terminal": "ok"}})
	heartbeat(t, d.ts.URL, "muc-1", syncproto.HeartbeatRequest{AppVersion: "1.4.1", Counters: map[string]int64{syncproto.CounterSalesCompleted: 159},
		Devices: map[string]string{"printer": "paper out", "scanner": "ok"}})
	return d
}

func TestDashboardHTML(t *testing.T) {
	t.Parallel()
	d := newDemoHeadOffice(t)
	w := request{method: "GET", path: "/dashboard"}.do(d.srv)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	want := []string{
		fmt.Sprintf(`<b id="sales-today">%d</b>`, d.total),
		"Berlin Mitte · " + fmt.Sprint(d.sales["S-BER"]) + " sales",
		"Munich Schwabing · " + fmt.Sprint(d.sales["S-MUC"]) + " sales",
		`<tr data-register="ber-1">`, "1.4.2", "printer <span>ok</span><br>scanner <span>ok</span>", `printer <span class="bad">paper out</span>`, "99.1 %", // 212 of 214 sales
		`<tr data-register="muc-2">`, "waiting for enrollment",
		"1 rejected", "not reported", "Registers online</small><b>4 / 5</b>",
		"cards 97 ok · 3 declined · 1 error<", `<span class="bad">2 print failures</span>`, "scan to line p50 3.2 ms, p99 12 ms",
		"<title>Berlin Mitte, 12:00–12:59:",
	}
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
	if strings.Count(body, "<rect") < 30 {
		t.Errorf("chart has %d bars, want one per store and hour with sales", strings.Count(body, "<rect"))
	}
}

func TestDashboardEmptyAndBroken(t *testing.T) {
	t.Parallel()
	srv := headOffice(t, openStore(t), nil, "")
	body := request{method: "GET", path: "/dashboard"}.do(srv).Body.String()
	for _, s := range []string{"No sales yet today.", "No register is enrolled or has synced yet."} {
		if !strings.Contains(body, s) {
			t.Errorf("empty dashboard lacks %q", s)
		}
	}
	st := openStore(t)
	broken := headOffice(t, st, nil, "")
	st.Close()
	if w := (request{method: "GET", path: "/dashboard"}).do(broken); w.Code != 503 || !strings.Contains(w.Body.String(), "not reachable") {
		t.Errorf("closed store: %d %s", w.Code, w.Body)
	}
}
