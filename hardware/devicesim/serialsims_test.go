package devicesim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/serialport"
)

// runSerialSim runs a simulator's Run for the test and stops it at cleanup.
func runSerialSim(t *testing.T, run func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
}

func openPort(t *testing.T, path string, m serialport.Mode) *serialport.Port {
	t.Helper()
	p, err := serialport.Open(path, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.SetReadTimeout(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	return p
}

func readN(t *testing.T, r io.Reader, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatalf("read %d bytes: %v (got %q)", n, err, b)
	}
	return string(b)
}

func TestScannerSimScansAndReplugs(t *testing.T) {
	t.Parallel()
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := NewScannerSim(link)
	if err != nil {
		t.Skip(err)
	}
	runSerialSim(t, s.Run)
	p := openPort(t, s.Path(), serialport.Mode8N1)
	if err := s.Scan("4006381333931"); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, p, 14); got != "4006381333931\r" {
		t.Fatalf("got %q", got)
	}
	s.Suffix = "\r\n"
	script := "# demo\nscan 036000291452\n\nsleep 1ms\n96385074\nsleep x\n"
	var said []string
	err = s.RunScript(context.Background(), strings.NewReader(script), func(l string) { said = append(said, l) })
	if err == nil || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("bad sleep: %v", err)
	}
	if got := readN(t, p, 24); got != "036000291452\r\n96385074\r\n" {
		t.Fatalf("script sent %q", got)
	}
	if len(said) != 2 || said[0] != "scanner: scanned 036000291452" {
		t.Errorf("said %q", said)
	}

	if err := s.Unplug(); err != nil {
		t.Fatal(err)
	}
	if s.Plugged() || serialport.Exists(link) || s.Scan("1") == nil {
		t.Fatal("still plugged in after Unplug")
	}
	if _, err := p.Read(make([]byte, 1)); !errors.Is(err, serialport.ErrClosed) {
		t.Errorf("reading an unplugged scanner: %v, want ErrClosed at once", err)
	}
	if err := s.Replug(); err != nil {
		t.Fatal(err)
	}
	p2 := openPort(t, link, serialport.Mode8N1)
	if err := s.Scan("5901234123457"); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, p2, 15); got != "5901234123457\r\n" {
		t.Fatalf("after replug got %q", got)
	}
}

func TestDisplayDecoder(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name         string
		in           string
		upper, lower string
		unknown      int
	}{
		{"both lines", "\x1b@\x0c\x1bQAMilk 1L        1.19\r\x1bQBTOTAL           1.19\r", "Milk 1L        1.19", "TOTAL           1.19", 0},
		{"clear", "\x1bQAx\r\x0c", "", "", 0},
		{"too long is cut", "\x1bQA123456789012345678901234\r", "12345678901234567890", "", 0},
		{"split command", "\x1bQ", "", "", 0},
		{"garbage", "ab\x1bZ\x1bQC", "", "", 7},
		{"init clears", "\x1bQBx\r\x1b@", "", "", 0},
	} {
		var d DisplayDecoder
		d.Write([]byte(tt.in))
		if d.Upper != tt.upper || d.Lower != tt.lower || d.Unknown != tt.unknown {
			t.Errorf("%s: %q / %q unknown %d", tt.name, d.Upper, d.Lower, d.Unknown)
		}
	}
	// One byte at a time decodes the same.
	var d DisplayDecoder
	for _, c := range []byte("\x1bQAHello\r\x1bQBWorld\r") {
		d.Write([]byte{c})
	}
	if d.Upper != "Hello" || d.Lower != "World" {
		t.Errorf("bytewise %q / %q", d.Upper, d.Lower)
	}
}

func FuzzDisplayDecoder(f *testing.F) {
	f.Add([]byte("\x1b@\x0c\x1bQAMilk\r\x1bQBTotal\r"))
	f.Add([]byte("\x1bQ\x1bQA\r\x0c"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d DisplayDecoder
		d.Write(b)
		if len(d.Upper) > DisplayColumns || len(d.Lower) > DisplayColumns || d.Unknown > len(b)+2 {
			t.Fatalf("%q / %q unknown %d from %q", d.Upper, d.Lower, d.Unknown, b)
		}
	})
}

func TestDisplaySimOverPty(t *testing.T) {
	t.Parallel()
	s, err := NewDisplaySim("")
	if err != nil {
		t.Skip(err)
	}
	shows := make(chan string, 16)
	s.OnShow = func(u, l string) { shows <- u + "/" + l }
	runSerialSim(t, s.Run)
	p := openPort(t, s.Path(), serialport.Mode8N1)
	msg := []byte("\x1b@\x0c\x1bQAWelcome\r\x1bQBTill Markt\r")
	p.Write(msg)
	if err := s.WaitLines("Welcome", "Till Markt", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.Bytes(), msg) || s.Unknown() != 0 {
		t.Errorf("bytes % x unknown %d", s.Bytes(), s.Unknown())
	}
	if s.String() != "|Welcome             |\n|Till Markt          |" {
		t.Errorf("String %q", s.String())
	}
	if err := s.WaitLines("x", "y", 10*time.Millisecond); err == nil || !strings.Contains(err.Error(), "Welcome") {
		t.Errorf("WaitLines mismatch: %v", err)
	}
	var got []string
	for len(got) < 4 {
		select {
		case l := <-shows:
			got = append(got, l)
		case <-time.After(2 * time.Second):
			t.Fatalf("OnShow calls %q", got)
		}
	}
	if got[3] != "Welcome/Till Markt" {
		t.Errorf("OnShow %q", got)
	}
}

func TestScaleSimAnswers(t *testing.T) {
	t.Parallel()
	s, err := NewScaleSim("")
	if err != nil {
		t.Skip(err)
	}
	runSerialSim(t, s.Run)
	p := openPort(t, s.Path(), serialport.Mode7E1)
	ask := func() string {
		t.Helper()
		if _, err := p.Write([]byte("W")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 0, 8)
		one := make([]byte, 1)
		for len(b) == 0 || b[len(b)-1] != '\r' {
			if _, err := p.Read(one); err != nil {
				t.Fatalf("read: %v after %q", err, b)
			}
			b = append(b, one[0])
		}
		return string(b)
	}
	s.SetWeight(1234)
	if got := ask(); got != "\x0201.234\r" {
		t.Errorf("stable: %q", got)
	}
	s.SetMotion(true)
	if got := ask(); got != "\x02?\x61\r" {
		t.Errorf("motion: %q", got)
	}
	s.SetMotion(false)
	s.SetUnderZero(true)
	if got := ask(); got != "\x02?\x64\r" {
		t.Errorf("under zero: %q", got)
	}
	s.SetUnderZero(false)
	s.SetOverload(true)
	if got := ask(); got != "\x02?\x62\r" {
		t.Errorf("overload: %q", got)
	}
	if s.State().String() != "1.234 kg, overload" {
		t.Errorf("state %s", s.State())
	}
	s.SetWeight(0)
	p.Write([]byte("xyz"))
	if got := ask(); got != "\x0200.000\r" {
		t.Errorf("zero after noise: %q", got)
	}
	if s.Requests() != 5 {
		t.Errorf("requests %d", s.Requests())
	}
	s.SetSilent(true)
	p.SetReadTimeout(50 * time.Millisecond)
	p.Write([]byte("W"))
	if n, err := p.Read(make([]byte, 4)); err == nil {
		t.Errorf("silent scale answered %d bytes", n)
	}
}

func TestParseKg(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"1.234": 1234, "0,5": 500, "2": 2000, ".125": 125, "99.999": 99999} {
		if got, err := ParseKg(in); err != nil || got != want {
			t.Errorf("ParseKg(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "x", "1.2345", "100", "-1", "1.x"} {
		if _, err := ParseKg(bad); err == nil {
			t.Errorf("ParseKg(%q): want an error", bad)
		}
	}
}
