//go:build linux

package devicesim

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPrinterPtyUnplugReplug(t *testing.T) {
	t.Parallel()
	s := NewPrinterSim("")
	link := filepath.Join(t.TempDir(), "ttyPrinter")
	p, err := s.ServePty(link)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	exchange := func(f *os.File) {
		t.Helper()
		if _, err := f.Write([]byte{0x10, 0x04, 1}); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1)
		_ = f.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := io.ReadFull(f, b); err != nil || b[0] != 0x12 {
			t.Fatalf("status reply % x, %v", b, err)
		}
	}
	f, err := os.OpenFile(link, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	exchange(f)
	if _, err := f.Write(cat(init_, []byte("first\n"), cutB66)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitReceipt(1, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	old := p.Device()
	if err := p.Unplug(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(link); !os.IsNotExist(err) {
		t.Fatalf("link still there after unplug: %v", err)
	}
	if _, err := f.Write([]byte("lost\n")); err == nil {
		// The kernel may buffer one write; a read must fail at once.
		b := make([]byte, 1)
		_ = f.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := f.Read(b); err == nil {
			t.Fatal("old pty still answers after unplug")
		}
	}
	f.Close()
	if err := p.Replug(); err != nil {
		t.Fatal(err)
	}
	if p.Device() == "" {
		t.Fatal("no device after replug")
	}
	t.Logf("pty %s replugged as %s", old, p.Device())
	f2, err := os.OpenFile(link, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	exchange(f2)
	if _, err := f2.Write(cat(init_, []byte("second\n"), cutB66)); err != nil {
		t.Fatal(err)
	}
	r, err := s.WaitReceipt(2, 2*time.Second)
	if err != nil || r.PlainLines()[0] != "second" {
		t.Fatalf("receipt after replug %+v, %v", r, err)
	}
}
