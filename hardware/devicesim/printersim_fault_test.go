package devicesim

import (
	"context"
	"io"
	"testing"
	"time"
)

func TestPrinterSimPaperOutMidJob(t *testing.T) {
	t.Parallel()
	s, _ := runSim(t, context.Background())
	s.SetPaperOutAfter(2)
	c := dial(t, s.Addr())
	defer c.Close()
	_, _ = c.Write(cat(init_, []byte("one\ntwo\nthree\nfour\n"), cutB66, []byte{0x10, 0x04, 4}))
	reply := make([]byte, 1)
	if _, err := io.ReadFull(c, reply); err != nil || reply[0] != 0x7E {
		t.Fatalf("paper status after the job = % x, %v (want 7e: paper end)", reply, err)
	}
	r, err := s.WaitReceipt(1, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.PlainLines(); len(got) != 2 || got[0] != "one" || got[1] != "two" || r.Cut != "" {
		t.Fatalf("on paper: %q cut %q, want [one two] uncut", got, r.Cut)
	}
	if !s.State().PaperOut {
		t.Fatal("paper sensor not set")
	}
	c.Close()
	waitDropped(t, s, 1)
	// Paper loaded: the fault is spent, the next job prints whole.
	s.SetPaperOut(false)
	c2 := dial(t, s.Addr())
	defer c2.Close()
	_, _ = c2.Write(cat(init_, []byte("a\nb\nc\n"), cutB66))
	r, err = s.WaitReceipt(2, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.PlainLines(); len(got) != 3 || r.Cut == "" {
		t.Fatalf("after reload: %q cut %q", got, r.Cut)
	}
}

func waitDropped(t *testing.T, s *PrinterSim, n int) {
	t.Helper()
	for end := time.Now().Add(2 * time.Second); s.Dropped() < n; {
		if time.Now().After(end) {
			t.Fatalf("dropped = %d, want %d (the rest of the job is lost)", s.Dropped(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
