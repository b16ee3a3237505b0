package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/serialport"
	"github.com/tillpos/till/hardware/zvt"
)

func TestZVTCommands(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	inW, next, done := startRun(t, ctx, "-printer", "", "-zvt", "127.0.0.1:0")
	first := next()
	const prefix = "zvt: card terminal (ZVT over TCP) on "
	if !strings.HasPrefix(first, prefix) || !strings.HasSuffix(first, ", terminal id 52500038") {
		t.Fatalf("first line %q", first)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(first, prefix), ", terminal id 52500038")
	for _, tt := range []struct{ cmd, want string }{
		{"zvt decline", "zvt: decline, 0 payment requests, 0 transactions"},
		{"zvt drop-approve", "zvt: drop-approve, 0 payment requests, 0 transactions"},
		{"zvt silent", "zvt: silent, 0 payment requests, 0 transactions"},
		{"zvt slow", "zvt: slow, 0 payment requests, 0 transactions"},
		{"zvt drop-decline", "zvt: drop-decline, 0 payment requests, 0 transactions"},
		{"zvt approve", "zvt: approve, 0 payment requests, 0 transactions"},
		{"status", "zvt: approve, 0 payment requests, 0 transactions"},
	} {
		io.WriteString(inW, tt.cmd+"\n")
		if got := next(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.cmd, got, tt.want)
		}
	}
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte{0x06, 0xB0, 0x00}) // abort with nothing running: acknowledged
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	b := make([]byte, 3)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 0x80 {
		t.Fatalf("answer % X %v", b, err)
	}
	c.Close()
	cancel()
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// -zvt-pty serves the terminal on a serial line: a framed abort (06 B0)
// is ACKed (06) and answered with a framed 80 00 00.
func TestZVTOnPty(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	link := filepath.Join(t.TempDir(), "ttyZVT")
	inW, next, done := startRun(t, ctx, "-printer", "", "-zvt", "", "-zvt-pty", link)
	if first := next(); first != "zvt: card terminal (ZVT serial, DLE STX framing) on "+link+", terminal id 52500038" {
		t.Fatalf("first line %q", first)
	}
	p, err := serialport.Open(link, serialport.Mode8N1)
	if err != nil {
		t.Fatal(err)
	}
	p.SetReadTimeout(3 * time.Second)
	p.Write(zvt.Frame([]byte{0x06, 0xB0, 0x00}))
	want := append([]byte{0x06}, zvt.Frame([]byte{0x80, 0x00, 0x00})...)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(p, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("answer % X, %v, want % X", got, err, want)
	}
	p.Write([]byte{0x06})
	p.Close()
	cancel()
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
