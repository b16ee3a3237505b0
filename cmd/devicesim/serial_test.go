package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/serialport"
)

func TestSerialSimulatorsFromFlagsAndCommands(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "codes.txt")
	os.WriteFile(script, []byte("# demo\n4006381333931\n"), 0o644)
	c, err := parseFlags([]string{"-scanner", filepath.Join(dir, "scanner"), "-scanner-suffix", "crlf", "-scanner-script", script,
		"-display", filepath.Join(dir, "display"), "-scale", filepath.Join(dir, "scale")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	devs, err := serialDevices(c.serial, slog.New(slog.DiscardHandler), &stdout)
	if err != nil {
		t.Skip(err) // no ptys here
	}
	wantOut := "scanner: serial barcode scanner on " + dir + "/scanner (9600 8N1, suffix CRLF)\n" +
		"display: CD5220 pole display on " + dir + "/display (9600 8N1, 2 x 20)\n" +
		"scale: Toledo 8217 scale on " + dir + "/scale (9600 7E1)\n"
	if stdout.String() != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), wantOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Go(func() {
			if err := d.run(ctx); err != nil {
				t.Errorf("%s: %v", d.name, err)
			}
		})
	}
	defer func() {
		cancel()
		for _, d := range devs {
			d.close()
		}
		wg.Wait()
	}()

	open := func(name string, m serialport.Mode) *serialport.Port {
		p, err := serialport.Open(filepath.Join(dir, name), m)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		p.SetReadTimeout(2 * time.Second)
		return p
	}
	readUntil := func(p *serialport.Port, end byte) string {
		var b []byte
		one := make([]byte, 1)
		for len(b) == 0 || b[len(b)-1] != end {
			if _, err := p.Read(one); err != nil {
				t.Fatalf("read: %v after %q", err, b)
			}
			b = append(b, one[0])
		}
		return string(b)
	}

	// The script's code waits in the line until the register opens it.
	scanner := open("scanner", serialport.Mode8N1)
	if got := readUntil(scanner, '\n'); got != "4006381333931\r\n" {
		t.Errorf("script scanned %q", got)
	}
	if got := dispatch("scan 036000291452", devs); got != "scanner: scanned 036000291452" {
		t.Errorf("scan: %q", got)
	}
	if got := readUntil(scanner, '\n'); got != "036000291452\r\n" {
		t.Errorf("scanner sent %q", got)
	}

	scale := open("scale", serialport.Mode7E1)
	for _, tt := range []struct{ cmd, reply, answer string }{
		{"weight 1.234", "scale: 1.234 kg, stable", "\x0201.234\r"},
		{"motion", "scale: 1.234 kg, in motion", "\x02?\x61\r"},
		{"stable", "scale: 1.234 kg, stable", "\x0201.234\r"},
		{"overload", "scale: 1.234 kg, overload", "\x02?\x62\r"},
		{"underzero", "scale: 1.234 kg, overload", "\x02?\x66\r"},
		{"weight x", "scale: weight \"x\": want kg like 1.234", "\x02?\x66\r"},
	} {
		if got := dispatch(tt.cmd, devs); got != tt.reply {
			t.Errorf("%s: %q, want %q", tt.cmd, got, tt.reply)
		}
		scale.Write([]byte("W"))
		if got := readUntil(scale, '\r'); got != tt.answer {
			t.Errorf("%s: scale answered %q, want %q", tt.cmd, got, tt.answer)
		}
	}

	display := open("display", serialport.Mode8N1)
	display.Write([]byte("\x1b@\x0c\x1bQAWelcome\r\x1bQBTill Markt\r"))
	deadline := time.Now().Add(2 * time.Second)
	want := "display:\n|Welcome             |\n|Till Markt          |"
	for dispatch("display", devs) != want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := dispatch("display", devs); got != want {
		t.Errorf("display: %q", got)
	}

	if got := dispatch("scanner-unplug", devs); got != "scanner: unplugged" {
		t.Errorf("unplug: %q", got)
	}
	if got := dispatch("scan 1", devs); !strings.Contains(got, "unplugged") {
		t.Errorf("scan while unplugged: %q", got)
	}
	if got := dispatch("scanner-replug", devs); got != "scanner: plugged in" {
		t.Errorf("replug: %q", got)
	}
	h := help(devs)
	for _, w := range []string{"scan CODE", "weight KG", "scanner-unplug", "underzero", "display"} {
		if !strings.Contains(h, w) {
			t.Errorf("help lacks %q:\n%s", w, h)
		}
	}
	st := dispatch("status", devs)
	if !strings.Contains(st, "scanner: plugged in") || !strings.Contains(st, "scale: plugged in, 1.234 kg, overload") {
		t.Errorf("status %q", st)
	}

	if _, err := serialDevices(serialConfig{scanner: filepath.Join(dir, "s2"), scannerSuffix: "TAB"}, slog.New(slog.DiscardHandler), io.Discard); err == nil {
		t.Error("bad suffix: want an error")
	}
}
