package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var errMotion = pos.Errorf(pos.EUnavailable, "Scale: weight not stable. Wait a moment and weigh again.")

// fakeScale answers each Weight with the next of its answers.
type fakeScale struct {
	weights []pos.Qty
	errs    []error
}

func (s *fakeScale) Weight(context.Context) (pos.Qty, error) {
	w, err := s.weights[0], s.errs[0]
	s.weights, s.errs = s.weights[1:], s.errs[1:]
	return w, err
}

// With a scale, a weighed quick key weighs at once; when the scale cannot
// weigh, the keypad opens with the scale's reason instead of its hint.
func TestWeighedKeyUsesTheScale(t *testing.T) {
	a := test.NewTempApp(t)
	h := &harness{t: t, cat: groceryCatalog(), journal: &fakeJournal{}, clock: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
	sc := &fakeScale{weights: []pos.Qty{742, 0}, errs: []error{nil, errMotion}}
	h.reg = register.New(testConfig(), register.Deps{Catalog: h.cat, Journal: h.journal, Printer: &fakePrinter{}, Scale: sc})
	h.u = New(a, h.reg, Options{})
	h.u.jobs.wait() // the login screen loads on the job queue
	h.u.now = func() time.Time { return h.clock }
	h.u.async = func(work, then func()) { work(); then() }
	h.u.after = func(_ time.Duration, f func()) { h.timers = append(h.timers, f) }
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	h.u.Window().Show()
	t.Cleanup(h.u.Window().Close)

	h.quickKey("banane")
	if h.u.sale.dialog != nil {
		t.Fatal("asked for the weight although the scale weighed")
	}
	if l := h.lines(); len(l) != 1 || l[0].Qty != 742 || !l[0].Weighed {
		t.Fatalf("lines %+v", l)
	}
	h.quickKey("banane")
	if h.u.sale.dialog == nil {
		t.Fatal("no keypad when the scale could not weigh")
	}
	if got := h.u.sale.dialog.hint.Text; got != "Waage: Gewicht nicht ruhig." { // the scale's own words, translated
		t.Errorf("hint %q", got)
	}
	h.typeOn(h.u.sale.dialog.pad, "0", ",", "5")
	h.tap(h.u.sale.dialog.ok)
	if l := h.lines(); len(l) != 2 || l[1].Qty != 500 {
		t.Fatalf("lines %+v", l)
	}
}

// Scan from another goroutine (a serial scanner) adds like a wedge scan.
func TestScanFromAnotherGoroutine(t *testing.T) {
	h := newHarness(t)
	done := make(chan struct{})
	go func() { h.u.Scan(h.cat.barcode("milch")); close(done) }()
	<-done
	deadline := time.Now().Add(2 * time.Second)
	for len(h.lines()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if l := h.lines(); len(l) != 1 || l[0].ProductID != "milch" {
		t.Fatalf("lines %+v", l)
	}
}
