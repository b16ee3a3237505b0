package devicesim

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPrinterStateStatusByte(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     PrinterState
		n     byte
		want  byte
		reply bool
	}{
		{"ready n1", PrinterState{}, 1, 0x12, true},
		{"ready n2", PrinterState{}, 2, 0x12, true},
		{"ready n3", PrinterState{}, 3, 0x12, true},
		{"ready n4", PrinterState{}, 4, 0x12, true},
		{"drawer open", PrinterState{DrawerOpen: true}, 1, 0x16, true},
		{"paper out offline", PrinterState{PaperOut: true}, 1, 0x1A, true},
		{"paper out cause", PrinterState{PaperOut: true}, 2, 0x32, true},
		{"paper out sensor", PrinterState{PaperOut: true}, 4, 0x7E, true},
		{"near end", PrinterState{PaperNearEnd: true}, 4, 0x1E, true},
		{"cover open", PrinterState{CoverOpen: true}, 2, 0x16, true},
		{"cover open offline", PrinterState{CoverOpen: true}, 1, 0x1A, true},
		{"forced offline", PrinterState{Offline: true}, 2, 0x52, true},
		{"unknown n", PrinterState{}, 9, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.s.StatusByte(tt.n)
		if got != tt.want || ok != tt.reply {
			t.Errorf("%s: %#02x %v, want %#02x %v", tt.name, got, ok, tt.want, tt.reply)
		}
		if ok && got&0x93 != 0x12 {
			t.Errorf("%s: %#02x lacks the status pattern", tt.name, got)
		}
	}
}

func runSim(t *testing.T, ctx context.Context) (*PrinterSim, chan error) {
	t.Helper()
	s := NewPrinterSim(t.TempDir())
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { s.Close() })
	return s, done
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	return c
}

func TestPrinterSimAnswersStatusAndPrints(t *testing.T) {
	t.Parallel()
	s, _ := runSim(t, context.Background())
	c := dial(t, s.Addr())
	defer c.Close()
	s.SetDrawerOpen(true)
	_, _ = c.Write([]byte{0x10, 0x04, 1, 0x10, 0x04, 4})
	reply := make([]byte, 2)
	if _, err := io.ReadFull(c, reply); err != nil || reply[0] != 0x16 || reply[1] != 0x12 {
		t.Fatalf("reply % x, %v", reply, err)
	}
	_, _ = c.Write(cat(init_, pc858, []byte{'G', 'r', 0x81, 0xE1, 'e', '\n'}, cutB66))
	r, err := s.WaitReceipt(1, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.PlainLines()[0] != "Grüße" || r.Seq != 1 || r.Columns != 48 {
		t.Errorf("receipt %+v", r)
	}
	txt, err := os.ReadFile(filepath.Join(s.Dir(), "0001.txt"))
	if err != nil || string(txt) != r.Text() {
		t.Errorf("saved text %q, %v", txt, err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "0001.png")); err != nil {
		t.Error(err)
	}
}

func TestPrinterSimOneClientAtATime(t *testing.T) {
	t.Parallel()
	s, _ := runSim(t, context.Background())
	first := dial(t, s.Addr())
	second := dial(t, s.Addr()) // connects (backlog) but is not served
	defer second.Close()
	_, _ = second.Write([]byte{0x10, 0x04, 1})
	_ = second.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, _ := second.Read(make([]byte, 1)); n != 0 {
		t.Fatal("second client served while the first is connected")
	}
	first.Close()
	_ = second.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, 1)
	if _, err := io.ReadFull(second, b); err != nil || b[0] != 0x12 {
		t.Errorf("second client after first closed: % x, %v", b, err)
	}
}

func TestPrinterSimDiscardsJobsWhileOffline(t *testing.T) {
	t.Parallel()
	s, _ := runSim(t, context.Background())
	s.SetCoverOpen(true)
	c := dial(t, s.Addr())
	_, _ = c.Write(cat(init_, []byte("lost\n"), cutB66, []byte{0x10, 0x04, 1}))
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil { // the sim has seen the job
		t.Fatal(err)
	}
	c.Close()
	s.SetCoverOpen(false)
	c = dial(t, s.Addr())
	_, _ = c.Write(cat(init_, []byte("kept\n"), cutB66))
	c.Close()
	r, err := s.WaitReceipt(1, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.PlainLines()[0] != "kept" || s.Dropped() != 1 {
		t.Errorf("first receipt %q, dropped %d", r.PlainLines(), s.Dropped())
	}
}

func TestPrinterSimDrawerKick(t *testing.T) {
	t.Parallel()
	s, _ := runSim(t, context.Background())
	c := dial(t, s.Addr())
	_, _ = c.Write([]byte{0x1B, 0x70, 0, 25, 250, 0x10, 0x04, 1})
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 0x16 {
		t.Errorf("status after kick % x, %v (want drawer open)", b, err)
	}
	c.Close()
	if k := s.DrawerKicks(); len(k) != 1 || k[0].Pin != 2 {
		t.Errorf("kicks %+v", k)
	}
	if len(s.Receipts()) != 0 {
		t.Error("a bare drawer kick made a receipt")
	}
}

func TestPrinterSimStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	s, done := runSim(t, ctx)
	c := dial(t, s.Addr()) // an idle client must not keep Run alive
	defer c.Close()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if _, err := s.WaitReceipt(1, 10*time.Millisecond); err == nil {
		t.Error("WaitReceipt found a receipt that was never printed")
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}
