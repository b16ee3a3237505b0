package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// cardSale sells a coffee (5,99 €) paid by card and starts the next sale.
func cardSale(h *harness) pos.SaleRecord {
	h.t.Helper()
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.card)
	h.onScreen(h.u.change.content, "change")
	sale := h.journal.record(h.t, pos.EntrySale)
	h.tap(h.u.change.next)
	return sale
}

// TestCardRefundForReturnOfCardSale: the return of a card-paid sale is
// refunded to the card through the terminal.
func TestCardRefundForReturnOfCardSale(t *testing.T) {
	term := &fakeTerminal{approve: true}
	h := newSellingHarness(t, term)
	sale := cardSale(h)
	h.taps = 0
	h.scan(sale.ReceiptNo)
	r := h.u.selling().ret
	h.tap(r.rows[0].plus)
	h.tap(r.refund)
	h.managerApproves()
	h.onScreen(h.u.cash.content, "cash")
	if c := h.u.cash.card; c.Disabled() || c.Title != lang.L("Refund to card") {
		t.Fatalf("card refund tile %q disabled %v", c.Title, c.Disabled())
	}
	h.tap(h.u.cash.card)
	h.onScreen(h.u.change.content, "change")
	ret := h.journal.record(t, pos.EntryReturn)
	if term.refunds != 1 || ret.RefersTo != sale.SaleID || len(ret.Tenders) != 1 ||
		ret.Tenders[0].Kind != pos.TenderCard || ret.Tenders[0].Amount != -599 {
		t.Fatalf("refunds %d, return %+v", term.refunds, ret)
	}
	// plus, Refund, PIN×4, reason, Approve, Refund to card
	if h.taps != 9 {
		t.Errorf("taps = %d, want 9", h.taps)
	}
}

// TestVoidCardSaleReversesOnTerminal: voiding a card-paid sale of the shift
// reverses the payment on the terminal by its receipt number first.
func TestVoidCardSaleReversesOnTerminal(t *testing.T) {
	term := &fakeTerminal{approve: true}
	h := newSellingHarness(t, term)
	h.startShift()
	sale := cardSale(h)
	h.tap(h.u.sale.more)
	h.tap(h.menuTile(lang.L("Void last sale")))
	h.managerApproves()
	void := h.journal.record(t, pos.EntryVoid)
	if len(term.reversed) != 1 || term.reversed[0] != sale.Tenders[0].Reference || void.RefersTo != sale.SaleID ||
		void.Tenders[0].Kind != pos.TenderCard || void.Tenders[0].Amount != -599 {
		t.Fatalf("reversed %v, void %+v", term.reversed, void)
	}
}

// TestCancelSaleReversesCardTenders: backing out of a sale that a card has
// partly paid gives the card payment back before the sale is cancelled.
func TestCancelSaleReversesCardTenders(t *testing.T) {
	term := &fakeTerminal{approve: true}
	h := newSellingHarness(t, term)
	h.scanProduct("kaffee")
	h.scanProduct("gouda")
	if _, err := h.reg.TenderCard(context.Background(), 500, nil); err != nil {
		t.Fatal(err)
	}
	h.key(fyne.KeyF8)
	kinds := h.journal.entryKinds()
	if len(term.reversed) != 1 || len(h.lines()) != 0 || kinds[len(kinds)-1] != pos.EntryCancel {
		t.Fatalf("reversed %v, lines %d, journal %v", term.reversed, len(h.lines()), kinds)
	}
}

// TestCardUnknownShowsFactsAndStartupBanner: an unknown outcome shows the
// payment's facts for the manager; a payment a crash left unsettled shows
// as a banner after the next login, and a manager settles it from there.
func TestCardUnknownShowsFactsAndStartupBanner(t *testing.T) {
	h := newSellingHarness(t, &fakeTerminal{unknown: true})
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.card)
	c := h.u.selling().card
	pending, ok, _ := h.reg.PendingCardPayment(context.Background())
	if !ok || !strings.Contains(c.facts.Text, "5,99 €") || !strings.Contains(c.facts.Text, pending.ID) {
		t.Fatalf("facts %q", c.facts.Text)
	}

	// A restart: the payment journal still holds a payment in intent.
	pays := newFakePayments()
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	lost := register.CardPayment{ID: "pay-lost", SaleID: "gone", Kind: register.CardSale, Amount: 1234,
		Currency: "EUR", State: register.CardIntent, CreatedAt: at, UpdatedAt: at}
	_ = pays.RecordCardIntent(context.Background(), lost)
	h2 := newStaffHarness(t, register.Deps{Staff: newFakeDirectory(), PaymentTerminal: &fakeTerminal{approve: true}, Payments: pays})
	h2.openShift("e-anna", "1111")
	x := h2.u.selling()
	if !x.unsettled.Visible() || !strings.Contains(x.unsettled.Title, "1") {
		t.Fatalf("no banner after login: %q", x.unsettled.Title)
	}
	h2.taps = 0
	h2.tap(x.unsettled)
	if x.unsettledBox == nil || !x.unsettledBox.Visible() {
		t.Fatal("no list of unsettled payments")
	}
	h2.tap(x.decideTiles["pay-lost"][1]) // not charged
	h2.managerApproves()
	p, _ := pays.CardPayment(context.Background(), "pay-lost")
	if p.State != register.CardManagerResolved || p.Charged || p.ResolvedBy != "e-clara" {
		t.Fatalf("payment %+v", p)
	}
	if x.unsettled.Visible() || x.unsettledBox != nil {
		t.Fatal("banner still shown after the decision")
	}
	// banner, Not charged, PIN×4, reason, Approve
	if h2.taps != 8 {
		t.Errorf("taps = %d, want 8", h2.taps)
	}
}

// TestCardOnlySaleSaysPaidNotChange: after a card payment the big line says
// the sale is paid and how much, not "change 0,00"; a card refund says
// refunded; a cash sale keeps its change, even when it is none.
func TestCardOnlySaleSaysPaidNotChange(t *testing.T) {
	term := &fakeTerminal{approve: true}
	h := newSellingHarness(t, term)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.card)
	h.onScreen(h.u.change.content, "change")
	sale := h.journal.record(t, pos.EntrySale)
	if c := h.u.change; c.title.Text != "Bezahlt" || c.change.Text != h.u.money(sale.Totals.Gross) {
		t.Errorf("card sale: %q %q", c.title.Text, c.change.Text)
	}
	h.tap(h.u.change.next)
	h.scan(sale.ReceiptNo)
	r := h.u.selling().ret
	h.tap(r.rows[0].plus)
	h.tap(r.refund)
	h.managerApproves()
	h.tap(h.u.cash.card)
	h.onScreen(h.u.change.content, "change")
	if c := h.u.change; c.title.Text != "Erstattet" || c.change.Text != h.u.money(sale.Totals.Gross) {
		t.Errorf("card refund: %q %q", c.title.Text, c.change.Text)
	}
	h.tap(h.u.change.next)
	h.scanProduct("kaffee")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	h.onScreen(h.u.change.content, "change")
	if c := h.u.change; c.title.Text != "Rückgeld" || c.change.Text != h.u.money(0) {
		t.Errorf("exact cash: %q %q", c.title.Text, c.change.Text)
	}
}
