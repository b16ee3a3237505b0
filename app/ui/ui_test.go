package ui

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

func TestWholeSaleWithScansQuickKeysAndWeight(t *testing.T) {
	h := newHarness(t)
	if !h.u.sale.pay.Disabled() {
		t.Fatal("Pay is enabled on an empty sale")
	}
	h.scanProduct("milch")
	h.scanProduct("butter")
	h.quickKey("brezel")
	h.quickKey("banane") // weighed: asks for kg
	if h.u.sale.dialog == nil {
		t.Fatal("no weight dialog for a weighed product")
	}
	h.typeOn(h.u.sale.dialog.pad, "0", ",", "7", "4", "2")
	if got := h.u.sale.dialog.display.Text; got != "0,742 kg" {
		t.Errorf("weight display = %q", got)
	}
	h.tap(h.u.sale.dialog.ok)

	lines := h.lines()
	if len(lines) != 4 {
		t.Fatalf("lines = %d, want 4", len(lines))
	}
	if l := lines[3]; !l.Weighed || l.Qty != 742 || l.ProductID != "banane" {
		t.Errorf("weighed line = %+v", l)
	}
	const total = 119 + 229 + 79 + 148 // 0.742 kg × 1.99 = 1.47658
	if got, want := h.u.sale.total.Text, "5,75 €"; got != want {
		t.Errorf("total shows %q, want %q", got, want)
	}
	if got := h.u.sale.items.Text; got != "4 Artikel" {
		t.Errorf("items = %q", got)
	}
	if got := h.u.sale.rows[3].detail; got != "0,742 kg × 1,99 € /kg" {
		t.Errorf("weighed row detail = %q", got)
	}
	if h.u.sale.selected != 3 {
		t.Errorf("selected line = %d, want the last added", h.u.sale.selected)
	}

	h.tap(h.u.sale.pay)
	h.onScreen(h.u.cash.content, "cash")
	if got := h.u.cash.due.Text; got != "5,75 €" {
		t.Errorf("due = %q", got)
	}
	h.tap(h.u.cash.exact)
	h.onScreen(h.u.change.content, "change")
	if got := h.u.change.change.Text; got != "0,00 €" {
		t.Errorf("change = %q", got)
	}
	sales := h.journal.sales(t)
	if len(sales) != 1 {
		t.Fatalf("journal has %d sales, want 1", len(sales))
	}
	if sales[0].Totals.Gross != total || sales[0].Totals.Paid != total || len(sales[0].Lines) != 4 {
		t.Errorf("journal sale totals = %+v, lines %d", sales[0].Totals, len(sales[0].Lines))
	}
	if h.u.change.receipt.Text != "Beleg K1-000001" {
		t.Errorf("receipt line = %q", h.u.change.receipt.Text)
	}

	h.tap(h.u.change.layer) // tap anywhere: new sale
	h.onScreen(h.u.sale.content, "sale")
	if len(h.lines()) != 0 || h.u.sale.total.Text != "0,00 €" || !h.u.sale.pay.Disabled() {
		t.Errorf("new sale is not empty: %d lines, total %q", len(h.lines()), h.u.sale.total.Text)
	}
}

func TestScannedSaleTakesTwoTaps(t *testing.T) {
	h := newHarness(t)
	for _, id := range []string{"milch", "butter", "wasser"} {
		h.scanProduct(id)
	}
	if h.taps != 0 || len(h.lines()) != 3 {
		t.Fatalf("after 3 scans: %d taps, %d lines", h.taps, len(h.lines()))
	}
	first, _ := h.reg.Sale()

	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	h.onScreen(h.u.change.content, "change")
	if h.taps != 2 {
		t.Errorf("taps to complete = %d, want 2", h.taps)
	}
	if sales := h.journal.sales(t); len(sales) != 1 || sales[0].Totals.Gross != 119+229+59 {
		t.Fatalf("journal = %+v", sales)
	}

	// The next scan starts the next sale on its own: no tap.
	h.scanProduct("gouda")
	h.onScreen(h.u.sale.content, "sale")
	next, tot := h.reg.Sale()
	if next.ID == first.ID || len(next.Lines) != 1 || next.Lines[0].ProductID != "gouda" || tot.Gross != 349 {
		t.Errorf("next sale = %+v", next)
	}
	if h.taps != 2 {
		t.Errorf("taps = %d after the next scan, want still 2", h.taps)
	}
	if got := h.u.sale.total.Text; got != "3,49 €" {
		t.Errorf("total = %q", got)
	}
}

func TestSlowTypingIsNotAScan(t *testing.T) {
	h := newHarness(t)
	h.typeKeys(h.cat.barcode("milch"), 200*time.Millisecond)
	if n := len(h.lines()); n != 0 {
		t.Fatalf("slow typing added %d lines", n)
	}
	if h.u.msgBox.Visible() {
		t.Errorf("slow typing showed a message: %q", h.u.msgText.Text)
	}
	// A fast scan right after still works.
	h.scanProduct("milch")
	if n := len(h.lines()); n != 1 {
		t.Fatalf("scan after typing: %d lines", n)
	}
}

func TestUnknownBarcodeShowsMessageNotModal(t *testing.T) {
	h := newHarness(t)
	h.scan("1234567890123")
	if n := len(h.lines()); n != 0 {
		t.Fatalf("unknown barcode added %d lines", n)
	}
	if !h.u.msgBox.Visible() || h.u.msgText.Text != errText(pos.Errorf(pos.ENotFound, "Unknown barcode %s", "1234567890123")) {
		t.Fatalf("message strip: visible %v, %q", h.u.msgBox.Visible(), h.u.msgText.Text)
	}
	if h.u.msgBg.FillColor != colWarn {
		t.Errorf("message colour = %v, want the warning colour", h.u.msgBg.FillColor)
	}
	if top := h.u.Window().Canvas().Overlays().Top(); top != nil {
		t.Errorf("a modal opened: %T", top)
	}
	// The next action clears it.
	h.quickKey("brezel")
	if h.u.msgBox.Visible() {
		t.Error("message still shown after the next action")
	}
	// Or it goes away by itself.
	h.scan("999")
	if !h.u.msgBox.Visible() {
		t.Fatal("no message for the second unknown barcode")
	}
	for _, f := range h.timers {
		f()
	}
	if h.u.msgBox.Visible() {
		t.Error("message still shown after its timeout")
	}
}

func TestCashSuggestionGivesChange(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("kaffee") // 5,99
	h.scanProduct("riegel") // 0,69 → 6,68
	h.tap(h.u.sale.pay)
	var labels []string
	for _, s := range h.u.cash.suggestions {
		labels = append(labels, s.Title)
	}
	if got, want := strings.Join(labels, " | "), "7,00 € | 10,00 € | 20,00 € | 50,00 €"; got != want {
		t.Fatalf("suggestions = %s, want %s", got, want)
	}
	h.tap(h.u.cash.suggestions[1]) // 10 €
	h.onScreen(h.u.change.content, "change")
	if got := h.u.change.change.Text; got != "3,32 €" {
		t.Errorf("change = %q, want 3,32 €", got)
	}
	if got := h.u.change.paid.Text; !strings.Contains(got, "Summe 6,68 €") || !strings.Contains(got, "Bezahlt 10,00 €") {
		t.Errorf("paid line = %q", got)
	}
	rec := h.journal.sales(t)[0]
	if rec.Totals.Change != 332 || len(rec.Tenders) != 1 || rec.Tenders[0].Amount != 1000 {
		t.Errorf("journal: change %d, tenders %+v", rec.Totals.Change, rec.Tenders)
	}
}

func TestTypedAmountAndPartPayment(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("kaffee")
	h.scanProduct("riegel") // 6,68
	h.tap(h.u.sale.pay)
	if !h.u.cash.take.Disabled() {
		t.Error("Take is enabled with nothing typed")
	}
	h.typeOn(h.u.cash.pad, "5", "00")
	if got := h.u.cash.typedText.Text; got != "5,00 €" {
		t.Fatalf("typed = %q", got)
	}
	h.tap(h.u.cash.take)
	h.onScreen(h.u.cash.content, "cash")
	if got := h.u.cash.due.Text; got != "1,68 €" {
		t.Errorf("due after 5 € = %q", got)
	}
	if !strings.Contains(h.u.cash.info.Text, "Bezahlt 5,00 €") {
		t.Errorf("info = %q", h.u.cash.info.Text)
	}
	h.typeOn(h.u.cash.pad, "2", "0", "0", "0", keyBackspace, keyBackspace, "00") // 20,00 → 0,20 → 20,00
	if got := h.u.cash.typedText.Text; got != "20,00 €" {
		t.Fatalf("typed = %q", got)
	}
	h.tap(h.u.cash.take)
	h.onScreen(h.u.change.content, "change")
	if got := h.u.change.change.Text; got != "18,32 €" {
		t.Errorf("change = %q", got)
	}
}

func TestBackCancelsPayment(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.typeOn(h.u.cash.pad, "1", "00")
	h.tap(h.u.cash.take)
	h.tap(h.u.cash.back)
	h.onScreen(h.u.sale.content, "sale")
	s, tot := h.reg.Sale()
	if len(s.Tenders) != 0 || tot.Due != 599 {
		t.Fatalf("after Back: tenders %v, due %d", s.Tenders, tot.Due)
	}
	// The cart can be changed again.
	h.scanProduct("riegel")
	if n := len(h.lines()); n != 2 {
		t.Errorf("lines = %d", n)
	}
}

func TestScanOnCashScreenGoesBackToCart(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.scanProduct("riegel")
	h.onScreen(h.u.sale.content, "sale")
	if n := len(h.lines()); n != 2 {
		t.Errorf("lines = %d, want 2", n)
	}
}

func TestLineButtons(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("milch")
	h.scanProduct("brezel")
	s := h.u.sale
	h.tap(s.rows[0])
	const name = "Frische Vollmilch 3,5 % 1 l"
	shown := s.selName.Text // cut with "…" when the line buttons leave too little room
	if s.selected != 0 || !s.rows[0].selected || s.selFit.full != name ||
		(shown != name && !(strings.HasSuffix(shown, "…") && strings.HasPrefix(name, strings.TrimSuffix(shown, "…")))) {
		t.Fatalf("selected = %d, label %q", s.selected, shown)
	}
	if !s.minus.Disabled() {
		t.Error("− is enabled at quantity 1")
	}
	h.tap(s.plus)
	h.tap(s.plus)
	if q := h.lines()[0].Qty; q != 3000 {
		t.Fatalf("qty = %d", q)
	}
	if got := s.rows[0].detail; got != "3 × 1,19 €" {
		t.Errorf("detail = %q", got)
	}
	h.tap(s.minus)
	if q := h.lines()[0].Qty; q != 2000 {
		t.Fatalf("qty = %d", q)
	}
	if got := s.total.Text; got != "3,17 €" {
		t.Errorf("total = %q", got)
	}
	h.tap(s.remove)
	if l := h.lines(); len(l) != 1 || l[0].ProductID != "brezel" {
		t.Fatalf("lines after remove = %+v", l)
	}
	if s.selected != -1 || !s.remove.Disabled() {
		t.Error("a line is still selected after remove")
	}
	h.tap(s.rows[0])
	h.tap(s.rows[0]) // tap again: unselect
	if s.selected != -1 {
		t.Error("second tap did not unselect")
	}
}

func TestTypedBarcode(t *testing.T) {
	h := newHarness(t)
	h.tap(h.u.sale.code)
	d := h.u.sale.dialog
	if d == nil {
		t.Fatal("no barcode dialog")
	}
	h.typeOn(d.pad, strings.Split(h.cat.barcode("gummi"), "")...)
	h.tap(d.ok)
	if l := h.lines(); len(l) != 1 || l[0].ProductID != "gummi" {
		t.Fatalf("lines = %+v", l)
	}
}

func TestReprint(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("milch")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	before := h.reg.Spooler().Status().Pending
	h.tap(h.u.change.reprint)
	if got := h.reg.Spooler().Status().Pending; got != before+1 {
		t.Errorf("pending prints = %d, want %d", got, before+1)
	}
	if !strings.Contains(h.u.msgText.Text, "Belegkopie") {
		t.Errorf("message = %q", h.u.msgText.Text)
	}
	h.onScreen(h.u.change.content, "change") // reprint does not start a new sale
}

func TestAsyncScansKeepTheirOrder(t *testing.T) {
	h := newHarness(t)
	h.u.async = h.u.jobs.Go // the real runner: goroutines + fyne.Do
	ids := []string{"milch", "butter", "wasser", "gouda", "schoko"}
	for _, id := range ids {
		h.scanProduct(id)
	}
	h.u.jobs.wait()
	lines := h.lines()
	if len(lines) != len(ids) {
		t.Fatalf("lines = %d", len(lines))
	}
	for i, id := range ids {
		if lines[i].ProductID != id {
			t.Errorf("line %d = %s, want %s", i, lines[i].ProductID, id)
		}
	}
	if got := h.u.sale.total.Text; got != pos.FormatMinor(119+229+59+349+109, pos.MustCurrency("EUR"), "de") {
		t.Errorf("total = %q", got)
	}
}

// Every tap target is at least 48 units tall, also on a 1024x768 screen.
func TestTapTargetsAreLarge(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1280, Height: 800}} {
		h := newHarness(t)
		h.u.Window().Resize(size)
		for i := 0; i < 12; i++ {
			h.scanProduct("milch")
			h.scanProduct("brezel")
		}
		check := func(screen string) {
			checked := 0
			var walk func(o fyne.CanvasObject)
			walk = func(o fyne.CanvasObject) {
				if !o.Visible() {
					return
				}
				if _, ok := o.(fyne.Tappable); ok {
					checked++
					if s := o.Size(); s.Height < 48 || s.Width < 48 {
						t.Errorf("%v %s: %T is %vx%v", size, screen, o, s.Width, s.Height)
					}
				}
				switch v := o.(type) {
				case *fyne.Container:
					for _, c := range v.Objects {
						walk(c)
					}
				case *container.Scroll:
					walk(v.Content)
				}
			}
			walk(h.u.Window().Canvas().Content())
			if checked == 0 {
				t.Errorf("%s: no tap targets found", screen)
			}
		}
		check("sale")
		if got := h.u.sale.total.TextSize; got < 40 {
			t.Errorf("total text size = %v", got)
		}
		h.tap(h.u.sale.pay)
		check("cash")
		h.tap(h.u.cash.exact)
		check("change")
	}
}

func TestSaleNotSavedStaysOnCashScreen(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.journal.fail = errors.New("disk I/O error")
	h.tap(h.u.cash.exact)
	h.onScreen(h.u.cash.content, "cash")
	if !h.u.msgBox.Visible() || h.u.msgText.Text != errText(register.ErrNotCommitted) || h.u.msgBg.FillColor != colError {
		t.Fatalf("message = %q (visible %v)", h.u.msgText.Text, h.u.msgBox.Visible())
	}
	if strings.Contains(h.u.msgText.Text, "disk") {
		t.Errorf("the cashier sees internal detail: %q", h.u.msgText.Text)
	}
	// The disk is back: the retry completes the sale (Back, Pay, Exact).
	h.journal.fail = nil
	h.tap(h.u.cash.back)
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	h.onScreen(h.u.change.content, "change")
	if n := len(h.journal.sales(t)); n != 1 {
		t.Errorf("sales = %d", n)
	}
}

func TestDoubleTapOnExactTendersOnce(t *testing.T) {
	h := newHarness(t)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	var queued []func()
	h.u.async = func(work, then func()) { queued = append(queued, func() { work(); then() }) }
	h.u.cash.onExact()
	if !h.u.cash.exact.Disabled() || !h.u.cash.suggestions[0].Disabled() {
		t.Error("tender buttons stay enabled while the sale is being saved")
	}
	h.u.cash.onExact() // a second finger, before the first finished
	h.u.cash.tender(1000)
	for _, f := range queued {
		f()
	}
	if len(queued) != 1 {
		t.Errorf("%d tenders started, want 1", len(queued))
	}
	h.onScreen(h.u.change.content, "change")
	if n := len(h.journal.sales(t)); n != 1 {
		t.Errorf("sales = %d", n)
	}
}

func TestStatusStrip(t *testing.T) {
	h := newHarness(t)
	h.u.opts.Status = func() Status { return Status{HeadOffice: &HeadOffice{State: HeadOfficeOnline, Backlog: 3}} }
	h.u.RefreshStatus()
	if got := h.u.statusFit.full; got != "Drucker bereit   ·   Zentrale: online, sende, 3 Verkäufe warten" {
		t.Errorf("status = %q", got)
	}
	h.scanProduct("milch")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact) // the receipt is queued; no spooler runs in this test
	if got := h.u.statusFit.full; !strings.HasPrefix(got, "Drucke 1 Beleg") {
		t.Errorf("status = %q", got)
	}
	if got := h.u.clockText.Text; got != "09:30" {
		t.Errorf("clock = %q", got)
	}
}

// TestCloseCancelsAndWaitsForWork: closing the window cancels the UI's
// context, waits for the running job and the loose card goroutine to
// return, drops the job queued behind them, runs no then, and starts no
// work afterwards.
func TestCloseCancelsAndWaitsForWork(t *testing.T) {
	// Not newHarness: it closes the window at cleanup, and this test does.
	reg := register.New(testConfig(), register.Deps{Catalog: groceryCatalog(), Journal: &fakeJournal{}, Printer: &fakePrinter{}})
	h := &harness{t: t, reg: reg, u: New(test.NewTempApp(t), reg, Options{})}
	h.u.jobs.wait() // the start-up loads
	var jobDone, looseDone, queuedRan, thenRan, lateRan atomic.Bool
	jobStarted, looseStarted := make(chan struct{}), make(chan struct{})
	h.u.run(func() {
		close(jobStarted)
		<-h.u.ctx().Done() // as a register call honours its context
		jobDone.Store(true)
	}, func() { thenRan.Store(true) })
	h.u.run(func() { queuedRan.Store(true) }, func() { thenRan.Store(true) })
	h.u.selling().cardAsync(func() {
		close(looseStarted)
		<-h.u.ctx().Done()
		looseDone.Store(true)
	}, func() { thenRan.Store(true) })
	<-jobStarted
	<-looseStarted

	h.u.Window().Close() // calls Close
	if !jobDone.Load() || !looseDone.Load() {
		t.Fatalf("Close returned before its work: job %v, card %v", jobDone.Load(), looseDone.Load())
	}
	if queuedRan.Load() || thenRan.Load() {
		t.Errorf("after Close: queued job ran %v, a then ran %v", queuedRan.Load(), thenRan.Load())
	}
	h.u.run(func() { lateRan.Store(true) }, func() { thenRan.Store(true) })
	h.u.selling().cardAsync(func() { lateRan.Store(true) }, func() { thenRan.Store(true) })
	h.u.jobs.wait() // nothing was started to wait for
	if lateRan.Load() || thenRan.Load() {
		t.Error("work started after Close")
	}
	h.u.Close() // idempotent
}
