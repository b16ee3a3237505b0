package display

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/serialport"
)

func TestASCII(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Käsebrötchen":         "Kasebrotchen",
		"Weißbrot 0,5 kg":      "Weisbrot 0,5 kg",
		"Crème brûlée":         "Creme brulee",
		"Smørrebrød – Æble":    "Smorrebrod - Able",
		"1,99 €":               "1,99 E",
		"Łódź\tżurek":          "Lodz zurek",
		"寿司":                   "??",
		"e\u0301 (decomposed)": "e (decomposed)",
	} {
		if got := ASCII(in); got != want {
			t.Errorf("ASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	got := Encode("Äpfel 1,5kg", "Total EUR 123456789012345")
	want := []byte("\x1bQAApfel 1,5kg         \r\x1bQBTotal EUR 1234567890\r")
	if !bytes.Equal(got, want) {
		t.Errorf("Encode:\n got % x\nwant % x", got, want)
	}
}

func FuzzEncode(f *testing.F) {
	f.Add("Käse", "Total 1,99 €")
	f.Fuzz(func(t *testing.T, u, l string) {
		b := Encode(u, l)
		if len(b) != 2*(Columns+4) {
			t.Fatalf("%d bytes for %q %q", len(b), u, l)
		}
		var d devicesim.DisplayDecoder
		d.Write(b)
		if len(d.Upper) != Columns || len(d.Lower) != Columns || d.Unknown != 0 {
			t.Fatalf("decoded %q %q unknown %d", d.Upper, d.Lower, d.Unknown)
		}
	})
}

func TestPoleDisplayOverPty(t *testing.T) {
	t.Parallel()
	link := filepath.Join(t.TempDir(), "ttyDisplay")
	sim, err := devicesim.NewDisplaySim(link)
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	defer func() { cancel(); <-done }()

	d := New(link, serialport.Mode{})
	defer d.Close()
	bg := context.Background()
	if err := d.Show(bg, "Käsebrötchen    1.89", "Total EUR       1.89"); err != nil {
		t.Fatal(err)
	}
	if err := sim.WaitLines("Kasebrotchen    1.89", "Total EUR       1.89", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := d.Show(bg, "Welcome", ""); err != nil {
		t.Fatal(err)
	}
	if err := sim.WaitLines("Welcome", "", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	want := append([]byte("\x1b@\x0c"), Encode("Käsebrötchen    1.89", "Total EUR       1.89")...)
	want = append(want, "\x1bQAWelcome             \r\x1bQB                    \r"...)
	if got := sim.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("bytes on the wire:\n got % x\nwant % x", got, want)
	}

	// Unplugged: Show fails (the register logs it and sells on); replugged,
	// the next Show reopens and initialises the display again.
	sim.Unplug()
	var failed bool
	for range 3 {
		if d.Show(bg, "lost", "") != nil {
			failed = true
			break
		}
	}
	if !failed {
		t.Fatal("Show to an unplugged display never failed")
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	if err := d.Show(bg, "Back", "again"); err != nil {
		t.Fatal(err)
	}
	if err := sim.WaitLines("Back", "again", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if b := sim.Bytes(); !bytes.HasSuffix(b, append([]byte("\x1b@\x0c"), Encode("Back", "again")...)) {
		t.Errorf("after replug: % x", b[len(b)-30:])
	}
	cctx, ccancel := context.WithCancel(bg)
	ccancel()
	if err := d.Show(cctx, "x", "y"); err == nil {
		t.Error("Show with a cancelled context: want an error")
	}
}

var _ register.CustomerDisplay = (*PoleDisplay)(nil)
