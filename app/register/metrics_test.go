package register

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

// fakeMetrics records every hook call.
type fakeMetrics struct {
	mu         sync.Mutex
	cards      []string
	printFails int
	scans      []time.Duration
	sales      int // committed
	saleFails  int
}

func (m *fakeMetrics) SaleCommitted(time.Duration) {
	m.mu.Lock()
	m.sales++
	m.mu.Unlock()
}

func (m *fakeMetrics) SaleFailed() {
	m.mu.Lock()
	m.saleFails++
	m.mu.Unlock()
}

func (m *fakeMetrics) CardOutcome(kind string) {
	m.mu.Lock()
	m.cards = append(m.cards, kind)
	m.mu.Unlock()
}

func (m *fakeMetrics) PrintFailed() {
	m.mu.Lock()
	m.printFails++
	m.mu.Unlock()
}

func (m *fakeMetrics) ScanToLine(d time.Duration) {
	m.mu.Lock()
	m.scans = append(m.scans, d)
	m.mu.Unlock()
}

func (m *fakeMetrics) snapshot() (cards []string, printFails int, scans []time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.cards), m.printFails, slices.Clone(m.scans)
}

func TestMetricsScanToLine(t *testing.T) {
	t.Parallel()
	m := &fakeMetrics{}
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: &fakeJournal{}, Metrics: m,
		Clock: fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}})
	ctx := context.Background()
	if _, err := r.Scan(ctx, "4006381333931"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Scan(ctx, "4000000000000"); err == nil {
		t.Fatal("unknown barcode added a line")
	}
	if _, _, scans := m.snapshot(); len(scans) != 1 || scans[0] < 0 || scans[0] > time.Minute {
		t.Fatalf("scan-to-line samples %v, want one for the line added", scans)
	}
}

func TestMetricsCardOutcomes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		answer func(CardRequest) (CardResult, error)
		want   string
	}{
		{"approved", func(CardRequest) (CardResult, error) { return approved, nil }, CardOutcomeApproved},
		{"declined", func(CardRequest) (CardResult, error) { return CardResult{ResultCode: "05", Message: "Declined"}, nil }, CardOutcomeDeclined},
		{"unreachable", func(CardRequest) (CardResult, error) {
			return CardResult{}, pos.Errorf(pos.EUnavailable, "Card terminal not answering.")
		}, CardOutcomeError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := &fakeMetrics{}
			r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: &fakeJournal{}, Metrics: m,
				Clock:           fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)},
				PaymentTerminal: &fakeTerminal{authorize: tt.answer}, Payments: newFakePayments()})
			r.SetCashier(Cashier{ID: "e1", Name: "Anna"})
			if _, err := r.Scan(context.Background(), "4006381333931"); err != nil {
				t.Fatal(err)
			}
			_, _ = r.TenderCard(context.Background(), 899, nil)
			if cards, _, _ := m.snapshot(); !slices.Equal(cards, []string{tt.want}) {
				t.Fatalf("card outcomes %q, want [%s]", cards, tt.want)
			}
		})
	}
}

func TestMetricsPrintFailed(t *testing.T) {
	t.Parallel()
	m := &fakeMetrics{}
	p := newFakePrinter()
	p.setFail(errors.New("printer: out of paper"))
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: &fakeJournal{}, Printer: p, Metrics: m,
		Clock: fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}})
	r.SetCashier(Cashier{ID: "e1", Name: "Anna"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	if _, err := r.Scan(ctx, "4006381333931"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.TenderCash(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, n, _ := m.snapshot(); n >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a failed print was not counted")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNilMetricsRecordsNothing(t *testing.T) {
	t.Parallel()
	r, _, _ := newTestRegister(t) // no Metrics: must not panic
	if _, err := r.Scan(context.Background(), "4006381333931"); err != nil {
		t.Fatal(err)
	}
}

// Sales are counted (and their commit timed) where they are journaled; other
// entries are not sales, and a refused commit counts as a failure.
func TestMetricsCountSales(t *testing.T) {
	t.Parallel()
	m := &fakeMetrics{}
	j := &fakeJournal{}
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: j, Metrics: m})
	ctx := context.Background()
	for _, fail := range []error{nil, errDiskFull} {
		j.mu.Lock()
		j.failNext = fail
		j.mu.Unlock()
		if _, err := r.Scan(ctx, "4006381333931"); err != nil {
			t.Fatal(err)
		}
		_, _ = r.TenderExact(ctx)
	}
	if _, err := r.Complete(ctx); err != nil { // the retry of the refused one
		t.Fatal(err)
	}
	if _, err := r.Scan(ctx, "4006381333931"); err != nil {
		t.Fatal(err)
	}
	if err := r.CancelSale(ctx, "test"); err != nil { // an EntryCancel: not a sale
		t.Fatal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sales != 2 || m.saleFails != 1 || len(j.entries) != 3 {
		t.Fatalf("sales %d, failed %d, entries %d; want 2, 1 and 3", m.sales, m.saleFails, len(j.entries))
	}
}
