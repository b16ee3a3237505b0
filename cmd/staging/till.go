package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncproto"
)

// simClock is the compressed day: scale simulated seconds pass per real
// second from start. Registers and syncers read it; the head offices and
// Prometheus keep the wall clock.
type simClock struct {
	start, real0 time.Time
	scale        float64
}

func (c *simClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.real0)) * c.scale))
}

// real converts a simulated duration to wall time.
func (c *simClock) real(d time.Duration) time.Duration { return time.Duration(float64(d) / c.scale) }

// sleepUntil waits until the simulated time t.
func (c *simClock) sleepUntil(ctx context.Context, t time.Time) bool {
	d := c.real(t.Sub(c.Now()))
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// tally counts errors by kind and keeps latency samples (real time).
type tally struct {
	mu       sync.Mutex
	errs     map[string]int
	examples map[string]string // kind → first message
	commits  []time.Duration
	scans    []time.Duration
	// committed is when each entry committed (wall clock), for sync lag.
	committed map[string]time.Time
	sales     map[int]int // simulated hour → completed sales
	failed    map[int]int // simulated hour → failed sale commits
}

func newTally() *tally {
	return &tally{errs: map[string]int{}, examples: map[string]string{}, committed: map[string]time.Time{}, sales: map[int]int{}, failed: map[int]int{}}
}

func (t *tally) err(kind string) { t.mu.Lock(); t.errs[kind]++; t.mu.Unlock() }

// example counts an error and keeps the first message of its kind.
func (t *tally) example(kind, msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs[kind]++
	if _, ok := t.examples[kind]; !ok {
		t.examples[kind] = msg
	}
}

// timedJournal is cmd/register's: it counts sales and times their commit
// for the heartbeat, and keeps the samples for the report.
type timedJournal struct {
	*store.DB
	m     *syncclient.Metrics
	t     *tally
	clock *simClock
}

func (j timedJournal) Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	start := time.Now()
	e, err := j.DB.Append(ctx, kind, id, at, build)
	d := time.Since(start)
	j.t.mu.Lock()
	defer j.t.mu.Unlock()
	if err == nil {
		j.t.committed[e.ID] = time.Now()
	}
	if kind != pos.EntrySale {
		return e, err
	}
	h := j.clock.Now().Hour()
	if err != nil {
		j.m.SaleFailed()
		j.t.failed[h]++
		j.t.errs["sale commit failed"]++
	} else {
		j.m.SaleCompleted()
		j.m.ObserveCommit(d)
		j.t.commits = append(j.t.commits, d)
		j.t.sales[h]++
	}
	return e, err
}

// simPrinter is the receipt printer: it fails while out of paper, as the
// printer simulator does (hardware/devicesim), without the byte protocol.
type simPrinter struct {
	tally    *tally
	paperOut atomic.Bool
	printed  atomic.Int64
}

var errPaperOut = errors.New("printer: paper out")

func (p *simPrinter) Print(_ context.Context, _ pos.Doc) error {
	if p.paperOut.Load() {
		p.tally.err("print: paper out")
		return errPaperOut
	}
	p.printed.Add(1)
	return nil
}

// simTerminal is the card terminal: it declines a share of cards, as the
// ZVT simulator does when told to, and approves the rest.
type simTerminal struct {
	mu      sync.Mutex
	rng     *rand.Rand
	decline float64
	n       int
}

func (s *simTerminal) answer(req register.CardRequest, approve bool) register.CardResult {
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	res := register.CardResult{Approved: approve, Amount: req.Amount, MaskedPAN: "************4242", Brand: "girocard",
		Trace: fmt.Sprint(n), ReceiptNo: fmt.Sprint(n), TerminalID: "SIM0001", ResultCode: "00"}
	if !approve {
		res.ResultCode, res.Message = "05", "Declined by the card issuer."
	}
	return res
}

func (s *simTerminal) Authorize(_ context.Context, req register.CardRequest, _ func(string)) (register.CardResult, error) {
	s.mu.Lock()
	ok := s.rng.Float64() >= s.decline
	s.mu.Unlock()
	return s.answer(req, ok), nil
}

func (s *simTerminal) Refund(_ context.Context, req register.CardRequest, _ func(string)) (register.CardResult, error) {
	return s.answer(req, true), nil
}

func (s *simTerminal) Reverse(_ context.Context, _ string, _ func(string)) (register.CardResult, error) {
	return s.answer(register.CardRequest{}, true), nil
}
func (s *simTerminal) Abort(context.Context) error { return nil }
func (s *simTerminal) LastTransaction(context.Context) (register.CardResult, error) {
	return register.CardResult{}, errors.New("sim terminal: no pending transaction")
}

// till is one simulated register: its own SQLite store, the real register
// use cases, the real syncer pushing through its shop's line.
type till struct {
	id, code, storeID string
	db                *store.DB
	reg               *register.Register
	syncer            *syncclient.Syncer
	metrics           *syncclient.Metrics
	printer           *simPrinter
	rng               *rand.Rand
	receipts          []string // receipt numbers of completed sales
	saleIDs           []string
	z                 register.ShiftReport
}

type tillOptions struct {
	dir, code, fingerprint, baseURL string
	clock                           *simClock
	tally                           *tally
	seed                            uint64
	heartbeat, poll, httpTimeout    time.Duration
	log                             *slog.Logger
}

func openTill(ctx context.Context, o tillOptions) (*till, error) {
	db, err := store.Open(ctx, filepath.Join(o.dir, "register.db"))
	if err != nil {
		return nil, err
	}
	pub, key, _ := ed25519.GenerateKey(nil)
	resp, err := enroll(ctx, syncclient.EnrollOptions{BaseURL: o.baseURL, Code: o.code, Fingerprint: o.fingerprint, Timeout: 10 * time.Second}, pub)
	if err != nil {
		db.Close()
		return nil, err
	}
	db.SetRegisterID(resp.RegisterID)
	// Receipt numbers are CODE-000123 with an alphanumeric code.
	t := &till{id: resp.RegisterID, code: strings.ReplaceAll(resp.RegisterID, "-", ""), storeID: resp.StoreID, db: db, metrics: &syncclient.Metrics{},
		printer: &simPrinter{tally: o.tally}, rng: rand.New(rand.NewPCG(o.seed, 17))}
	sc := syncclient.Config{BaseURL: o.baseURL, RegisterID: resp.RegisterID, Token: resp.Token, Key: key,
		HTTPClient: &http.Client{Timeout: max(o.httpTimeout, 10*time.Second*time.Duration(btoi(o.httpTimeout == 0)))}, Clock: o.clock, Log: o.log.With("register", resp.RegisterID),
		PollInterval: o.poll, MinRetry: 100 * time.Millisecond, MaxRetry: max(o.poll, time.Second),
		StoreID: resp.StoreID, Catalog: db, HeartbeatInterval: o.heartbeat, AppVersion: "staging", Metrics: t.metrics,
		OnChange: func(st syncclient.Status) {
			if st.LastError != "" {
				kind, msg := "other", st.LastError
				if st.Err != nil { // the cause, not the cashier's sentence
					kind, msg = classify(st.Err), st.Err.Error()
				}
				o.tally.example("sync pass failed: "+kind, msg)
			}
		}}
	t.syncer = syncclient.New(sc, db)
	if _, err := t.syncer.PullCatalog(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: first catalog pull: %w", t.id, err)
	}
	term := &simTerminal{rng: rand.New(rand.NewPCG(o.seed, 99)), decline: 0.08}
	deps := register.Deps{Catalog: db, Journal: timedJournal{DB: db, m: t.metrics, t: o.tally, clock: o.clock},
		Printer: t.printer, Clock: o.clock, Log: o.log.With("register", t.id), Staff: db, Parked: db, PrintQueue: db,
		PaymentTerminal: term, Payments: db, Metrics: t.metrics, OnCommitted: func(register.Committed) { t.syncer.Kick() }}
	t.reg = register.New(register.Config{RegisterID: t.id, RegisterCode: t.code, StoreID: t.storeID, StoreName: "Staging " + t.storeID,
		Currency: pos.MustCurrency("EUR"), TaxMode: pos.TaxInclusive, Locale: "en"}, deps)
	t.reg.Spooler().RetryInterval = 200 * time.Millisecond
	return t, nil
}

// enroll enrolls as an installer would, waiting when the head office says
// too many enrollments come from one address (all of staging's registers
// reach it through HAProxy from 127.0.0.1): the limit stays as in production.
func enroll(ctx context.Context, o syncclient.EnrollOptions, pub ed25519.PublicKey) (syncproto.EnrollResponse, error) {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := syncclient.Enroll(ctx, o, pub)
		var he *syncclient.HTTPError
		if err == nil || !errors.As(err, &he) || he.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			return resp, err
		}
		wait := he.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		select {
		case <-ctx.Done():
			return resp, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// classify turns a syncer error into a bounded label: the HTTP status the
// head office (or HAProxy) answered, or the network failure.
func classify(err error) string {
	var he *syncclient.HTTPError
	if errors.As(err, &he) {
		return fmt.Sprintf("HTTP %d", he.StatusCode)
	}
	msg := strings.ToLower(err.Error())
	for _, k := range []string{"connection refused", "connection reset", "server closed idle connection",
		"use of closed network connection", "timeout", "deadline exceeded", "eof"} {
		if strings.Contains(msg, k) {
			return k
		}
	}
	return "other"
}

// openShift counts the float into the drawer: 100 € in 10 € notes.
func (t *till) openShift(ctx context.Context) error {
	t.reg.SetEmployee(register.Employee{ID: "E-MGR", Name: "Staging Manager", Role: register.RoleManager})
	_, err := t.reg.StartShift(ctx, []register.DenomCount{{Value: 1000, Count: 10}})
	return err
}

// sell rings up one customer: scans, then cash or card (a declined card
// is followed by cash). It returns the kind of error the cashier saw, if any.
func (t *till) sell(ctx context.Context, barcodes []string, tl *tally) {
	n := 1 + t.rng.IntN(5)
	for range n {
		code := barcodes[t.rng.IntN(len(barcodes))]
		start := time.Now()
		if _, err := t.reg.Scan(ctx, code); err != nil {
			tl.err("scan: " + errCode(err))
			continue
		}
		d := time.Since(start)
		tl.mu.Lock()
		tl.scans = append(tl.scans, d)
		tl.mu.Unlock()
	}
	_, tot := t.reg.Sale()
	if tot.Due <= 0 {
		t.reg.CancelSale(ctx, "empty")
		return
	}
	var pay register.Payment
	var err error
	if t.rng.IntN(10) < 4 {
		pay, err = t.reg.TenderCard(ctx, tot.Due, func(string) {})
		if err != nil {
			tl.err("card declined")
			pay, err = t.reg.TenderExact(ctx)
		}
	} else {
		pay, err = t.reg.TenderExact(ctx)
	}
	if err != nil {
		tl.err("tender: " + errCode(err))
		t.reg.CancelSale(ctx, "tender failed")
		return
	}
	if pay.Completed != nil {
		t.receipts = append(t.receipts, pay.Completed.ReceiptNo)
		t.saleIDs = append(t.saleIDs, pay.Completed.SaleID)
	}
}

// returnOne takes back the first line of an earlier receipt for cash.
func (t *till) returnOne(ctx context.Context, tl *tally) {
	if len(t.receipts) < 3 {
		return
	}
	no := t.receipts[t.rng.IntN(len(t.receipts)-1)]
	rt, err := t.reg.FindReceipt(ctx, no)
	if err != nil {
		tl.example("return: receipt not found", err.Error())
		return
	}
	if rt.Voided || len(rt.Left) == 0 || rt.Left[0] <= 0 {
		return
	}
	if err := t.reg.StartReturn(ctx, no, []register.ReturnLine{{Index: 0, Qty: rt.Left[0], Restock: true}}, nil); err != nil {
		tl.example("return: "+errCode(err), err.Error())
		t.reg.CancelSale(ctx, "return refused")
		return
	}
	if _, err := t.reg.TenderExact(ctx); err != nil {
		tl.err("return tender: " + errCode(err))
		t.reg.CancelSale(ctx, "return tender failed")
		return
	}
	tl.err("returns (not an error)")
}

// voidLast voids the most recent sale (the customer changed their mind).
func (t *till) voidLast(ctx context.Context, tl *tally) {
	if len(t.saleIDs) == 0 {
		return
	}
	id := t.saleIDs[len(t.saleIDs)-1]
	t.saleIDs = t.saleIDs[:len(t.saleIDs)-1]
	t.receipts = t.receipts[:len(t.receipts)-1]
	if _, err := t.reg.VoidSale(ctx, id, "customer changed their mind", nil); err != nil {
		tl.example("void: "+errCode(err), err.Error())
		return
	}
	tl.err("voids (not an error)")
}

// closeShift counts exactly what is expected and takes the Z report.
func (t *till) closeShift(ctx context.Context) error {
	x, err := t.reg.XReport(ctx)
	if err != nil {
		return err
	}
	counts := []register.DenomCount{{Value: 1, Count: x.ExpectedCash}}
	t.z, err = t.reg.CloseShift(ctx, counts, nil)
	return err
}

func errCode(err error) string {
	var pe *pos.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return "other"
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
