package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/register"
)

// Card payments no one settled (a crash or a lost link left them in intent
// or unknown) are shown after every login as a banner over the cart until
// a manager decides each one: the register never guesses whether a
// customer was charged.

// unsettledBanner is the banner's tile, hidden while nothing waits.
func (x *selling) unsettledBanner() fyne.CanvasObject {
	x.unsettled = newTile("", lang.L("Tap to decide (manager)"), colWarn, x.showUnsettled)
	x.unsettled.MinHeight, x.unsettled.TitleSize = 64, sizeRow
	x.unsettled.Hide()
	return x.unsettled
}

// checkUnsettled asks the register for unsettled card payments and shows
// or hides the banner.
func (x *selling) checkUnsettled() {
	var ps []register.CardPayment
	var err error
	x.u.run(func() { ps, err = x.u.reg.UnsettledCardPayments(x.u.ctx()) }, func() {
		if err != nil {
			x.u.log.Error("unsettled card payments", "err", err)
			return
		}
		x.pending = ps
		if len(ps) == 0 {
			x.unsettled.Hide()
			if x.unsettledBox != nil {
				x.unsettledBox.Hide()
				x.unsettledBox = nil
			}
			return
		}
		x.unsettled.Title = "⚠ " + lang.N("{{.N}} card payments need a manager's decision", len(ps), map[string]any{"N": len(ps)})
		x.unsettled.Show()
		x.unsettled.Refresh()
		if x.unsettledBox != nil {
			x.showUnsettled() // the list follows each decision
		}
	})
}

// cardFacts is what a manager needs to decide: amount, kind, when, the
// terminal's last word and the payment's id (as in the log).
func (u *UI) cardFacts(p register.CardPayment) string {
	kind := lang.L("Card payment")
	if p.Kind == register.CardRefund {
		kind = lang.L("Card refund")
	}
	s := kind + " " + u.money(p.Amount) + "  ·  " + u.dateTime(p.CreatedAt)
	if p.Note != "" {
		s += "  ·  " + p.Note
	} else if p.Message != "" {
		s += "  ·  " + p.Message
	}
	return s + "  ·  " + p.ID
}

// showUnsettled lists the waiting payments, each with Charged / Not charged.
func (x *selling) showUnsettled() {
	x.closeDialogs()
	if x.unsettledBox != nil {
		x.unsettledBox.Hide()
	}
	objs := []fyne.CanvasObject{label(lang.L("Card payments without an outcome"), 24, colInk, true),
		wrapped(lang.L("Check each one on the terminal's journal or receipts, then decide. Nothing is charged again."))}
	x.decideTiles = map[string][2]*tile{}
	for _, p := range x.pending {
		charged := newTile(lang.L("Customer was charged"), "", colGreen, func() { x.resolveUnsettled(p, true) })
		notPaid := newTile(lang.L("Not charged"), "", colError, func() { x.resolveUnsettled(p, false) })
		for _, t := range []*tile{charged, notPaid} {
			t.Center, t.MinHeight = true, 64
		}
		x.decideTiles[p.ID] = [2]*tile{charged, notPaid}
		objs = append(objs, wrapped(x.u.cardFacts(p)), container.NewGridWithColumns(2, charged, notPaid))
	}
	closeT := newTile(lang.L("Close"), "", colBackdrop, func() {
		x.unsettledBox.Hide()
		x.unsettledBox = nil
	})
	closeT.Center, closeT.MinHeight, closeT.Outline = true, 60, colLine
	body := container.NewVBox(append(objs, closeT)...)
	box := container.NewGridWrap(fyne.NewSize(720, body.MinSize().Height), body)
	x.unsettledBox = widget.NewModalPopUp(container.NewPadded(box), x.u.win.Canvas())
	x.unsettledBox.Show()
}

func (x *selling) resolveUnsettled(p register.CardPayment, charged bool) {
	x.u.withOverride(register.ActionRefund, x.u.cardFacts(p), func(ov *register.Override) error {
		_, err := x.u.reg.ResolveCardPayment(x.u.ctx(), p.ID, charged, ov)
		return err
	}, func(err error) {
		if err != nil {
			x.u.fail("resolve card payment", err)
		}
		x.u.sale.refresh()
		x.checkUnsettled()
	})
}

// wrapped is a theme label that wraps sentences too long for one line.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// showPendingFacts adds the facts of the payment locking the sale to the
// card screen's unknown-outcome message.
func (c *cardScreen) showPendingFacts() {
	var p register.CardPayment
	var ok bool
	var err error
	c.u.run(func() { p, ok, err = c.u.reg.PendingCardPayment(c.u.ctx()) }, func() {
		if err != nil || !ok {
			return
		}
		c.facts.SetText(c.u.cardFacts(p))
	})
}
