package scanner

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/devicesim"
)

func TestParseSuffix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Suffix{"CR": SuffixCR, "": SuffixCR, "lf": SuffixLF, "CR LF": SuffixCRLF, "crlf": SuffixCRLF, "\r\n": SuffixCRLF, `\r`: SuffixCR} {
		if got, err := ParseSuffix(in); err != nil || got != want {
			t.Errorf("ParseSuffix(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseSuffix("TAB"); err == nil {
		t.Error("TAB: want an error")
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		suffix Suffix
		chunks []string
		codes  []string
		errs   []error
	}{
		{"CR", SuffixCR, []string{"4006381333931\r036000291452\r"}, []string{"4006381333931", "036000291452"}, nil},
		{"split across reads", SuffixCR, []string{"40063", "81333", "931", "\r"}, []string{"4006381333931"}, nil},
		{"LF", SuffixLF, []string{"96385074\n"}, []string{"96385074"}, nil},
		{"CRLF split between CR and LF", SuffixCRLF, []string{"96385074\r", "\n04252614\r\n"}, []string{"96385074", "04252614"}, nil},
		{"CRLF scanner set as CR", SuffixCR, []string{"96385074\r\n04252614\r\n"}, []string{"96385074", "04252614"}, nil},
		{"empty lines skipped", SuffixCR, []string{"\r\r1234\r"}, []string{"1234"}, nil},
		{"GS1 with GS kept", SuffixCR, []string{"]C10104006381333931\x1d3103001250\r"}, []string{"]C10104006381333931\x1d3103001250"}, nil},
		{"garbage dropped, next code kept", SuffixCR, []string{"\x00\xff\x13\r", "1234\r"}, []string{"1234"}, []error{ErrGarbage}},
		{"too long dropped, next code kept", SuffixCR, []string{strings.Repeat("9", 200), strings.Repeat("9", 200) + "\r5678\r"}, []string{"5678"}, []error{ErrTooLong}},
		{"partial line waits", SuffixCR, []string{"1234"}, nil, nil},
	} {
		l := Lines{Suffix: tt.suffix}
		var codes []string
		var errs []error
		for _, c := range tt.chunks {
			cs, es := l.Feed([]byte(c))
			codes, errs = append(codes, cs...), append(errs, es...)
		}
		if !reflect.DeepEqual(codes, tt.codes) || len(errs) != len(tt.errs) {
			t.Errorf("%s: codes %q errs %v", tt.name, codes, errs)
			continue
		}
		for i := range errs {
			if !errors.Is(errs[i], tt.errs[i]) {
				t.Errorf("%s: err %v, want %v", tt.name, errs[i], tt.errs[i])
			}
		}
	}
}

func FuzzLines(f *testing.F) {
	f.Add([]byte("4006381333931\r\n"), uint8(0))
	f.Add([]byte("\x00\xff\r"+strings.Repeat("1", 300)+"\n"), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, s uint8) {
		l := Lines{Suffix: []Suffix{SuffixCR, SuffixLF, SuffixCRLF}[int(s)%3], MaxLen: 40}
		codes, _ := l.Feed(b)
		for _, c := range codes {
			if c == "" || len(c) > 40 || !printable([]byte(c)) || strings.ContainsAny(c, "\r\n") {
				t.Fatalf("code %q from %q", c, b)
			}
		}
	})
}

// report builds a boot keyboard report.
func report(mod byte, keys ...byte) []byte {
	r := make([]byte, 8)
	r[0] = mod
	copy(r[2:], keys)
	return r
}

// typed is the report sequence a scanner sends for s: press, release.
func typed(s string) [][]byte {
	var out [][]byte
	for _, c := range []byte(s) {
		var k, mod byte
		switch {
		case c >= 'a' && c <= 'z':
			k = 0x04 + c - 'a'
		case c >= 'A' && c <= 'Z':
			k, mod = 0x04+c-'A', 0x02
		case c >= '1' && c <= '9':
			k = 0x1E + c - '1'
		case c == '0':
			k = 0x27
		case c == '-':
			k = 0x2D
		case c == ']':
			k = 0x30
		case c == '\n':
			k = 0x28
		}
		out = append(out, report(mod, k), report(0))
	}
	return out
}

func TestHIDKeyboard(t *testing.T) {
	t.Parallel()
	feed := func(h *HIDKeyboard, reports [][]byte) (codes []string, errs []error) {
		for _, r := range reports {
			code, ok, err := h.Report(r)
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				codes = append(codes, code)
			}
		}
		return codes, errs
	}
	for _, tt := range []struct {
		name    string
		reports [][]byte
		want    []string
	}{
		{"EAN-13 with repeated digits", typed("4006381333931\n"), []string{"4006381333931"}},
		{"shift for capitals, AIM prefix", typed("]C1R01-000123\n"), []string{"]C1R01-000123"}},
		{"right shift", [][]byte{report(0x20, 0x04), report(0), report(0, 0x28), report(0)}, []string{"A"}},
		{"shifted digit and punctuation", [][]byte{report(0x02, 0x1E), report(0x02, 0x38), report(0, 0x58)}, []string{"!?"}},
		{"held key repeated in reports types once", [][]byte{report(0, 0x1E), report(0, 0x1E), report(0, 0x1E), report(0), report(0, 0x28)}, []string{"1"}},
		{"two keys in one report (rollover)", [][]byte{report(0, 0x1E), report(0, 0x1E, 0x1F), report(0, 0x1F), report(0), report(0, 0x28)}, []string{"12"}},
		{"roll-over error ignored", [][]byte{report(0, 0x1E), report(0, 1, 1, 1, 1, 1, 1), report(0), report(0, 0x28)}, []string{"1"}},
		{"unknown keys dropped, empty Enter ignored", [][]byte{report(0, 0x28), report(0), report(0, 0x3A), report(0, 0x1F), report(0, 0x28)}, []string{"2"}},
		{"9-byte report uses the first 8", [][]byte{append(report(0, 0x1E), 0xFF), report(0, 0x28)}, []string{"1"}},
	} {
		var h HIDKeyboard
		codes, errs := feed(&h, tt.reports)
		if !reflect.DeepEqual(codes, tt.want) || errs != nil {
			t.Errorf("%s: %q %v, want %q", tt.name, codes, errs, tt.want)
		}
	}
	h := HIDKeyboard{MaxLen: 4}
	codes, errs := feed(&h, typed("123456\n789\n"))
	if !reflect.DeepEqual(codes, []string{"789"}) || len(errs) != 1 || !errors.Is(errs[0], ErrTooLong) {
		t.Errorf("too long: %q %v", codes, errs)
	}
	if _, _, err := h.Report([]byte{0, 0, 0x1E}); !errors.Is(err, ErrHIDReport) {
		t.Errorf("short report: %v", err)
	}
	h.Report(report(0, 0x1E))
	h.Reset()
	if code, ok, _ := h.Report(report(0, 0x28)); ok {
		t.Errorf("after Reset: %q", code)
	}
}

func FuzzHIDKeyboard(f *testing.F) {
	f.Add([]byte{0, 0, 0x1E, 0, 0, 0, 0, 0, 0, 0, 0x28, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h := HIDKeyboard{MaxLen: 16}
		for len(b) >= 8 {
			code, ok, _ := h.Report(b[:8])
			if ok && (code == "" || len(code) > 16 || !printable([]byte(code))) {
				t.Fatalf("code %q", code)
			}
			b = b[8:]
		}
	})
}

// collector gathers what a Serial reports.
type collector struct {
	mu     sync.Mutex
	codes  []string
	errs   []error
	states []State
	ch     chan struct{}
}

func newCollector() *collector { return &collector{ch: make(chan struct{}, 100)} }

func (c *collector) add(f func()) {
	c.mu.Lock()
	f()
	c.mu.Unlock()
	c.ch <- struct{}{}
}

func (c *collector) wait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(3 * time.Second)
	for {
		c.mu.Lock()
		done := ok()
		c.mu.Unlock()
		if done {
			return
		}
		select {
		case <-c.ch:
		case <-deadline:
			c.mu.Lock()
			defer c.mu.Unlock()
			t.Fatalf("waiting for %s: codes %q errs %v states %v", what, c.codes, c.errs, c.states)
		}
	}
}

func TestSerialOverPtyWithReconnect(t *testing.T) {
	t.Parallel()
	link := filepath.Join(t.TempDir(), "ttyScanner")
	sim, err := devicesim.NewScannerSim(link)
	if err != nil {
		t.Skip(err)
	}
	simCtx, simStop := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(simCtx) }()
	defer func() { simStop(); <-simDone }()

	c := newCollector()
	s := &Serial{Path: link, Suffix: SuffixCR, MaxLen: 32, Poll: 20 * time.Millisecond,
		OnCode:  func(code string) { c.add(func() { c.codes = append(c.codes, code) }) },
		OnError: func(err error) { c.add(func() { c.errs = append(c.errs, err) }) },
		OnState: func(st State, _ error) { c.add(func() { c.states = append(c.states, st) }) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	c.wait(t, "connected", func() bool { return len(c.states) == 1 && c.states[0] == StateConnected })

	sim.Scan("4006381333931")
	sim.SendRaw([]byte("0360002"))
	time.Sleep(10 * time.Millisecond)
	sim.SendRaw([]byte("91452\r\x01\x02garbage\r" + strings.Repeat("7", 40) + "\r96385074\r"))
	c.wait(t, "three codes", func() bool { return len(c.codes) == 3 })
	if !reflect.DeepEqual(c.codes, []string{"4006381333931", "036000291452", "96385074"}) || len(c.errs) != 2 ||
		!errors.Is(c.errs[0], ErrGarbage) || !errors.Is(c.errs[1], ErrTooLong) {
		t.Fatalf("codes %q errs %v", c.codes, c.errs)
	}

	// Unplugged mid-code: the partial code is dropped, the driver polls,
	// and the replugged scanner works again.
	sim.SendRaw([]byte("12"))
	time.Sleep(10 * time.Millisecond)
	sim.Unplug()
	c.wait(t, "disconnected", func() bool { return len(c.states) >= 2 && c.states[1] == StateDisconnected })
	time.Sleep(60 * time.Millisecond) // a few failed polls
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	c.wait(t, "reconnected", func() bool { return c.states[len(c.states)-1] == StateConnected })
	sim.Scan("5901234123457")
	c.wait(t, "code after replug", func() bool { return len(c.codes) == 4 })
	if c.codes[3] != "5901234123457" {
		t.Errorf("after replug %q", c.codes)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return when ctx ended")
	}
}
