package ui

import (
	"encoding/json"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// TestBlindReturnNeedsManager: goods come back without a receipt, found by
// search and by scan, quantities and restock per product, refunded in cash;
// the cashier and a supervisor cannot approve it, a manager can, and the
// journal holds a return referring to no sale and an override naming both.
func TestBlindReturnNeedsManager(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Return without receipt")))
	b := h.u.selling().blind
	h.onScreen(b.content, "blind return")
	if !b.refund.Disabled() {
		t.Fatal("an empty blind return can be refunded")
	}
	h.tap(b.add) // search
	s := h.u.selling().search
	h.onScreen(s.content, "search")
	h.typeText(s.kb, "kaf")
	if len(s.rows) != 1 {
		t.Fatalf("%d results for kaf", len(s.rows))
	}
	h.tap(s.rows[0])
	h.onScreen(b.content, "blind return")
	h.scanProduct("riegel") // the scanner works here and adds nothing to the sale
	h.scanProduct("riegel")
	if len(b.items) != 2 || b.items[1].qty != 2*pos.QtyOne || len(h.lines()) != 0 {
		t.Fatalf("items %+v, sale lines %d", b.items, len(h.lines()))
	}
	h.tap(b.rows[0].plus)    // two coffees
	h.tap(b.rows[1].minus)   // one bar after all
	h.tap(b.rows[1].restock) // opened: not back on the shelf
	if want := lang.L("Refund {{.Amount}}", map[string]any{"Amount": "12,67 €"}); b.refund.Title != want {
		t.Errorf("refund tile %q, want %q", b.refund.Title, want)
	}
	h.tap(b.refund)
	d := h.u.override
	if d == nil || !d.popup.Visible() {
		t.Fatal("no manager approval asked")
	}
	// Anna (cashier) and Ben (supervisor) may not approve a blind return.
	for _, pin := range []string{"1111", "2222"} {
		h.typeOn(d.pad, pin[:1], pin[1:2], pin[2:3], pin[3:])
		for _, r := range d.reasons {
			h.tap(r)
			break
		}
		h.tap(d.ok)
		if !d.popup.Visible() || d.errText.Text == "" {
			t.Fatalf("PIN %s approved a blind return", pin)
		}
	}
	if n := len(h.journal.kinds(pos.EntryOverride)); n != 0 {
		t.Fatalf("%d overrides journaled before a manager approved", n)
	}
	h.onScreen(b.content, "blind return")
	h.taps = 0
	h.managerApproves()
	h.onScreen(h.u.cash.content, "cash")
	if h.u.cash.due.Text != "12,67 €" || !h.u.cash.card.Disabled() {
		t.Fatalf("refund due %q, card offered %v", h.u.cash.due.Text, !h.u.cash.card.Disabled())
	}
	h.tap(h.u.cash.exact) // cash from the drawer
	h.onScreen(h.u.change.content, "change")
	// PIN×4, reason, Approve, Exact
	if h.taps != 7 {
		t.Errorf("taps from the dialog = %d, want 7", h.taps)
	}
	ret := h.journal.record(t, pos.EntryReturn)
	if ret.RefersTo != "" || ret.Totals.Gross != -1267 || len(ret.Lines) != 2 ||
		ret.Lines[0].Qty != -2000 || !ret.Lines[0].Restock || ret.Lines[1].Qty != -1000 || ret.Lines[1].Restock {
		t.Fatalf("return %+v", ret)
	}
	ovs := h.journal.kinds(pos.EntryOverride)
	var o register.OverrideRecord
	if len(ovs) != 1 || json.Unmarshal(ovs[0].Payload, &o) != nil || o.Action != register.ActionBlindReturn ||
		o.CashierID != "e-anna" || o.ApproverID != "e-clara" {
		t.Fatalf("overrides %+v", o)
	}
}

// TestBlindReturnRefusedWithoutManager: Cancel in the approval dialog
// leaves the goods on the screen and journals nothing; F2 opens the search.
func TestBlindReturnRefusedWithoutManager(t *testing.T) {
	h := newSellingHarness(t, nil)
	h.scanProduct("gouda")
	h.tap(h.u.sale.more)
	if !h.menuTile(lang.L("Return without receipt")).Disabled() {
		t.Fatal("a blind return can start over an open sale")
	}
	h.key(fyne.KeyF8)
	h.u.selling().openBlindReturn()
	b := h.u.selling().blind
	h.scanProduct("gouda")
	h.tap(b.refund)
	h.tap(h.u.override.cancel)
	h.onScreen(b.content, "blind return")
	if len(b.items) != 1 || len(h.journal.kinds(pos.EntryReturn)) != 0 || len(h.journal.kinds(pos.EntryOverride)) != 0 {
		t.Fatalf("after cancel: items %d, journal %v", len(b.items), h.journal.entryKinds())
	}
	if s, _ := h.reg.Sale(); s.Return || len(s.Lines) != 0 {
		t.Fatalf("the sale became a return without approval: %+v", s)
	}
	h.key(fyne.KeyF2)
	h.onScreen(h.u.selling().search.content, "search")
	h.tap(h.u.selling().search.back)
	h.onScreen(b.content, "blind return")
}
