package ui

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// SearchProducts is the catalog port's search: a word of the
// name starting with the query, or the barcode.
func (c *fakeCatalog) SearchProducts(_ context.Context, q string, limit int) ([]pos.Product, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []pos.Product
	for _, p := range c.products {
		hit := false
		for _, w := range strings.Fields(strings.ToLower(p.Name)) {
			hit = hit || strings.HasPrefix(w, q)
		}
		for _, b := range p.Barcodes {
			hit = hit || b == q
		}
		if hit && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

// The fake journal answers receipt and reference lookups like the store.
func (j *fakeJournal) EntryBySeq(_ context.Context, seq int64) (pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq < 1 || seq > int64(len(j.entries)) {
		return pos.Entry{}, pos.Errorf(pos.ENotFound, "no entry %d", seq)
	}
	return j.entries[seq-1], nil
}

func (j *fakeJournal) EntriesReferringTo(_ context.Context, id string) ([]pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if e.Kind != pos.EntryVoid && e.Kind != pos.EntryReturn {
			continue
		}
		var rec pos.SaleRecord
		if json.Unmarshal(e.Payload, &rec) == nil && rec.RefersTo == id {
			out = append(out, e)
		}
	}
	return out, nil
}

func (j *fakeJournal) entryKinds() []pos.EntryKind {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.EntryKind
	for _, e := range j.entries {
		out = append(out, e.Kind)
	}
	return out
}

func (j *fakeJournal) record(t *testing.T, kind pos.EntryKind) pos.SaleRecord {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.entries) - 1; i >= 0; i-- {
		if e := j.entries[i]; e.Kind == kind {
			var rec pos.SaleRecord
			if err := json.Unmarshal(e.Payload, &rec); err != nil {
				t.Fatal(err)
			}
			return rec
		}
	}
	t.Fatalf("no %s entry in %v", kind, j.entries)
	return pos.SaleRecord{}
}

// fakeParked keeps parked sales in memory (the store's table is tested in store).
type fakeParked struct {
	mu sync.Mutex
	ps []register.ParkedSale
}

func (f *fakeParked) Park(_ context.Context, p register.ParkedSale) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ps = append(f.ps, p)
	return nil
}

func (f *fakeParked) ParkedSales(context.Context) ([]register.ParkedSale, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]register.ParkedSale(nil), f.ps...), nil
}

func (f *fakeParked) Unpark(_ context.Context, id string) (register.ParkedSale, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, p := range f.ps {
		if p.ID == id {
			f.ps = append(f.ps[:i], f.ps[i+1:]...)
			return p, nil
		}
	}
	return register.ParkedSale{}, pos.Errorf(pos.ENotFound, "gone")
}

// newSellingHarness has staff (Anna the cashier is logged in), parking and
// the given card terminal.
func newSellingHarness(t *testing.T, term register.PaymentTerminal) *harness {
	t.Helper()
	deps := register.Deps{Staff: newFakeStaff(), Parked: &fakeParked{}, Customers: newFakeCustomers()}
	if term != nil {
		deps.PaymentTerminal, deps.Payments = term, newFakePayments()
	}
	h := newStaffHarness(t, deps)
	h.reg.SetEmployee(register.Employee{ID: "e-anna", Name: "Anna", Role: register.RoleCashier})
	// Card work runs at once in tests (the cancel test runs its own).
	h.u.selling().cardAsync = func(work, then func()) { work(); then() }
	return h
}

// approve types the manager's PIN and the first one-tap reason in the open
// override dialog and approves.
func (h *harness) managerApproves() {
	h.t.Helper()
	d := h.u.override
	if d == nil {
		h.t.Fatal("no override dialog")
	}
	h.typeOn(d.pad, "3", "3", "3", "3")
	for _, t := range d.reasons {
		h.tap(t)
		break
	}
	h.tap(d.ok)
	if h.u.override != nil && h.u.override.popup.Visible() {
		h.t.Fatalf("override not approved: %s", d.errText.Text)
	}
}

// startShift opens a shift with an empty float, behind the count screen.
func (h *harness) startShift() {
	h.t.Helper()
	if _, err := h.reg.StartShift(context.Background(), nil); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) key(k fyne.KeyName) {
	h.u.Window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
}

func (h *harness) menuTile(title string) *tile {
	h.t.Helper()
	t, ok := h.u.selling().menuTiles[title]
	if !ok {
		h.t.Fatalf("no menu tile %q", title)
	}
	return t
}

func (h *harness) typeText(kb *keyboard, s string) {
	h.t.Helper()
	for _, r := range s {
		k := string(r)
		if r == ' ' {
			k = keySpace
		}
		t, ok := kb.keys[k]
		if !ok {
			h.t.Fatalf("no key %q", k)
		}
		h.tap(t)
	}
}

func TestSearchByKeyboardAddsProduct(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.key(fyne.KeyF2) // shortcut
	h.onScreen(h.u.selling().search.content, "search")
	s := h.u.selling().search
	h.typeText(s.kb, "l")
	if len(s.rows) != 0 {
		t.Fatal("searched after one letter")
	}
	h.typeText(s.kb, "au")
	if len(s.rows) == 0 || s.results[0].ID != "brezel" {
		t.Fatalf("results for lau: %+v", s.results)
	}
	h.tap(s.rows[0])
	h.onScreen(h.u.sale.content, "sale")
	if l := h.lines(); len(l) != 1 || l[0].ProductID != "brezel" {
		t.Fatalf("lines %+v", l)
	}
	if h.taps != 4 { // l, a, u, the result
		t.Errorf("taps = %d, want 4", h.taps)
	}
}

func TestLineDiscountOverLimitNeedsManager(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.scanProduct("kaffee") // 5,99
	h.tap(h.u.sale.edit)
	h.tap(h.menuTile(lang.L("Discount %")))
	h.typeOn(h.u.selling().num.pad, "2", "0")
	h.tap(h.u.selling().num.ok)
	if h.u.override == nil {
		t.Fatal("20 % went through without approval")
	}
	h.managerApproves()
	if l := h.lines()[0]; l.Discount != 120 || l.DiscountBP != 2000 {
		t.Fatalf("line %+v", l)
	}
	if got := h.u.sale.rows[0].detail; !strings.Contains(got, "−20 %") {
		t.Errorf("row detail %q", got)
	}
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	rec := h.journal.record(t, pos.EntrySale)
	if rec.Totals.Gross != 479 {
		t.Fatalf("gross %d", rec.Totals.Gross)
	}
	ovs := h.journal.overrides(t)
	if len(ovs) != 1 || ovs[0].Action != register.ActionDiscountOverLimit || ovs[0].CashierID != "e-anna" || ovs[0].ApproverID != "e-clara" {
		t.Fatalf("overrides %+v", ovs)
	}
	// edit, Discount %, 2, 0, OK, PIN×4, reason, Approve, Pay, Exact
	if h.taps != 13 {
		t.Errorf("taps = %d, want 13", h.taps)
	}
}

func TestSmallDiscountQtyPriceOrderDiscountNoteCustomer(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.scanProduct("butter") // 2,29
	h.tap(h.u.sale.edit)
	h.tap(h.menuTile(lang.L("Quantity")))
	h.typeOn(h.u.selling().num.pad, "3")
	h.tap(h.u.selling().num.ok)
	h.tap(h.u.sale.edit)
	h.tap(h.menuTile(lang.L("Discount amount")))
	h.typeOn(h.u.selling().num.pad, "5", "0") // 0,50 of 6,87: within 10 %
	h.tap(h.u.selling().num.ok)
	if h.u.override != nil {
		t.Fatal("a discount within the limit asked for a manager")
	}
	h.tap(h.u.sale.edit)
	h.tap(h.menuTile(lang.L("Price")))
	h.typeOn(h.u.selling().num.pad, "1", "9", "9")
	h.tap(h.u.selling().num.ok)
	h.managerApproves() // price override always needs a supervisor
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Order discount %")))
	h.typeOn(h.u.selling().num.pad, "5")
	h.tap(h.u.selling().num.ok)
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Customer")))
	h.typeText(h.u.selling().text.kb, "berg, 0171")
	h.tap(h.u.selling().text.ok)
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Note")))
	h.typeText(h.u.selling().text.kb, "abholung")
	h.tap(h.u.selling().text.ok)
	if !strings.Contains(h.u.sale.items.Text, "berg") || !strings.Contains(h.u.sale.items.Text, "Rabatt") {
		t.Errorf("total line %q", h.u.sale.items.Text)
	}
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	rec := h.journal.record(t, pos.EntrySale)
	// 3 × 1,99 = 5,97; the amount discount went with the old price; −5 % = 0,30 → 5,67
	l := rec.Lines[0]
	if l.Qty != 3000 || l.UnitPrice != 199 || l.ListPrice != 229 || rec.Totals.Gross != 567 || l.OrderDiscount != 30 {
		t.Fatalf("record line %+v, gross %d", l, rec.Totals.Gross)
	}
	if c, _ := h.reg.FindCustomers(context.Background(), "0171"); len(c) != 1 || c[0].Name != "berg" || rec.CustomerID != c[0].ID || rec.Note != "abholung" {
		t.Fatalf("customer %+v id %q note %q", c, rec.CustomerID, rec.Note)
	}
}

func TestParkTwoAndResume(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.scanProduct("milch")
	h.tap(h.u.sale.park)
	h.scanProduct("gouda")
	h.key(fyne.KeyF5) // park by shortcut
	if len(h.lines()) != 0 {
		t.Fatal("parking left lines")
	}
	h.scanProduct("kaffee") // a customer in between
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	h.tap(h.u.change.next)
	h.taps = 0
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Parked sales")))
	p := h.u.selling().parked
	if len(p.rows) != 2 || !strings.Contains(p.rows[0].Title, "1,19 €") || !strings.Contains(p.rows[0].Sub, "Anna") {
		t.Fatalf("parked list %d rows: %+v", len(p.rows), p.rows)
	}
	h.tap(p.rows[1])
	h.onScreen(h.u.sale.content, "sale")
	if l := h.lines(); len(l) != 1 || l[0].ProductID != "gouda" {
		t.Fatalf("resumed %+v", l)
	}
	if h.taps != 3 { // More, Parked sales, the row
		t.Errorf("resume taps = %d, want 3", h.taps)
	}
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	if got := h.journal.record(t, pos.EntrySale); got.Totals.Gross != 349 {
		t.Fatalf("resumed sale gross %d", got.Totals.Gross)
	}
}

func TestSplitVoucherCashAndCard(t *testing.T) {
	term := &fakeTerminal{approve: true}
	h := newSellingHarness(t, term)
	h.scanProduct("kaffee")
	h.scanProduct("riegel") // 6,68
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.voucher)
	h.typeText(h.u.selling().text.kb, "gs42")
	h.tap(h.u.selling().text.ok)
	h.typeOn(h.u.selling().num.pad, "2", "00")
	h.tap(h.u.selling().num.ok)
	h.onScreen(h.u.cash.content, "cash")
	if h.u.cash.totals.Due != 468 {
		t.Fatalf("due after voucher %d", h.u.cash.totals.Due)
	}
	h.typeOn(h.u.cash.pad, "2", "00")
	h.tap(h.u.cash.take)
	h.tap(h.u.cash.card)
	h.onScreen(h.u.change.content, "change")
	rec := h.journal.record(t, pos.EntrySale)
	if len(rec.Tenders) != 3 || rec.Tenders[0].Kind != pos.TenderVoucher || rec.Tenders[0].Reference != "gs42" ||
		rec.Tenders[1].Amount != 200 || rec.Tenders[2].Kind != pos.TenderCard || rec.Tenders[2].Amount != 268 {
		t.Fatalf("tenders %+v", rec.Tenders)
	}
	if term.prompts != 1 {
		t.Errorf("terminal prompts shown %d", term.prompts)
	}
}

func TestCardCancelShowsPromptsAndDecline(t *testing.T) {
	term := &fakeTerminal{block: make(chan struct{}), prompted: make(chan struct{})}
	h := newSellingHarness(t, term)
	thens := make(chan func(), 1)
	h.u.selling().cardAsync = func(work, then func()) { go func() { work(); thens <- then }() }
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.card)
	<-term.prompted
	c := h.u.selling().card
	h.onScreen(c.content, "card")
	if c.prompt.Text != "Karte einstecken" || c.cancel.Disabled() {
		t.Fatalf("prompt %q, cancel disabled %v", c.prompt.Text, c.cancel.Disabled())
	}
	h.tap(c.cancel)
	(<-thens)()
	if !strings.Contains(c.prompt.Text, "Abbruch") || c.back.Disabled() || c.decision.Visible() {
		t.Fatalf("after cancel: prompt %q", c.prompt.Text)
	}
	h.tap(c.back)
	h.onScreen(h.u.cash.content, "cash")
	h.tap(h.u.cash.exact) // cash instead
	if rec := h.journal.record(t, pos.EntrySale); rec.Tenders[0].Kind != pos.TenderCash {
		t.Fatalf("tenders %+v", rec.Tenders)
	}
}

func TestCardUnknownOutcomeNeedsManagerDecision(t *testing.T) {
	term := &fakeTerminal{unknown: true}
	h := newSellingHarness(t, term)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.card)
	c := h.u.selling().card
	h.onScreen(c.content, "card")
	if !c.decision.Visible() || !c.back.Disabled() {
		t.Fatal("unknown outcome does not ask for a decision")
	}
	if err := h.reg.SetQty(0, 2000); err == nil {
		t.Fatal("the sale changed while the card outcome is unknown")
	}
	h.tap(c.charged)
	h.managerApproves()
	h.onScreen(h.u.change.content, "change")
	rec := h.journal.record(t, pos.EntrySale)
	if len(rec.Tenders) != 1 || rec.Tenders[0].Kind != pos.TenderCard || rec.Tenders[0].Amount != 599 {
		t.Fatalf("tenders %+v", rec.Tenders)
	}
}

func TestReturnByScannedReceipt(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.scanProduct("kaffee")
	h.scanProduct("kaffee")
	h.scanProduct("riegel")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	sale := h.journal.record(t, pos.EntrySale)
	h.tap(h.u.change.next)
	h.taps = 0

	h.scan(sale.ReceiptNo) // the CODE128 on the receipt
	r := h.u.selling().ret
	h.onScreen(r.content, "return")
	if len(r.rows) != 2 || !r.refund.Disabled() {
		t.Fatalf("return rows %d", len(r.rows))
	}
	h.tap(r.rows[0].plus) // one of the two coffees
	h.tap(r.rows[0].restock)
	h.tap(r.refund)
	h.managerApproves() // Anna may not refund alone
	h.onScreen(h.u.cash.content, "cash")
	if h.u.cash.due.Text != "5,99 €" {
		t.Errorf("refund shows %q", h.u.cash.due.Text)
	}
	if !h.u.cash.card.Disabled() {
		t.Error("a card refund is offered for a sale paid in cash")
	}
	h.tap(h.u.cash.exact) // cash from the drawer
	h.onScreen(h.u.change.content, "change")
	ret := h.journal.record(t, pos.EntryReturn)
	if ret.RefersTo != sale.SaleID || ret.Totals.Gross != -599 || ret.Lines[0].Qty != -1000 || ret.Lines[0].Restock {
		t.Fatalf("return %+v", ret)
	}
	// plus, restock (off), Refund, PIN×4, reason, Approve, Exact
	if h.taps != 10 {
		t.Errorf("taps = %d, want 10", h.taps)
	}
	// The same receipt again: one coffee left.
	h.tap(h.u.change.next)
	h.scan(sale.ReceiptNo)
	h.tap(r.rows[0].plus)
	if !r.rows[0].plus.Disabled() {
		t.Error("more than sold minus returned can be chosen")
	}
}

func TestVoidLastSaleAndCancelOpenSale(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.startShift() // a completed sale is voided only in its shift
	h.scanProduct("gouda")
	h.key(fyne.KeyF12) // Pay
	h.onScreen(h.u.cash.content, "cash")
	h.tap(h.u.cash.exact)
	h.tap(h.u.change.next)
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Void last sale")))
	h.managerApproves()
	void := h.journal.record(t, pos.EntryVoid)
	if void.Totals.Gross != -349 || void.RefersTo == "" {
		t.Fatalf("void %+v", void)
	}
	// Voiding again is refused.
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Void last sale")))
	if h.u.override != nil && h.u.override.popup.Visible() {
		h.managerApproves()
	}
	if n := strings.Count(strings.Join(kindsOf(h.journal.entryKinds()), " "), "void"); n != 1 {
		t.Fatalf("%d voids", n)
	}
	// F8 cancels the open sale, journaled for the audit.
	h.scanProduct("milch")
	h.key(fyne.KeyF4) // the scanned line is selected: F4 removes it
	if len(h.lines()) != 0 {
		t.Fatal("F4 did not remove the line")
	}
	h.scanProduct("milch")
	h.key(fyne.KeyF8)
	if len(h.lines()) != 0 || h.journal.entryKinds()[len(h.journal.entryKinds())-1] != pos.EntryCancel {
		t.Fatalf("F8: lines %d, kinds %v", len(h.lines()), h.journal.entryKinds())
	}
}

func kindsOf(ks []pos.EntryKind) []string {
	var out []string
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}

func TestLayoutsFitTheScreen(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		h := newSellingHarness(t, nil)
		h.u.Window().Resize(size)
		h.scanProduct("kaffee")
		for name, o := range map[string]fyne.CanvasObject{"pay": h.u.sale.pay, "search": h.u.sale.search, "more": h.u.sale.more,
			"park": h.u.sale.park, "edit": h.u.sale.edit, "remove": h.u.sale.remove} {
			at := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
			if at.X < 0 || at.Y < 0 || at.X+o.Size().Width > size.Width+1 || at.Y+o.Size().Height > size.Height+1 || o.Size().Height < 48 || o.Size().Width < 48 {
				t.Errorf("%v: %s at %v size %v", size, name, at, o.Size())
			}
		}
	}
}
