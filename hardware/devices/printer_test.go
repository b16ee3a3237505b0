package devices

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/escpos"
)

func waitUntil(t *testing.T, what string, f func() bool, show ...func() any) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !f(); {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s %v", what, func() []any {
				var o []any
				for _, s := range show {
					o = append(o, s())
				}
				return o
			}())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func tcpSim(t *testing.T) *devicesim.PrinterSim {
	t.Helper()
	s := devicesim.NewPrinterSim("")
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go s.Run(context.Background())
	t.Cleanup(func() { s.Close() })
	return s
}

func longDoc(id string, lines int) pos.Doc {
	d := pos.Doc{ID: id}
	d.Title("Till Markt")
	for i := 1; i <= lines; i++ {
		d.Pair(fmt.Sprintf("Item %02d", i), fmt.Sprintf("%d.00", i), false)
	}
	d.Text("Thank you for shopping with us!", pos.AlignCenter)
	return d
}

// TestPaperOutMidReceiptResumesOnce: the paper runs out in the middle of a
// receipt; the job waits, showing why; paper back, the receipt prints
// again in full, once, marked COPY and resumed.
func TestPaperOutMidReceiptResumesOnce(t *testing.T) {
	t.Parallel()
	sim := tcpSim(t)
	m, err := New([]Config{{Kind: KindPrinter, Transport: TransportTCP, Address: sim.Addr(), Options: map[string]string{"timeout": "2s"}}},
		Options{Poll: time.Hour, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	var evs events
	m.OnEvent(evs.add)
	q := register.NewMemPrintQueue()
	sp := register.NewSpooler(m.Printer(""), discard()).WithQueue(q)
	sp.RetryInterval = time.Hour // only the manager's event wakes it
	m.OnEvent(func(e Event) {
		if e.Kind == KindPrinter && e.State == StateConnected {
			sp.Retry()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sp.Run(ctx)

	sim.SetPaperOutAfter(6)
	sp.Enqueue(longDoc("sale-1", 20))
	waitUntil(t, "the spooler to report paper out", func() bool { return sp.Status().Reason == "Printer: out of paper" })
	partial, err := sim.WaitReceipt(1, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if partial.Cut != "" || partial.Contains("Thank you") || !partial.Contains("Till Markt") {
		t.Fatalf("on paper before it ran out:\n%s", partial.Text())
	}
	if !evs.has("printer: Printer: out of paper") {
		t.Fatalf("events %q lack the paper-out message", evs.messages())
	}
	j := sp.Jobs()[0]
	if j.State != register.JobWaiting || !j.Resumed {
		t.Fatalf("job after the interruption = %+v", j)
	}

	sim.SetPaperOut(false)
	m.Poll(ctx) // the manager sees the printer ready and wakes the spooler
	full, err := sim.WaitReceipt(2, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	lines := full.PlainLines()
	if !strings.Contains(lines[0], "*** COPY ***") || !full.Contains(register.ResumedNote) ||
		!full.Contains("Item 01") || !full.Contains("Item 20") || !full.Contains("Thank you") || full.Cut == "" {
		t.Fatalf("resumed receipt:\n%s", full.Text())
	}
	waitUntil(t, "the job done", func() bool { return sp.Status().Printed == 1 && sp.Status().Pending == 0 })
	time.Sleep(100 * time.Millisecond)
	m.Poll(ctx)
	if n := len(sim.Receipts()); n != 2 {
		t.Fatalf("%d receipts: the rest must print exactly once", n)
	}
	if stored, _ := q.Job(j.ID); stored.State != register.JobDone || stored.Attempts != 2 {
		t.Fatalf("stored job = %+v", stored)
	}
}

// TestPrinterRefusesFaultedPrinterWithoutSending: a printer with its cover
// open gets nothing but the status query, and the error says nothing was
// printed, so the job later prints as the original.
func TestPrinterRefusesFaultedPrinterWithoutSending(t *testing.T) {
	t.Parallel()
	sim := tcpSim(t)
	p := NewPrinter("printer", TCPLink{Addr: sim.Addr()}, escpos.Profile80mm, time.Second)
	sim.SetCoverOpen(true)
	err := p.Print(context.Background(), longDoc("s", 2))
	if !errors.Is(err, escpos.ErrCoverOpen) || !errors.Is(err, register.ErrNothingPrinted) {
		t.Fatalf("cover open: %v", err)
	}
	sim.SetCoverOpen(false)
	sim.SetDrawerOpen(true)
	if open, err := p.DrawerOpen(context.Background()); err != nil || !open {
		t.Fatalf("drawer = %v, %v", open, err)
	}
	if err := p.Print(context.Background(), longDoc("s", 2)); err != nil {
		t.Fatal(err)
	}
	if n, d := len(sim.Receipts()), sim.Dropped(); n != 1 || d != 0 {
		t.Fatalf("receipts %d, dropped %d", n, d)
	}
}

func TestPrinterUnreachable(t *testing.T) {
	t.Parallel()
	sim := tcpSim(t)
	addr := sim.Addr()
	sim.Close()
	p := NewPrinter("printer", TCPLink{Addr: addr}, escpos.Profile80mm, 500*time.Millisecond)
	err := p.Print(context.Background(), longDoc("s", 1))
	if !errors.Is(err, escpos.ErrUnreachable) || !errors.Is(err, register.ErrNothingPrinted) {
		t.Fatalf("closed port: %v", err)
	}
	if got := register.PrinterReason(err); got != "Printer not answering" {
		t.Fatalf("reason %q", got)
	}
}

// TestDrawerWatchedThroughPrinter: with drawer=warn the manager shows the
// open drawer, and WaitClosed returns once it is shut.
func TestDrawerWatchedThroughPrinter(t *testing.T) {
	t.Parallel()
	sim := tcpSim(t)
	m, err := New([]Config{{Name: "front", Kind: KindPrinter, Transport: TransportTCP, Address: sim.Addr(),
		Options: map[string]string{"drawer": "wait"}}}, Options{Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sim.SetDrawerOpen(true)
	m.Poll(ctx)
	if got := m.Summary(); got != "Cash drawer open" {
		t.Fatalf("summary %q", got)
	}
	d := m.Drawer("")
	if d == nil || d.Policy != DrawerWait {
		t.Fatalf("drawer %+v", d)
	}
	go func() { time.Sleep(50 * time.Millisecond); sim.SetDrawerOpen(false) }()
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := d.WaitClosed(wctx, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	m.Poll(ctx)
	if got := m.Summary(); got != "" {
		t.Fatalf("summary after closing %q", got)
	}
}

func TestSerialPtyPrinterReconnectsWhileSelling(t *testing.T) {
	t.Parallel()
	sim := devicesim.NewPrinterSim("")
	link := filepath.Join(t.TempDir(), "ttyPrinter")
	pty, err := sim.ServePty(link)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer pty.Close()
	m, err := New([]Config{{Kind: KindPrinter, Transport: TransportSerial, Address: link, Options: map[string]string{"mode": "19200 8N1", "timeout": "1s"}}},
		Options{Poll: 20 * time.Millisecond, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	var evs events
	m.OnEvent(evs.add)
	journal := &memJournal{}
	reg := register.New(register.Config{RegisterID: "r1", RegisterCode: "S01R01", StoreName: "Till Markt", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: oneProduct{}, Journal: journal, Printer: m.Printer(""), Log: discard()})
	reg.Spooler().RetryInterval = time.Hour
	m.OnEvent(func(e Event) {
		if e.Kind == KindPrinter && e.State == StateConnected {
			reg.Spooler().Retry()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go reg.Run(ctx)
	go m.Run(ctx)

	sell := func() {
		t.Helper()
		start := time.Now()
		if _, err := reg.Scan(ctx, milk.Barcodes[0]); err != nil {
			t.Fatal(err)
		}
		p, err := reg.TenderExact(ctx)
		if err != nil || p.Completed == nil {
			t.Fatalf("sale not completed: %+v, %v", p, err)
		}
		if d := time.Since(start); d > 300*time.Millisecond {
			t.Fatalf("a sale took %s: it waited on the printer", d)
		}
	}
	sell()
	if _, err := sim.WaitReceipt(1, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "first receipt done", func() bool { return reg.Spooler().Status().Printed == 1 }, func() any { return reg.Spooler().Status() }, func() any { return evs.messages() })
	waitUntil(t, "printer connected", func() bool { return evs.has("printer: Printer: ready") })

	if err := pty.Unplug(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "printer disconnected", func() bool { return evs.has("printer: Printer not answering") })
	for range 3 {
		sell()
	}
	if n := journal.Len(); n != 4 {
		t.Fatalf("journal holds %d sales, want 4: selling must go on while the printer is away", n)
	}
	waitUntil(t, "three receipts waiting", func() bool { return reg.Spooler().Status().Pending == 3 })
	if n := len(sim.Receipts()); n != 1 {
		t.Fatalf("%d receipts while unplugged", n)
	}

	if err := pty.Replug(); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 4; i++ {
		r, err := sim.WaitReceipt(i, 5*time.Second)
		if err != nil {
			t.Fatalf("after replug: %v (events %q)", err, evs.messages())
		}
		if r.Contains("COPY") {
			t.Fatalf("receipt %d never started before, yet printed as a copy:\n%s", i, r.Text())
		}
	}
	waitUntil(t, "queue empty", func() bool { return reg.Spooler().Status().Pending == 0 })
	time.Sleep(100 * time.Millisecond)
	if n := len(sim.Receipts()); n != 4 {
		t.Fatalf("%d receipts, want 4 (each once)", n)
	}
}
