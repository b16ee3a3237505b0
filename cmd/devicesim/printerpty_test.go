package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/serialport"
)

// -printer-pty serves the printer as a serial printer; printer-unplug and
// printer-replug pull the cable and plug it back in behind the same path.
func TestPrinterOnPtyUnplugReplug(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "printer")
	c, err := parseFlags([]string{"-printer", "", "-printer-pty", link, "-zvt", "", "-out", dir}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	devs, err := devices(c, slog.New(slog.DiscardHandler), &stdout)
	if err != nil {
		t.Skip(err) // no ptys here
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- devs[0].run(ctx) }()
	defer func() {
		cancel()
		devs[0].close()
		<-done
	}()
	if want := "printer: serial ESC/POS receipt printer on " + link; !strings.HasPrefix(stdout.String(), want) {
		t.Fatalf("stdout %q, want %q...", stdout.String(), want)
	}
	status := func() byte {
		t.Helper()
		p, err := serialport.Open(link, serialport.Mode8N1)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		p.SetReadTimeout(2 * time.Second)
		if _, err := p.Write([]byte{0x10, 0x04, 0x01}); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1)
		if _, err := io.ReadFull(p, b); err != nil {
			t.Fatal(err)
		}
		return b[0]
	}
	if b := status(); b&0x93 != 0x12 {
		t.Fatalf("status %#02x", b)
	}
	if got := dispatch("printer-unplug", devs); got != "printer: unplugged" {
		t.Fatalf("unplug: %q", got)
	}
	if _, err := os.Stat(link); !os.IsNotExist(err) {
		t.Fatalf("link still there: %v", err)
	}
	if got := dispatch("printer-replug", devs); got != "printer: plugged in at "+link {
		t.Fatalf("replug: %q", got)
	}
	if b := status(); b&0x93 != 0x12 {
		t.Fatalf("status after replug %#02x", b)
	}
}
