package devices

import (
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/escpos"
)

// pipeLink is a persistent link whose far end the test plays as the printer.
type pipeLink struct{ printer chan net.Conn }

func (l pipeLink) Open(context.Context) (io.ReadWriteCloser, error) {
	host, printer := net.Pipe()
	l.printer <- printer
	return host, nil
}
func (pipeLink) Persistent() bool { return true }
func (pipeLink) String() string   { return "pipe" }

func expect(t *testing.T, c net.Conn, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("printer got % x, %v, want % x", got, err, want)
	}
}

func nothingSent(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, _ := c.Read(make([]byte, 16)); n != 0 {
		t.Fatalf("the register sent %d bytes; with ASB a poll sends nothing", n)
	}
}

// With status=asb the printer hears GS a 0F when the link opens; its
// blocks answer the polls (nothing sent) and reach the manager at once.
// A printer that never sends a block is polled with DLE EOT as before.
func TestPrinterASBBytes(t *testing.T) {
	t.Parallel()
	link := pipeLink{printer: make(chan net.Conn, 1)}
	m := &Manager{opts: Options{Log: discard(), Now: time.Now}, state: map[string]Event{}, printers: map[string]*Printer{}, drawers: map[string]*Drawer{}}
	p := NewPrinter("printer", link, escpos.Profile80mm, time.Second)
	p.asb = true
	m.Add(p)
	var evs events
	m.OnEvent(evs.add)
	ctx := context.Background()
	polled := make(chan struct{})
	go func() { m.Poll(ctx); close(polled) }()
	pr := <-link.printer
	defer pr.Close()
	expect(t, pr, []byte{0x1D, 0x61, 0x0F})
	pr.Write([]byte{0x10, 0x00, 0x00, 0x00}) // the first block
	// Until that block is read the first poll may ask DLE EOT; answer it.
	helper := make(chan struct{})
	go func() {
		defer close(helper)
		q := make([]byte, 9)
		if n, _ := io.ReadFull(pr, q); n == 9 {
			pr.Write([]byte{0x12, 0x12, 0x12})
		}
	}()
	<-polled
	waitUntil(t, "first block", func() bool { _, ok := p.pushedStatus(); return ok })
	pr.SetReadDeadline(time.Now()) // stop the helper reader
	<-helper
	pr.SetReadDeadline(time.Time{})
	m.Poll(ctx)
	nothingSent(t, pr)
	pr.Write([]byte{0x18, 0x00, 0x0C, 0x00}) // paper end, pushed
	waitUntil(t, "paper out reported", func() bool { return evs.has("printer: Printer: out of paper") }, func() any { return evs.messages() })
	m.Poll(ctx)
	nothingSent(t, pr)
	if st, err := p.Status(ctx); err != nil || !st.PaperOut {
		t.Fatalf("status %+v, %v", st, err)
	}
	pr.Write([]byte{0x14, 0x00, 0x00, 0x00}) // paper back, drawer open
	waitUntil(t, "ready again", func() bool { return m.States()[0].State == StateConnected })
	if open, err := p.DrawerOpen(ctx); err != nil || !open {
		t.Fatalf("drawer %v, %v", open, err)
	}
	nothingSent(t, pr)

	// A printer without ASB: GS a is ignored and the poll asks DLE EOT.
	plain := pipeLink{printer: make(chan net.Conn, 1)}
	q := NewPrinter("plain", plain, escpos.Profile80mm, time.Second)
	q.asb = true
	done := make(chan error, 1)
	go func() { done <- q.Check(ctx) }()
	pp := <-plain.printer
	defer pp.Close()
	expect(t, pp, []byte{0x1D, 0x61, 0x0F})
	expect(t, pp, []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4})
	pp.Write([]byte{0x12, 0x12, 0x7E}) // paper out
	if err := <-done; err == nil || err.Error() != escpos.ErrPaperOut.Error() {
		t.Fatalf("check without ASB: %v", err)
	}
}

// Over a pty against the simulator: with ASB the manager learns of paper
// out and of the drawer without polling (Poll is an hour), and prints.
func TestSerialPrinterASBAgainstSimulator(t *testing.T) {
	t.Parallel()
	sim := devicesim.NewPrinterSim("")
	sim.SupportASB(true)
	link := filepath.Join(t.TempDir(), "ttyPrinter")
	pty, err := sim.ServePty(link)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer pty.Close()
	m, err := New([]Config{{Kind: KindPrinter, Transport: TransportSerial, Address: link,
		Options: map[string]string{"status": "asb", "drawer": "warn", "timeout": "1s"}}}, Options{Poll: time.Hour, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var evs events
	m.OnEvent(evs.add)
	ctx := context.Background()
	m.Poll(ctx)
	waitUntil(t, "ready", func() bool { return evs.has("printer: Printer: ready") }, func() any { return evs.messages() })
	waitUntil(t, "first block", func() bool { _, ok := m.Printer("").pushedStatus(); return ok })
	sim.SetPaperOut(true)
	waitUntil(t, "paper out pushed", func() bool { return evs.has("printer: Printer: out of paper") }, func() any { return evs.messages() })
	sim.SetPaperOut(false)
	waitUntil(t, "paper back pushed", func() bool { return m.States()[0].State == StateConnected }, func() any { return m.States() })
	if err := m.Printer("").Print(ctx, longDoc("asb1", 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.WaitReceipt(1, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	sim.SetDrawerOpen(true)
	waitUntil(t, "drawer open pushed", func() bool {
		open, err := m.Drawer("").Open(ctx)
		return err == nil && open
	})
}
