package synce2e_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	appregister "github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncserver"
)

// scriptedTerminal approves or declines every request as told.
type scriptedTerminal struct{ approve atomic.Bool }

func (s *scriptedTerminal) Authorize(_ context.Context, req appregister.CardRequest, _ func(string)) (appregister.CardResult, error) {
	if s.approve.Load() {
		return appregister.CardResult{Approved: true, Amount: req.Amount, MaskedPAN: "************0119", Brand: "VISA",
			AuthCode: "123456", Trace: "000042", ReceiptNo: "0042", TerminalID: "52500038", ResultCode: "00"}, nil
	}
	return appregister.CardResult{ResultCode: "05", Message: "Card not accepted"}, nil
}

func (s *scriptedTerminal) Refund(context.Context, appregister.CardRequest, func(string)) (appregister.CardResult, error) {
	return appregister.CardResult{}, errors.New("not used")
}

func (s *scriptedTerminal) Reverse(context.Context, string, func(string)) (appregister.CardResult, error) {
	return appregister.CardResult{}, errors.New("not used")
}
func (s *scriptedTerminal) Abort(context.Context) error { return nil }
func (s *scriptedTerminal) LastTransaction(context.Context) (appregister.CardResult, error) {
	return appregister.CardResult{}, errors.New("not used")
}

// paperOut is a receipt printer that never prints.
type paperOut struct{}

func (paperOut) Print(context.Context, pos.Doc) error { return errors.New("printer: out of paper") }

// TestRegisterMetricsReachHeadOffice: a real register (app/register over
// its SQLite store) wired to syncclient.Metrics as cmd/register wires it
// takes a card approval, a decline, a scan and a failed print; the next
// heartbeat carries them, and the head office's /metrics and dashboard
// show them.
func TestRegisterMetricsReachHeadOffice(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hqs, err := hqstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer hqs.Close()
	srv, err := syncserver.New(syncserver.Config{AllowUnenrolled: true, Store: hqs})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := wholeHeadOffice(t, srv, hqs, "")
	ts := httptest.NewServer(h)
	defer ts.Close()

	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetRegisterID("R1")
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	metrics := &syncclient.Metrics{}
	syncer := syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: "R1", Metrics: metrics,
		HeartbeatInterval: time.Hour, AppVersion: "test"}, db)
	term := &scriptedTerminal{}
	reg := appregister.New(appregister.Config{RegisterID: "R1", RegisterCode: "K1", StoreID: "S01", Currency: pos.MustCurrency("EUR")},
		appregister.Deps{Catalog: db, Journal: db, Printer: paperOut{}, PaymentTerminal: term, Payments: db, Metrics: metrics})
	reg.SetCashier(appregister.Cashier{ID: "e1", Name: "Anna"})
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { _ = reg.Run(runCtx); close(ran) }()
	defer func() { stopRun(); <-ran }()

	const bread = "2117674936530" // Brötchen, 0.45 in the demo catalog
	if _, err := reg.Scan(ctx, bread); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.TenderCard(ctx, 45, nil); err == nil {
		t.Fatal("declined card was taken")
	}
	term.approve.Store(true)
	if pay, err := reg.TenderCard(ctx, 45, nil); err != nil || pay.Completed == nil {
		t.Fatalf("approved card: %+v %v", pay, err)
	}
	waitFor(t, "the receipt's failed print to be counted", func() bool {
		c, _ := metrics.Snapshot()
		return c["print_failures"] >= 1
	})

	if _, err := syncer.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := syncer.SendHeartbeat(ctx); err != nil {
		t.Fatal(err)
	}

	get := func(path string) string {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	scrape := get("/metrics")
	for _, s := range []string{
		`till_register_card_payments_reported_total{outcome="approved",register="R1"} 1`,
		`till_register_card_payments_reported_total{outcome="declined",register="R1"} 1`,
		`till_register_card_payments_reported_total{outcome="error",register="R1"} 0`,
		`till_register_print_failures_reported_total{register="R1"} `,
		`till_register_latency_seconds{latency="scan_to_line",quantile="0.99",register="R1"} `,
	} {
		if !strings.Contains(scrape, s) {
			t.Errorf("/metrics lacks %q", s)
		}
	}
	if strings.Contains(scrape, `till_register_print_failures_reported_total{register="R1"} 0`) {
		t.Error("/metrics shows no print failure")
	}
	page := get("/dashboard")
	for _, s := range []string{"cards 1 ok · 1 declined · 0 errors", "print failures</span>", "scan to line p50 "} {
		if !strings.Contains(page, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
	if strings.Contains(page, ">0 print failures<") {
		t.Error("dashboard shows no print failure")
	}
}
