package ui

import (
	"context"
	"errors"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// gateTerminal approves a card payment only once the test opens the gate.
type gateTerminal struct {
	fakeTerminal
	gate, started chan struct{}
}

func (g *gateTerminal) Authorize(ctx context.Context, req register.CardRequest, prompt func(string)) (register.CardResult, error) {
	close(g.started)
	<-g.gate
	return register.CardResult{Approved: true, Amount: req.Amount, MaskedPAN: "************1234", Brand: "girocard",
		AuthCode: "A1", Trace: "000042", ReceiptNo: "0042", TerminalID: "T1"}, nil
}

// cardInFlight starts a card payment that waits at the terminal; the
// returned channel yields its then once the test opens term.gate.
func cardInFlight(t *testing.T, deps register.Deps) (*harness, *gateTerminal, chan func()) {
	term := &gateTerminal{gate: make(chan struct{}), started: make(chan struct{})}
	deps.Staff, deps.PaymentTerminal, deps.Payments = newFakeDirectory(), term, newFakePayments()
	h := newStaffHarness(t, deps)
	h.openShift("e-anna", "1111")
	thens := make(chan func(), 1)
	h.u.selling().cardAsync = func(work, then func()) { go func() { work(); thens <- then }() }
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.card)
	<-term.started
	return h, term, thens
}

// TestSwitchAndMenuHiddenWhileCardPaymentRuns: while the customer is at the
// terminal the register cannot be locked (the approval would take a locked
// register off the login screen) nor a Z report run (the sale would land
// in no Z).
func TestSwitchAndMenuHiddenWhileCardPaymentRuns(t *testing.T) {
	h, term, thens := cardInFlight(t, register.Deps{})
	if h.u.switchTile.Visible() || h.u.menuTile.Visible() {
		t.Errorf("during the card payment: Switch visible %v, Menu visible %v", h.u.switchTile.Visible(), h.u.menuTile.Visible())
	}
	h.u.onSwitch() // a stale tap
	h.u.onMenu()
	h.onScreen(h.u.selling().card.content, "card")
	close(term.gate)
	(<-thens)()
	h.onScreen(h.u.change.content, "change")
	if !h.u.switchTile.Visible() || !h.u.menuTile.Visible() {
		t.Errorf("after the approval: Switch visible %v, Menu visible %v", h.u.switchTile.Visible(), h.u.menuTile.Visible())
	}
}

// TestCardApprovalKeepsALockedRegisterLocked: however the register got
// locked while the card ran, the approval records the sale but leaves the
// UI on the login screen, and nobody can sell without logging in.
func TestCardApprovalKeepsALockedRegisterLocked(t *testing.T) {
	h, term, thens := cardInFlight(t, register.Deps{})
	h.u.showLogin() // locked by another path than the hidden Switch
	close(term.gate)
	(<-thens)()
	if _, ok := h.reg.Current(); ok {
		t.Fatal("somebody is logged in")
	}
	h.onScreen(h.u.login.content, "login")
	if n := len(h.journal.kinds(pos.EntrySale)); n != 1 {
		t.Errorf("%d sales journaled: the approved card sale must be recorded", n)
	}
	if _, err := h.reg.Scan(t.Context(), h.cat.barcode("kaffee")); err == nil {
		t.Error("the locked register sold with nobody logged in")
	}
}

// TestThenStaysOnTheScreenTheCashierMovedTo: register work that finishes
// after the UI left the screen that started it does not change screens.
func TestThenStaysOnTheScreenTheCashierMovedTo(t *testing.T) {
	h := newStaffHarness(t, register.Deps{Staff: newFakeDirectory()})
	h.openShift("e-anna", "1111")
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	var then func()
	h.u.async = func(work, th func()) { work(); then = th }
	h.tap(h.u.cash.exact) // the commit runs...
	h.u.cash.busy = false
	h.u.showLogin() // ...while the register is locked
	then()
	h.onScreen(h.u.login.content, "login")
}

// TestZReportRefusedWhileCardPaymentRuns: a Z closing the shift while the
// terminal charges would leave the card sale in no Z report.
func TestZReportRefusedWhileCardPaymentRuns(t *testing.T) {
	h, term, thens := cardInFlight(t, register.Deps{Drawer: &fakeDrawer{}})
	_, err := h.reg.CloseShift(t.Context(), []register.DenomCount{{Value: 10000, Count: 1}}, &register.Override{PIN: "3333", Reason: "End of day"})
	if !errors.Is(err, pos.ErrPaymentPending) {
		t.Errorf("Z during the card payment: err = %v, want ErrPaymentPending", err)
	}
	close(term.gate)
	(<-thens)()
	if zs := h.journal.kinds(pos.EntryZReport); len(zs) != 0 {
		t.Errorf("%d Z reports journaled while the card sale was running", len(zs))
	}
	if _, _, open, _ := h.reg.OpenShift(t.Context()); !open {
		t.Error("the shift was closed under the card sale")
	}
}
