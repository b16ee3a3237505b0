package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/sync/faultproxy"
	"github.com/tillpos/till/sync/syncclient"
)

// results is what a run measured; report.json and report.html show it.
type results struct {
	mu                       sync.Mutex
	Command, Hour, Took      string
	Seed                     uint64
	Registers, Stores        int
	Events                   []event
	Alerts                   []alertChange
	Sales, Failed            int
	SuccessRate              float64
	SalesByHour              []hourCount
	CommitP50, CommitP99     string
	ScanP50, ScanP99         string
	SyncLagP50, SyncLagP99   string // wall clock, commit to stored at the head office
	SyncLagSimP50, SimLagP99 string // the same in simulated time
	LagByHour                []hourLag
	IngestP50, IngestP99     string
	IngestSeries             []point
	Errors                   map[string]int
	ErrorExamples            map[string]string
	PriceLagSim              []string
	Reconciled               []reconciliation
	ExactlyOnce              string
	Problems                 []string
}

type event struct{ Sim, What string }

type hourCount struct{ Hour, Sales, Failed int }

type hourLag struct {
	Hour     int
	P50, P99 float64 // seconds of simulated time
}

type point struct{ T, V float64 }

type reconciliation struct {
	Register           string
	Entries            int
	ChainEnd           string
	JournalEqual       bool
	Sales              int
	HQSales            int64
	ZGross, HQZGross   int64
	ZEqual, SalesEqual bool
	Detail             string `json:",omitempty"`
}

// check fails the run when the head office differs from a register or an
// alert did not behave.
func (r *results) check() error {
	var errs []error
	for _, c := range r.Reconciled {
		if !c.JournalEqual || !c.ZEqual || !c.SalesEqual {
			errs = append(errs, fmt.Errorf("%s: journal equal %v, Z equal %v, sales equal %v: %s", c.Register, c.JournalEqual, c.ZEqual, c.SalesEqual, c.Detail))
		}
	}
	fired, resolved := false, false
	for _, a := range r.Alerts {
		if a.Alert == "TillRegisterSilent" && a.State == "firing" {
			fired = true
		}
		if a.Alert == "TillRegisterSilent" && a.State == "resolved" && fired {
			resolved = true
		}
	}
	if !fired || !resolved {
		errs = append(errs, fmt.Errorf("TillRegisterSilent: fired %v, resolved after %v (want both during the network drop)", fired, resolved))
	}
	if r.SuccessRate < 0.995 {
		errs = append(errs, fmt.Errorf("transaction success rate %.4f", r.SuccessRate))
	}
	return errors.Join(errs...)
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func summarize(tl *tally, res *results) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for h := 0; h < 24; h++ {
		if tl.sales[h]+tl.failed[h] > 0 {
			res.SalesByHour = append(res.SalesByHour, hourCount{h, tl.sales[h], tl.failed[h]})
		}
		res.Sales += tl.sales[h]
		res.Failed += tl.failed[h]
	}
	res.SuccessRate = 1
	if res.Sales+res.Failed > 0 {
		res.SuccessRate = float64(res.Sales) / float64(res.Sales+res.Failed)
	}
	res.CommitP50, res.CommitP99 = us(quantile(tl.commits, .5)), us(quantile(tl.commits, .99))
	res.ScanP50, res.ScanP99 = us(quantile(tl.scans, .5)), us(quantile(tl.scans, .99))
	res.Errors, res.ErrorExamples = tl.errs, tl.examples
}

func us(d time.Duration) string { return d.Round(time.Microsecond).String() }

// reconcile compares every register with the head office's database:
// entry ids, hashes and chain end; the Z report recomputed from the head
// office's copy of the shift's entries; the sales projection.
func reconcile(ctx context.Context, dsn string, tills []*till, tl *tally, clock *simClock, res *results) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var lags []time.Duration
	byHour := map[int][]time.Duration{}
	for _, t := range tills {
		c, hq, err := compareJournal(ctx, conn, t)
		if err != nil {
			return err
		}
		tl.mu.Lock()
		for _, e := range hq {
			if at, ok := tl.committed[e.ID]; ok {
				lag := e.received.Sub(at)
				lags = append(lags, lag)
				h := e.CreatedAt.Hour()
				byHour[h] = append(byHour[h], lag)
			}
		}
		tl.mu.Unlock()
		compareZ(t, hq, &c)
		res.Reconciled = append(res.Reconciled, c)
	}
	res.SyncLagP50, res.SyncLagP99 = quantile(lags, .5).Round(time.Millisecond).String(), quantile(lags, .99).Round(time.Millisecond).String()
	sim := func(d time.Duration) string {
		return time.Duration(float64(d) * clock.scale).Round(time.Second).String()
	}
	res.SyncLagSimP50, res.SimLagP99 = sim(quantile(lags, .5)), sim(quantile(lags, .99))
	var hours []int
	for h := range byHour {
		hours = append(hours, h)
	}
	sort.Ints(hours)
	for _, h := range hours {
		res.LagByHour = append(res.LagByHour, hourLag{h, quantile(byHour[h], .5).Seconds() * clock.scale, quantile(byHour[h], .99).Seconds() * clock.scale})
	}
	return nil
}

type hqEntry struct {
	pos.Entry
	received time.Time
}

func hqEntries(ctx context.Context, conn *pgx.Conn, rid string) ([]hqEntry, error) {
	rows, err := conn.Query(ctx, `SELECT id, seq, kind, created_at_ms, payload, prev_hash, hash, received_at_ms
		FROM entries WHERE register_id = $1 ORDER BY seq`, rid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hqEntry
	for rows.Next() {
		var e hqEntry
		var created, received int64
		var kind string
		if err := rows.Scan(&e.ID, &e.Seq, &kind, &created, &e.Payload, &e.PrevHash, &e.Hash, &received); err != nil {
			return nil, err
		}
		e.Kind, e.RegisterID = pos.EntryKind(kind), rid
		e.CreatedAt, e.received = time.UnixMilli(created).UTC(), time.UnixMilli(received)
		out = append(out, e)
	}
	return out, rows.Err()
}

func compareJournal(ctx context.Context, conn *pgx.Conn, t *till) (reconciliation, []hqEntry, error) {
	c := reconciliation{Register: t.id}
	n, err := t.db.VerifyJournal(ctx)
	if err != nil {
		c.Detail = "register journal: " + err.Error()
		return c, nil, nil
	}
	journal, err := t.db.Entries(ctx, 0, int(n)+1)
	if err != nil {
		return c, nil, err
	}
	hq, err := hqEntries(ctx, conn, t.id)
	if err != nil {
		return c, nil, err
	}
	c.Entries = len(journal)
	c.JournalEqual = len(journal) == len(hq)
	for i := 0; c.JournalEqual && i < len(journal); i++ {
		a, b := journal[i], hq[i].Entry
		if a.ID != b.ID || a.Seq != b.Seq || a.Hash != b.Hash || a.PrevHash != b.PrevHash || string(a.Payload) != string(b.Payload) {
			c.JournalEqual = false
			c.Detail = fmt.Sprintf("entry %d differs", a.Seq)
		}
	}
	if len(journal) > 0 {
		c.ChainEnd = fmt.Sprintf("%d %.12s", journal[len(journal)-1].Seq, journal[len(journal)-1].Hash)
	}
	if !c.JournalEqual && c.Detail == "" {
		c.Detail = fmt.Sprintf("register has %d entries, head office %d", len(journal), len(hq))
	}
	var sales int
	for _, e := range journal {
		if e.Kind == pos.EntrySale {
			sales++
		}
	}
	c.Sales = sales
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM sales WHERE register_id = $1`, t.id).Scan(&c.HQSales); err != nil {
		return c, nil, err
	}
	c.SalesEqual = c.HQSales == int64(sales)
	return c, hq, nil
}

// compareZ recomputes the Z report from the head office's entries of the
// shift, with the function the register itself uses.
func compareZ(t *till, hq []hqEntry, c *reconciliation) {
	z := t.z
	c.ZGross = z.Gross
	var open pos.Entry
	var shift []pos.Entry
	for _, e := range hq {
		switch {
		case e.Seq == z.FirstSeq:
			open = e.Entry
		case e.Seq > z.FirstSeq && e.Seq <= z.LastSeq:
			shift = append(shift, e.Entry)
		}
	}
	var rec register.ShiftOpenRecord
	if err := json.Unmarshal(open.Payload, &rec); err != nil {
		c.Detail += " shift open entry missing at the head office"
		return
	}
	got, err := register.ComputeShiftReport(rec, z.FirstSeq, shift)
	if err != nil {
		c.Detail += " " + err.Error()
		return
	}
	c.HQZGross = got.Gross
	c.ZEqual = got.Gross == z.Gross && got.Net == z.Net && got.Tax == z.Tax && got.Sales == z.Sales &&
		got.Returns == z.Returns && got.Voids == z.Voids && got.ExpectedCash == z.ExpectedCash &&
		slices.Equal(got.ByTender, z.ByTender) && got.LastSeq == z.LastSeq
	if !c.ZEqual {
		c.Detail += fmt.Sprintf(" Z: register %+v, head office %+v", z, got)
	}
}

// collectMetrics asks Prometheus for the ingest latency over the run.
func collectMetrics(ctx context.Context, promURL string, t0 time.Time, res *results) error {
	window := fmt.Sprintf("%ds", int(time.Since(t0).Seconds())+1)
	for _, q := range []struct {
		quant float64
		dst   *string
	}{{.5, &res.IngestP50}, {.99, &res.IngestP99}} {
		v, err := promQuery(ctx, promURL, fmt.Sprintf(`histogram_quantile(%g, sum by (le) (increase(till_ingest_batch_duration_seconds_bucket[%s])))`, q.quant, window))
		if err != nil {
			return err
		}
		*q.dst = time.Duration(v * float64(time.Second)).Round(time.Microsecond).String()
	}
	// p99 over 5 s windows through the run, for the chart.
	u := fmt.Sprintf("%s/api/v1/query_range?query=%s&start=%d&end=%d&step=2", promURL,
		urlQuery(`histogram_quantile(0.99, sum by (le) (rate(till_ingest_batch_duration_seconds_bucket[5s])))`), t0.Unix(), time.Now().Unix())
	var body struct {
		Data struct {
			Result []struct {
				Values [][2]any `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := getJSON(ctx, u, &body); err != nil {
		return err
	}
	for _, r := range body.Data.Result {
		for _, v := range r.Values {
			ts, _ := v[0].(float64)
			var f float64
			if s, ok := v[1].(string); ok {
				fmt.Sscan(s, &f)
			}
			if f == f { // skip NaN (no pushes in the window)
				res.IngestSeries = append(res.IngestSeries, point{ts - float64(t0.Unix()), f})
			}
		}
	}
	return nil
}

func promQuery(ctx context.Context, promURL, q string) (float64, error) {
	var body struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := getJSON(ctx, promURL+"/api/v1/query?query="+urlQuery(q), &body); err != nil {
		return 0, err
	}
	if len(body.Data.Result) == 0 {
		return 0, fmt.Errorf("%s: no result", q)
	}
	var f float64
	s, _ := body.Data.Result[0].Value[1].(string)
	_, err := fmt.Sscan(s, &f)
	return f, err
}

func getJSON(ctx context.Context, u string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// exactlyOnce is synce2e's TestExactlyOnceUnderFaults against the two head
// offices at once: a register sells and pushes through the fault proxy in
// front of HAProxy; a Restart fault restarts hq-a and hq-b in turn (the
// real processes, SIGTERM and start). At the end the head office holds
// exactly the register's journal.
func exactlyOnce(ctx context.Context, o options, hqs []*headOffice, lbURL, data, dsn, fingerprint string, log *slog.Logger, res *results) error {
	out, err := admin(ctx, o.headoffice, data, dsn, "registers", "add", "--store", "S1", "--name", "fault register")
	if err != nil {
		return err
	}
	m := codeRe.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("registers add printed no code:\n%s", out)
	}
	proxy := faultproxy.New(lbURL, o.seed)
	var turn int
	proxy.OnRestart(func() {
		h := hqs[turn%2]
		turn++
		if err := h.restart(ctx, 0); err != nil {
			res.Problems = append(res.Problems, "fault restart: "+err.Error())
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	dir, err := os.MkdirTemp("", "till-staging-faults-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	clock := &simClock{start: time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC), real0: time.Now(), scale: 60}
	tl := newTally()
	t, err := openTill(ctx, tillOptions{dir: dir, code: m[1], fingerprint: fingerprint, baseURL: "http://" + ln.Addr().String(),
		clock: clock, tally: tl, seed: o.seed ^ 0x5eed, poll: time.Second, httpTimeout: 300 * time.Millisecond, log: log})
	if err != nil {
		return err
	}
	defer t.db.Close()
	if err := t.openShift(ctx); err != nil {
		return err
	}
	var kinds []faultproxy.Fault
	for _, f := range faultproxy.All {
		if f != faultproxy.Timeout {
			kinds = append(kinds, f, f, f)
		}
	}
	kinds = append(kinds, faultproxy.Timeout, faultproxy.Restart)
	proxy.SetFaults(0.5, kinds...)
	rng := rand.New(rand.NewPCG(o.seed, 3))
	start, passes := time.Now(), 0
	barcodes := o.barcodes
	for proxy.Injected() < o.faults {
		for range rng.IntN(4) {
			t.sell(ctx, barcodes, tl)
		}
		if _, err := t.syncer.Sync(ctx); err != nil {
			var rej *syncclient.RejectedError
			if errors.As(err, &rej) {
				return fmt.Errorf("pass %d: %w", passes, err)
			}
		}
		passes++
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	proxy.SetFaults(0)
	for range 50 {
		if n, _, _ := t.db.OutboxStats(ctx); n == 0 {
			break
		}
		t.syncer.Sync(ctx)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	c, _, err := compareJournal(ctx, conn, t)
	if err != nil {
		return err
	}
	c.ZEqual = true // no Z in this phase
	res.Reconciled = append(res.Reconciled, c)
	res.ExactlyOnce = fmt.Sprintf("%d faults %v, %d head-office restarts, %d passes, %d sales, %d entries in %v: journal equal %v, sales equal %v",
		proxy.Injected(), proxy.Counts(), turn, passes, c.Sales, c.Entries, time.Since(start).Round(time.Millisecond), c.JournalEqual, c.SalesEqual)
	say(nil, "%s", res.ExactlyOnce)
	return nil
}

func writeReport(dir string, res *results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "report.json"), j, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.html"), []byte(renderHTML(res)), 0o644)
}
