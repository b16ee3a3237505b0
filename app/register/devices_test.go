package register

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

// fakeDisplay records what it shows; gate, when set, holds every Show
// until it is closed (a display that hangs).
type fakeDisplay struct {
	mu    sync.Mutex
	shown [][2]string
	gate  chan struct{}
}

func (d *fakeDisplay) Show(ctx context.Context, upper, lower string) error {
	if d.gate != nil {
		select {
		case <-d.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	d.mu.Lock()
	d.shown = append(d.shown, [2]string{upper, lower})
	d.mu.Unlock()
	return nil
}

func (d *fakeDisplay) last() [2]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.shown) == 0 {
		return [2]string{}
	}
	return d.shown[len(d.shown)-1]
}

func newDeviceRegister(t *testing.T, deps Deps, cfg Config) *Register {
	t.Helper()
	deps.Catalog, deps.Journal, deps.Clock = newFakeCatalog(), &fakeJournal{}, fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	c := testCfg
	c.DisplayWelcomeAfter = cfg.DisplayWelcomeAfter
	return New(c, deps)
}

func TestDisplayFollowsTheSale(t *testing.T) {
	t.Parallel()
	d := &fakeDisplay{}
	r := newDeviceRegister(t, Deps{Display: d}, Config{DisplayWelcomeAfter: 50 * time.Millisecond})
	r.display.wait()
	if got := d.last(); got != [2]string{"      Welcome", "     Till Markt"} {
		t.Errorf("welcome %q", got)
	}
	ctx := context.Background()
	r.Scan(ctx, "4006381333931")
	r.display.wait()
	if got := d.last(); got != [2]string{"Riesling        8.99", "Total EUR       8.99"} {
		t.Errorf("item %q", got)
	}
	r.Scan(ctx, "4006381333931")
	r.AddProduct(ctx, "apples", 1500)
	r.display.wait()
	if got := d.last(); got != [2]string{"1.500kg Äpfel   4.49", "Total EUR      22.47"} {
		t.Errorf("weighed %q", got)
	}
	if _, err := r.TenderCash(ctx, 3000); err != nil {
		t.Fatal(err)
	}
	r.display.wait()
	if got := d.last(); got != [2]string{"Total EUR      22.47", "Paid 30.00  Chg 7.53"} {
		t.Errorf("paid %q", got)
	}
	deadline := time.Now().Add(2 * time.Second)
	for d.last()[0] != "      Welcome" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := d.last(); got[0] != "      Welcome" {
		t.Errorf("no welcome after the sale: %q", got)
	}
}

// A display that hangs never slows a sale, and only the latest lines are
// sent once it answers again.
func TestDisplayNeverBlocksTheSale(t *testing.T) {
	t.Parallel()
	d := &fakeDisplay{gate: make(chan struct{})}
	r := newDeviceRegister(t, Deps{Display: d}, Config{})
	ctx := context.Background()
	start := time.Now()
	for range 20 {
		if _, err := r.Scan(ctx, "4000417025005"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.TenderExact(ctx); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Fatalf("sale took %s with a hung display", el)
	}
	close(d.gate)
	r.display.wait()
	d.mu.Lock()
	n := len(d.shown)
	d.mu.Unlock()
	if n > 3 || d.last()[0] != "Total EUR      23.80" {
		t.Errorf("%d shows, last %q", n, d.last())
	}
}

type fakeScale struct {
	w   pos.Qty
	err error
}

func (s fakeScale) Weight(context.Context) (pos.Qty, error) { return s.w, s.err }

func TestAddWeighedFromTheScale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newDeviceRegister(t, Deps{Scale: fakeScale{w: 1234}}, Config{})
	i, err := r.AddWeighed(ctx, "apples")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := r.Sale()
	if l := s.Lines[i]; l.Qty != 1234 || !l.Weighed {
		t.Errorf("line %+v", l)
	}
	// Scanning a weighed item's code weighs it when a scale is there.
	if i, err := r.Scan(ctx, "2000000000008"); err != nil || i != 1 {
		t.Errorf("scan weighed: %d %v", i, err)
	}
	if _, err := r.AddWeighed(ctx, "wine"); pos.ErrorCode(err) != pos.EInvalid {
		t.Errorf("not sold by weight: %v", err)
	}

	motion := pos.Errorf(pos.EUnavailable, "Scale: weight not stable")
	r = newDeviceRegister(t, Deps{Scale: fakeScale{err: motion}}, Config{})
	if _, err := r.AddWeighed(ctx, "apples"); !errors.Is(err, motion) {
		t.Errorf("motion: %v", err)
	}
	r = newDeviceRegister(t, Deps{Scale: fakeScale{w: 0}}, Config{})
	if _, err := r.AddWeighed(ctx, "apples"); pos.ErrorCode(err) != pos.EInvalid {
		t.Errorf("empty platter: %v", err)
	}
	r = newDeviceRegister(t, Deps{}, Config{})
	if _, err := r.AddWeighed(ctx, "apples"); pos.ErrorCode(err) != pos.EUnavailable {
		t.Errorf("no scale: %v", err)
	}
}

// parserFunc is a BarcodeParser from a function.
type parserFunc func(string, int) (ScannedCode, error)

func (f parserFunc) ParseBarcode(code string, digits int) (ScannedCode, error) {
	return f(code, digits)
}

func TestScanWithParser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bad := errors.New("wrong check digit")
	r := newDeviceRegister(t, Deps{Barcodes: parserFunc(func(code string, _ int) (ScannedCode, error) {
		switch code {
		case "upc":
			return ScannedCode{Keys: []string{"nope", "4006381333931"}}, nil
		case "priced-wine":
			return ScannedCode{Keys: []string{"4006381333931"}, Price: 450, HasPrice: true}, nil
		case "weighed-wine":
			return ScannedCode{Keys: []string{"4006381333931"}, Weight: 500, HasWeight: true}, nil
		}
		return ScannedCode{}, bad
	})}, Config{})
	if _, err := r.Scan(ctx, "upc"); err != nil {
		t.Errorf("second key: %v", err)
	}
	if i, err := r.Scan(ctx, "priced-wine"); err != nil || i != 1 {
		t.Errorf("priced: %d %v", i, err)
	}
	if _, err := r.Scan(ctx, "weighed-wine"); pos.ErrorCode(err) != pos.EInvalid {
		t.Errorf("weight on a piece item: %v", err)
	}
	// Unparseable, but in the catalog verbatim: sold.
	if _, err := r.Scan(ctx, "4000417025005"); err != nil {
		t.Errorf("verbatim fallback: %v", err)
	}
	if _, err := r.Scan(ctx, "garbage"); pos.ErrorCode(err) != pos.EInvalid {
		t.Errorf("garbage: %v", err)
	}
	s, _ := r.Sale()
	if len(s.Lines) != 3 || s.Lines[1].UnitPrice != 450 || s.Lines[1].Qty != 1000 {
		t.Errorf("lines %+v", s.Lines)
	}
}
