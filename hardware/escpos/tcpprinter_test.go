package escpos_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/escpos"
)

// These tests print through the register's own printer path, a
// devices.Printer on a TCP link as cmd/register wires a network printer,
// onto the simulator that decodes the ESC/POS bytes.

// startSim runs a printer simulator on a free loopback port until the test
// ends, and the printer that prints on it.
func startSim(t *testing.T) (*devicesim.PrinterSim, *devices.Printer) {
	t.Helper()
	sim := devicesim.NewPrinterSim(t.TempDir())
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sim.Run(context.Background()) }()
	t.Cleanup(func() {
		sim.Close()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return sim, tcpPrinter(sim.Addr(), 2*time.Second)
}

func tcpPrinter(addr string, timeout time.Duration) *devices.Printer {
	return devices.NewPrinter("printer", devices.TCPLink{Addr: addr}, escpos.Profile80mm, timeout)
}

func TestTCPPrinterPrintsOnSimulator(t *testing.T) {
	t.Parallel()
	sim, p := startSim(t)
	ctx := context.Background()
	if err := p.Print(ctx, sampleReceipt(false)); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(ctx, sampleReceipt(true)); err != nil {
		t.Fatal(err)
	}
	orig, err := sim.WaitReceipt(1, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := sim.WaitReceipt(2, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	lines := orig.PlainLines()
	wantLines := []string{
		"Till Market",
		"Hauptstraße 1, 10115 Berlin",
		"VAT DE123456789",
		strings.Repeat("-", 48),
		"€ Käsebrötchen Crème                      3.50 B",
		"  2 x 1.75",
	}
	for i, w := range wantLines {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i, lines[i], w)
		}
	}
	total := findLine(lines, "TOTAL EUR")
	if total < 0 || lines[total] != "TOTAL EUR"+strings.Repeat(" ", 10)+"19.69" || !orig.Lines[total].Bold() || !orig.Lines[total].Large() {
		t.Errorf("total line %q", lineAt(lines, total))
	}
	if len(orig.Barcodes) != 1 || orig.Barcodes[0].Kind != "CODE128" || orig.Barcodes[0].Data != "R01-000042" || orig.Barcodes[0].HRI != 2 {
		t.Errorf("barcodes %+v", orig.Barcodes)
	}
	if !strings.Contains(orig.Text(), "[CODE128 R01-000042]") {
		t.Errorf("text rendering lacks the barcode:\n%s", orig.Text())
	}
	if orig.Contains("COPY") {
		t.Error("original marked COPY")
	}
	if orig.Cut != "partial" || orig.CodePage != 19 || orig.Skipped != 0 {
		t.Errorf("cut %q code page %d skipped %d", orig.Cut, orig.CodePage, orig.Skipped)
	}
	cl := cp.PlainLines()
	if cl[0] != "*** COPY ***" || cl[len(cl)-1] != "*** COPY ***" {
		t.Errorf("copy not marked at top and bottom: first %q last %q", cl[0], cl[len(cl)-1])
	}
	if cp.Seq != 2 {
		t.Errorf("seq %d", cp.Seq)
	}
	for _, name := range []string{"0001.txt", "0001.png", "0002.txt"} {
		if _, err := os.Stat(filepath.Join(sim.Dir(), name)); err != nil {
			t.Error(err)
		}
	}
	saved, _ := os.ReadFile(filepath.Join(sim.Dir(), "0001.txt"))
	if string(saved) != orig.Text() {
		t.Error("saved text differs from Receipt.Text")
	}
}

func TestTCPPrinterRefusesFaultedPrinter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		set  func(*devicesim.PrinterSim, bool)
		want error
		msg  string
	}{
		{"paper out", (*devicesim.PrinterSim).SetPaperOut, escpos.ErrPaperOut, "Printer: out of paper"},
		{"cover open", (*devicesim.PrinterSim).SetCoverOpen, escpos.ErrCoverOpen, "Printer: cover open"},
		{"offline", (*devicesim.PrinterSim).SetOffline, escpos.ErrOffline, "Printer: offline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, p := startSim(t)
			tt.set(sim, true)
			doc := pos.Doc{ID: "lost"}
			doc.Text("MUST NOT PRINT", pos.AlignLeft)
			err := p.Print(context.Background(), doc)
			if !errors.Is(err, tt.want) || pos.ErrorMessage(err) != tt.msg || pos.ErrorCode(err) != pos.EUnavailable {
				t.Fatalf("err = %v (message %q), want %v", err, pos.ErrorMessage(err), tt.want)
			}
			if errors.Is(err, escpos.ErrUnreachable) {
				t.Error("a printer state reported as unreachable")
			}
			// Once fixed, the next job is the first thing on paper.
			tt.set(sim, false)
			ok := pos.Doc{ID: "ok"}
			ok.Text("printed", pos.AlignLeft)
			if err := p.Print(context.Background(), ok); err != nil {
				t.Fatal(err)
			}
			r, err := sim.WaitReceipt(1, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if r.Contains("MUST NOT PRINT") || !r.Contains("printed") || len(sim.Receipts()) != 1 || sim.Dropped() != 0 {
				t.Errorf("receipts %d dropped %d, first %q", len(sim.Receipts()), sim.Dropped(), r.PlainLines())
			}
		})
	}
}

func TestTCPPrinterStatusAndDrawer(t *testing.T) {
	t.Parallel()
	sim, p := startSim(t)
	ctx := context.Background()
	sim.SetPaperNearEnd(true)
	st, err := p.Status(ctx)
	if err != nil || !st.PaperNearEnd || st.DrawerOpen || st.Err() != nil {
		t.Fatalf("status %v, %v", st, err)
	}
	if err := p.OpenDrawer(ctx, escpos.DrawerPin2); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(sim.DrawerKicks()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if k := sim.DrawerKicks(); len(k) != 1 || k[0].Pin != 2 || k[0].OnMS != 50 || k[0].OffMS != 500 {
		t.Fatalf("kicks %+v", k)
	}
	if st, err := p.Status(ctx); err != nil || !st.DrawerOpen {
		t.Errorf("after kick: %v, %v", st, err)
	}
	// A near-end roll still prints.
	if err := p.Print(ctx, sampleReceipt(false)); err != nil {
		t.Error(err)
	}
	sim.SetPaperOut(true)
	if err := p.OpenDrawer(ctx, escpos.DrawerPin5); !errors.Is(err, escpos.ErrPaperOut) {
		t.Errorf("drawer with paper out: %v", err)
	}
}

// fakePrinter listens on loopback and runs serve for each client.
func fakePrinter(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func TestTCPPrinterUnreachable(t *testing.T) {
	t.Parallel()
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}()
	silent := fakePrinter(t, func(c net.Conn) { _, _ = c.Read(make([]byte, 64)); time.Sleep(500 * time.Millisecond) })
	garbage := fakePrinter(t, func(c net.Conn) { _, _ = c.Read(make([]byte, 64)); _, _ = c.Write([]byte("HTTP/1.0 400\r\n")) })
	hangup := fakePrinter(t, func(c net.Conn) {})
	tests := []struct {
		name, addr string
		also       error
	}{
		{"connection refused", closed, nil},
		{"no answer", silent, nil},
		{"not a printer", garbage, escpos.ErrNotStatus},
		{"hangs up", hangup, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tcpPrinter(tt.addr, 200*time.Millisecond)
			start := time.Now()
			err := p.Print(context.Background(), sampleReceipt(false))
			if !errors.Is(err, escpos.ErrUnreachable) || pos.ErrorMessage(err) != "Printer not answering" {
				t.Fatalf("err = %v", err)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.also)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// A cancelled context ends the exchange at once (the printer's timeout is a
// minute): the job is reported as not printed, the printer as unreachable.
func TestTCPPrinterContextCancel(t *testing.T) {
	t.Parallel()
	addr := fakePrinter(t, func(c net.Conn) { _, _ = c.Read(make([]byte, 64)); time.Sleep(300 * time.Millisecond) })
	p := tcpPrinter(addr, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.Print(ctx, sampleReceipt(false))
	if !errors.Is(err, escpos.ErrUnreachable) || !errors.Is(err, register.ErrNothingPrinted) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %s", d)
	}
}
