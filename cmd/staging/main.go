// Command staging runs a shop floor on this machine: PostgreSQL, two
// head-office processes behind HAProxy, Prometheus with the alert rules,
// and N registers (the real app/register use cases over their own SQLite
// stores, with simulated printer and card terminal and no GUI) pushing
// through the real syncer. It drives a compressed day (opening, lunch peak,
// returns, voids, card declines, paper-out, a store offline for an hour, a
// head office restarted, a price change at noon), then checks that every
// register's journal and Z report equal the head office's, runs the
// exactly-once fault test against both head offices, and writes a report.
//
// make staging runs it; make staging-short runs the 2-register version.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/assets"
	"github.com/tillpos/till/store/hqstore/pgtest"
)

type options struct {
	registers, stores int
	hour              time.Duration // real duration of one simulated hour
	faults            int           // exactly-once phase: faults to inject
	out, headoffice   string
	rules             string
	seed              uint64
	keep              bool
	barcodes          []string // of the demo catalog, set by run
}

func main() {
	var o options
	short := flag.Bool("short", false, "the make test version: 2 registers in 2 stores, a 12-hour day in about 50 s")
	flag.IntVar(&o.registers, "registers", 20, "registers to run")
	flag.IntVar(&o.stores, "stores", 4, "stores they are spread over; the last one loses its network for an hour")
	flag.DurationVar(&o.hour, "hour", 30*time.Second, "real duration of one simulated hour")
	flag.IntVar(&o.faults, "faults", 600, "faults injected in the exactly-once phase (two head offices behind HAProxy)")
	flag.StringVar(&o.out, "out", "", "directory for report.html and report.json (default: the run's temp dir)")
	flag.StringVar(&o.headoffice, "headoffice", "", "cmd/headoffice binary (default: go build it)")
	flag.StringVar(&o.rules, "rules", "packaging/prometheus/till-alerts.yml", "alert rules to load (scaled to the compressed day)")
	seed := flag.Int64("seed", 0, "random seed (0: random, printed)")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's temp dir (logs, databases)")
	flag.Parse()
	if *short {
		o.registers, o.stores, o.hour, o.faults = 2, 2, 4*time.Second, 100
	}
	o.seed = uint64(*seed)
	if o.seed == 0 {
		o.seed = rand.Uint64() >> 1
	}
	if o.registers < o.stores || o.stores < 2 || o.hour < time.Second {
		fmt.Fprintln(os.Stderr, "staging: want -stores >= 2, -registers >= -stores and -hour >= 1s")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	res, err := run(ctx, o, log)
	if res != nil && o.out != "" {
		if werr := writeReport(o.out, res); werr != nil {
			fmt.Fprintln(os.Stderr, "staging: report:", werr)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "staging: FAILED (seed %d): %v\n", o.seed, err)
		os.Exit(1)
	}
	fmt.Printf("staging: passed (seed %d) in %v\n", o.seed, res.Took)
}

// say prints a progress line with the real and the simulated time.
func say(c *simClock, format string, args ...any) {
	sim := ""
	if c != nil {
		sim = c.Now().Format(" [15:04]")
	}
	fmt.Printf("%s%s %s\n", time.Now().Format("15:04:05"), sim, fmt.Sprintf(format, args...))
}

func run(ctx context.Context, o options, log *slog.Logger) (*results, error) {
	t0 := time.Now()
	res := &results{Seed: o.seed, Registers: o.registers, Stores: o.stores, Hour: o.hour.String(),
		Command: strings.Join(os.Args, " ")}
	dir, err := os.MkdirTemp("", "till-staging-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		say(nil, "run directory %s (kept)", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	haproxyBin, err := lookTool("haproxy", "haproxy")
	if err != nil {
		return nil, err
	}
	promBin, err := lookTool("prometheus", "prometheus")
	if err != nil {
		return nil, err
	}
	if o.headoffice == "" {
		o.headoffice = filepath.Join(dir, "headoffice")
		say(nil, "building cmd/headoffice")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", o.headoffice, "./cmd/headoffice")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build headoffice: %w\n%s", err, out)
		}
	}

	say(nil, "starting PostgreSQL (pgtest)")
	dsn, stopPG, err := pgtest.Start()
	defer stopPG()
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}

	// One head office, two processes: they share the database and the data
	// directory (certificate, admin token), as two instances of one
	// deployment share their configuration.
	data := filepath.Join(dir, "hq-data")
	catalogFile := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(catalogFile, assets.DemoCatalog, 0o644); err != nil {
		return nil, err
	}
	var cat catalogfile.File
	if err := json.Unmarshal(assets.DemoCatalog, &cat); err != nil {
		return nil, err
	}
	var barcodes []string
	for _, p := range cat.Products {
		if len(p.Barcodes) > 0 && !p.SoldByWeight {
			barcodes = append(barcodes, p.Barcodes[0])
		}
	}
	o.barcodes = barcodes
	if _, err := admin(ctx, o.headoffice, data, dsn, "products", "import", catalogFile); err != nil {
		return nil, err
	}
	codes := make([]string, o.registers)
	var fingerprint string
	for s := range o.stores {
		sid := fmt.Sprintf("S%d", s+1)
		if _, err := admin(ctx, o.headoffice, data, dsn, "stores", "add", "--id", sid, "--name", "Staging store "+sid); err != nil {
			return nil, err
		}
	}
	for i := range o.registers {
		out, err := admin(ctx, o.headoffice, data, dsn, "registers", "add", "--store", fmt.Sprintf("S%d", i%o.stores+1))
		if err != nil {
			return nil, err
		}
		m := codeRe.FindStringSubmatch(out)
		if m == nil {
			return nil, fmt.Errorf("registers add printed no code:\n%s", out)
		}
		codes[i], fingerprint = m[1], m[2]
	}
	var hqs []*headOffice
	for _, name := range []string{"hq-a", "hq-b"} {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		h := &headOffice{name: name, bin: o.headoffice, dir: dir, data: data, dsn: dsn, port: port}
		say(nil, "starting %s on %s", name, h.addr())
		if err := h.start(ctx); err != nil {
			return nil, err
		}
		defer h.stop()
		hqs = append(hqs, h)
	}

	lbPort, err := freePort()
	if err != nil {
		return nil, err
	}
	lbCfg := filepath.Join(dir, "haproxy.cfg")
	os.WriteFile(lbCfg, []byte(haproxyConfig(lbPort, hqs)), 0o644)
	lb, err := startProc(dir, "haproxy", haproxyBin, "-db", "-f", lbCfg)
	if err != nil {
		return nil, err
	}
	defer lb.stop(5 * time.Second)
	lbURL := fmt.Sprintf("http://127.0.0.1:%d", lbPort)
	if err := waitHTTP(ctx, lbURL+"/readyz", 20*time.Second, lb); err != nil {
		return nil, err
	}
	say(nil, "HAProxy on %s in front of %s and %s", lbURL, hqs[0].addr(), hqs[1].addr())

	scale := float64(time.Hour) / float64(o.hour)
	scrape := max(250*time.Millisecond, min(time.Second, time.Duration(float64(time.Minute)/scale)))
	src, err := os.ReadFile(o.rules)
	if err != nil {
		return nil, err
	}
	scaled, err := scaleRules(string(src), scale, 4*scrape)
	if err != nil {
		return nil, err
	}
	rulesFile := filepath.Join(dir, "staging-alerts.yml")
	os.WriteFile(rulesFile, []byte(scaled), 0o644)
	promPort, err := freePort()
	if err != nil {
		return nil, err
	}
	promCfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(promCfg, []byte(prometheusConfig(scrape, filepath.Join(data, "admin-token"), rulesFile, hqs)), 0o644)
	prom, err := startProc(dir, "prometheus", promBin, "--config.file="+promCfg, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", promPort), "--log.level=warn")
	if err != nil {
		return nil, err
	}
	defer prom.stop(10 * time.Second)
	promURL := fmt.Sprintf("http://127.0.0.1:%d", promPort)
	if err := waitHTTP(ctx, promURL+"/-/ready", 30*time.Second, prom); err != nil {
		return nil, err
	}
	say(nil, "Prometheus on %s, scrape and rule evaluation every %v, alert durations divided by %.0f", promURL, scrape, scale)

	// The compressed day starts at 07:50 so that the shift opens on time.
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	clock := &simClock{start: day.Add(7*time.Hour + 50*time.Minute), real0: time.Now(), scale: scale}
	tl := newTally()
	lines := make([]*shopLine, o.stores)
	for s := range lines {
		if lines[s], err = newShopLine(fmt.Sprintf("127.0.0.1:%d", lbPort)); err != nil {
			return nil, err
		}
		defer lines[s].Close()
	}
	tills := make([]*till, o.registers)
	heartbeat := max(100*time.Millisecond, clock.real(time.Minute))
	for i := range tills {
		rdir := filepath.Join(dir, fmt.Sprintf("register-%02d", i+1))
		os.MkdirAll(rdir, 0o750)
		t, err := openTill(ctx, tillOptions{dir: rdir, code: codes[i], fingerprint: fingerprint, baseURL: lines[i%o.stores].URL(),
			clock: clock, tally: tl, seed: o.seed + uint64(i), heartbeat: heartbeat, poll: max(200*time.Millisecond, heartbeat), log: log})
		if err != nil {
			return nil, fmt.Errorf("register %d: %w", i+1, err)
		}
		defer t.db.Close()
		tills[i] = t
	}
	// The day starts now: enrolling waited on the head office's limits, and
	// nothing runs on the simulated clock yet (syncers start below).
	clock.real0 = time.Now()
	say(clock, "%d registers enrolled through their shop lines, catalog pulled", len(tills))

	runCtx, cancelRun := context.WithCancel(ctx)
	var bg sync.WaitGroup
	for _, t := range tills {
		bg.Add(2)
		go func() { defer bg.Done(); t.reg.Run(runCtx) }()
		go func() { defer bg.Done(); t.syncer.Run(runCtx) }()
	}
	watch := &alertWatch{url: promURL, clock: clock}
	bg.Add(1)
	go func() { defer bg.Done(); watch.run(runCtx, scrape) }()
	stopBG := func() { cancelRun(); bg.Wait() }
	defer stopBG()

	if err := driveDay(ctx, o, clock, tills, lines, hqs, barcodes, cat, tl, res, data, dsn); err != nil {
		return res, err
	}
	// Closing: every register takes its Z report, then the outboxes drain.
	for _, t := range tills {
		if err := t.closeShift(ctx); err != nil {
			return res, fmt.Errorf("%s: close shift: %w", t.id, err)
		}
	}
	say(clock, "shifts closed; waiting for every outbox to drain")
	if err := drainAll(ctx, tills, 60*time.Second); err != nil {
		return res, err
	}
	// Let Prometheus see the last heartbeats and the alerts resolve.
	time.Sleep(0) // (nothing to wait for: the watch records what it saw)
	stopBG()
	res.Alerts = watch.timeline()
	if err := collectMetrics(ctx, promURL, t0, res); err != nil {
		res.Problems = append(res.Problems, "prometheus query: "+err.Error())
	}
	say(nil, "reconciling every register with the head office")
	if err := reconcile(ctx, dsn, tills, tl, clock, res); err != nil {
		return res, err
	}
	summarize(tl, res)

	say(nil, "exactly-once under %d faults through HAProxy to both head offices", o.faults)
	if err := exactlyOnce(ctx, o, hqs, lbURL, data, dsn, fingerprint, log, res); err != nil {
		return res, err
	}
	res.Took = time.Since(t0).Round(time.Second).String()
	if err := res.check(); err != nil {
		return res, err
	}
	return res, nil
}

// drainAll waits until every register's outbox is empty.
func drainAll(ctx context.Context, tills []*till, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		left := 0
		for _, t := range tills {
			t.syncer.Kick()
			n, _, err := t.db.OutboxStats(ctx)
			if err != nil {
				return err
			}
			left += n
		}
		if left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d entries still in the outboxes after %v", left, within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// driveDay runs the simulated day from opening to closing.
func driveDay(ctx context.Context, o options, clock *simClock, tills []*till, lines []*shopLine, hqs []*headOffice,
	barcodes []string, cat catalogfile.File, tl *tally, res *results, data, dsn string) error {
	day := clock.start.Truncate(24 * time.Hour)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	open, closing := at(8, 0), at(20, 0)
	if !clock.sleepUntil(ctx, open) {
		return ctx.Err()
	}
	for _, t := range tills {
		if err := t.openShift(ctx); err != nil {
			return fmt.Errorf("%s: open shift: %w", t.id, err)
		}
	}
	say(clock, "shops open: %d shifts opened with a 100.00 float", len(tills))

	var wg sync.WaitGroup
	errc := make(chan error, len(tills)+4)
	for _, t := range tills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				now := clock.Now()
				if !now.Before(closing) || ctx.Err() != nil {
					return
				}
				// One customer per register every 4 minutes on average, three
				// times as many over lunch (11:30-14:00).
				gap := 4 * time.Minute
				if m := now.Hour()*60 + now.Minute(); m >= 11*60+30 && m < 14*60 {
					gap = 80 * time.Second
				}
				wait := time.Duration(t.rng.ExpFloat64() * float64(gap))
				if !clock.sleepUntil(ctx, now.Add(wait)) {
					return
				}
				switch r := t.rng.IntN(100); {
				case r < 3:
					t.returnOne(ctx, tl)
				case r < 4:
					t.voidLast(ctx, tl)
				default:
					t.sell(ctx, barcodes, tl)
				}
			}
		}()
	}

	// The day's events, in order.
	event := func(h, m int, what string, f func() error) {
		if !clock.sleepUntil(ctx, at(h, m)) {
			return
		}
		say(clock, "%s", what)
		res.Events = append(res.Events, event{Sim: clock.Now().Format("15:04"), What: what})
		if err := f(); err != nil {
			errc <- fmt.Errorf("%s: %w", what, err)
		}
	}
	down := lines[len(lines)-1]
	downStore := fmt.Sprintf("S%d", len(lines))
	event(10, 0, "store "+downStore+" loses its network", func() error { down.SetDown(true); return nil })
	event(11, 0, "store "+downStore+" is back online", func() error { down.SetDown(false); return nil })
	var priceWG sync.WaitGroup
	event(12, 0, "price change at the head office for store S1", func() error {
		p := cat.Products[0]
		for _, q := range cat.Products {
			if len(q.Barcodes) > 0 && !q.SoldByWeight {
				p = q
				break
			}
		}
		newPrice := p.Price + 10
		changed := time.Now()
		if _, err := admin(ctx, hqs[0].bin, data, dsn, "prices", "set", "--store", "S1", "--product", p.ID,
			"--price", fmt.Sprintf("%d.%02d", newPrice/100, newPrice%100)); err != nil {
			return err
		}
		for _, t := range tills {
			if t.storeID != "S1" {
				continue
			}
			priceWG.Add(1)
			go func() {
				defer priceWG.Done()
				for ctx.Err() == nil {
					if pr, err := t.db.ProductByBarcode(ctx, p.Barcodes[0]); err == nil && pr.Price == newPrice {
						d := time.Since(changed)
						res.mu.Lock()
						res.PriceLagSim = append(res.PriceLagSim, (time.Duration(float64(d) * clock.scale)).Round(time.Second).String())
						res.mu.Unlock()
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
		}
		return nil
	})
	event(13, 30, "hq-b restarted (SIGTERM, 5 minutes down)", func() error {
		return hqs[1].restart(ctx, clock.real(5*time.Minute))
	})
	event(15, 0, "paper out on the first register of S1", func() error { tills[0].printer.paperOut.Store(true); return nil })
	event(15, 20, "paper refilled", func() error {
		tills[0].printer.paperOut.Store(false)
		tills[0].reg.Spooler().Retry()
		return nil
	})
	wg.Wait()
	priceWG.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	// Every receipt held back by the paper-out prints once paper is back.
	for deadline := time.Now().Add(10 * time.Second); ; {
		pending := tills[0].reg.Spooler().Status().Pending
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			res.Problems = append(res.Problems, fmt.Sprintf("%d print jobs still pending 10 s after the paper-out", pending))
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.Join(errs...)
}

// alertWatch polls Prometheus's /api/v1/alerts and keeps every change.
type alertWatch struct {
	url   string
	clock *simClock
	mu    sync.Mutex
	state map[string]string // alert key → pending/firing
	log   []alertChange
}

type alertChange struct {
	Real, Sim string
	Alert     string
	Register  string `json:",omitempty"`
	State     string // pending, firing, resolved
}

func (w *alertWatch) run(ctx context.Context, every time.Duration) {
	w.state = map[string]string{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.url+"/api/v1/alerts", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			continue
		}
		var body struct {
			Data struct {
				Alerts []struct {
					Labels map[string]string `json:"labels"`
					State  string            `json:"state"`
				} `json:"alerts"`
			} `json:"data"`
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil {
			continue
		}
		seen := map[string]bool{}
		w.mu.Lock()
		for _, a := range body.Data.Alerts {
			key := a.Labels["alertname"] + "/" + a.Labels["register"]
			seen[key] = true
			if w.state[key] != a.State {
				w.state[key] = a.State
				w.note(a.Labels["alertname"], a.Labels["register"], a.State)
			}
		}
		for key := range w.state {
			if !seen[key] {
				delete(w.state, key)
				name, reg, _ := strings.Cut(key, "/")
				w.note(name, reg, "resolved")
			}
		}
		w.mu.Unlock()
	}
}

func (w *alertWatch) note(name, reg, state string) {
	w.log = append(w.log, alertChange{Real: time.Now().Format("15:04:05.0"), Sim: w.clock.Now().Format("15:04"),
		Alert: name, Register: reg, State: state})
}

func (w *alertWatch) timeline() []alertChange {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := append([]alertChange(nil), w.log...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Real < out[j].Real })
	return out
}
