package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// startRun runs the simulator with args until ctx ends. Commands go to
// inW; next returns the next line it prints (failing the test when stdout
// closes); run's error arrives on done.
func startRun(t *testing.T, ctx context.Context, args ...string) (inW io.WriteCloser, next func() string, done <-chan error) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, args, inR, outW, io.Discard) }()
	lines := bufio.NewScanner(outR)
	next = func() string {
		t.Helper()
		if !lines.Scan() {
			t.Fatal("stdout closed")
		}
		return lines.Text()
	}
	return inW, next, errc
}

func TestRunCommandsAndStdinEOF(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inW, next, done := startRun(t, ctx, "-printer", "127.0.0.1:0", "-zvt", "", "-out", t.TempDir())
	first := next()
	if !strings.HasPrefix(first, "printer: ESC/POS receipt printer on 127.0.0.1:") || !strings.Contains(first, "receipts in") {
		t.Fatalf("first line %q", first)
	}
	addr := strings.Fields(strings.TrimPrefix(first, "printer: ESC/POS receipt printer on "))[0]
	addr = strings.TrimSuffix(addr, ",")

	for _, tt := range []struct{ cmd, want string }{
		{"paper-out", "printer: paper out, drawer closed"},
		{"bogus", `unknown command "bogus"; type help for the list`},
		{"status", "printer: paper out, drawer closed, 0 receipts"},
	} {
		if _, err := io.WriteString(inW, tt.cmd+"\n"); err != nil {
			t.Fatal(err)
		}
		if got := next(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.cmd, got, tt.want)
		}
	}
	io.WriteString(inW, "help\n")
	if got := next(); got != "commands:" {
		t.Errorf("help starts %q", got)
	}
	for l := next(); !strings.HasPrefix(l, "stop with"); l = next() {
	}
	inW.Close() // EOF on stdin must not stop the simulator

	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte{0x10, 0x04, 4})
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 0x7E {
		t.Errorf("status after stdin EOF: % x, %v", b, err)
	}
	c.Close()

	cancel() // as SIGINT/SIGTERM does
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunFlagErrors(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, []string{"-printer", "", "-zvt", ""}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("no simulator enabled: want an error")
	}
	if err := run(ctx, []string{"-printer", "256.0.0.1:1", "-zvt", ""}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("bad address: want an error")
	}
	if err := run(ctx, []string{"extra"}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("stray argument: want an error")
	}
}
