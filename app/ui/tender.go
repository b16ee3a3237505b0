package ui

import (
	"context"
	"errors"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// tenderRow is the Card and Voucher tiles of the payment screen: any split
// of cash, card and vouchers settles a sale.
func (x *selling) tenderRow(c *cashScreen) fyne.CanvasObject {
	c.card = newTile(lang.L("Card"), "", colBlue, x.onCard)
	c.voucher = newTile(lang.L("Voucher"), "", colPanel, x.onVoucher)
	c.card.Center, c.card.MinHeight, c.card.TitleSize = true, 72, 26
	c.voucher.Center, c.voucher.MinHeight, c.voucher.Outline, c.voucher.TitleSize = true, 72, colBlue, 26
	return container.NewGridWithColumns(2, c.card, c.voucher)
}

// cashRefresh adapts the payment screen to a refund (a return: the amount
// is paid out) and to the other tenders.
func (x *selling) cashRefresh(c *cashScreen) {
	refund := c.totals.Gross < 0
	if refund {
		c.due.Text = x.u.money(-c.totals.Due)
		c.due.Refresh()
		c.exact.Title, c.exact.Sub = lang.L("Cash from the drawer"), x.u.money(-c.totals.Due)
		c.exact.Refresh()
		c.card.Title = lang.L("Refund to card")
	} else {
		c.exact.Title = lang.L("Exact")
		c.card.Title = lang.L("Card")
		c.exact.Refresh()
	}
	c.card.SetDisabled(c.busy || c.totals.Due == 0 || (refund && !slices.Contains(x.refundKinds, pos.TenderCard)))
	c.card.Refresh()
	c.voucher.SetDisabled(c.busy || refund || c.totals.Due == 0)
	for _, t := range c.suggestions {
		if refund {
			t.Hide()
		}
	}
}

func (x *selling) onVoucher() {
	x.u.clearMessage()
	x.text = newTextDialog(x.u, lang.L("Voucher code"), "", lang.L("Next"), 32, func(code string) {
		x.text = nil
		due := x.u.cash.totals.Due
		x.askAmount(lang.L("Amount from the voucher"), lang.L("At most {{.Amount}}", map[string]any{"Amount": x.u.money(due)}),
			lang.L("Take voucher"), func(amount int64) {
				x.u.cash.pay(func(ctx context.Context) (register.Payment, error) { return x.u.reg.TenderVoucher(ctx, code, amount) })
			})
	})
	x.text.show()
}

// cardScreen shows a card payment in progress: the terminal's prompts as
// they come, Cancel (abort on the terminal), a decline, or an unknown
// outcome that keeps the sale locked until a manager decides.
type cardScreen struct {
	u       *UI
	content fyne.CanvasObject

	amountText, prompt, state *canvas.Text
	facts                     *widget.Label // the pending payment's facts, for the manager
	cancel, back              *tile
	backBox                   *fyne.Container
	retry, charged, notPaid   *tile
	decision                  *fyne.Container
	busy                      bool
	refund                    bool
}

func newCardScreen(u *UI) *cardScreen {
	c := &cardScreen{u: u}
	title := label(lang.L("Card payment"), 30, colInkSoft, true)
	title.Alignment = fyne.TextAlignCenter
	c.amountText = label("", sizeDue, colInk, true)
	c.amountText.Alignment = fyne.TextAlignCenter
	c.prompt = label("", 34, colBlue, true)
	c.prompt.Alignment = fyne.TextAlignCenter
	c.state = label("", sizeRow, colInkSoft, false)
	c.state.Alignment = fyne.TextAlignCenter
	c.facts = wrapped("")
	c.facts.Alignment = fyne.TextAlignCenter
	c.cancel = newTile(lang.L("Cancel payment"), "", colError, c.onCancel)
	c.cancel.Center, c.cancel.MinHeight, c.cancel.TitleSize = true, 88, 26
	c.back = newTile(lang.L("← Back to payment"), "", colPanel, c.onBack)
	c.back.Center, c.back.MinHeight, c.back.Outline = true, 88, colLine
	c.retry = newTile(lang.L("Ask the terminal again"), "", colBlue, c.onRetry)
	c.charged = newTile(lang.L("Customer was charged"), lang.L("Manager"), colGreen, func() { c.decide(true) })
	c.notPaid = newTile(lang.L("Not charged"), lang.L("Manager"), colError, func() { c.decide(false) })
	for _, t := range []*tile{c.retry, c.charged, c.notPaid} {
		t.Center, t.MinHeight = true, 88
	}
	c.decision = container.NewGridWithColumns(3, c.retry, c.charged, c.notPaid)
	// An HBox skips the hidden Back, so Cancel alone sits in the middle.
	c.backBox = container.NewGridWrap(fyne.NewSize(370, 88), c.back)
	buttons := container.NewHBox(c.backBox, container.NewGridWrap(fyne.NewSize(370, 88), c.cancel))
	c.content = container.NewStack(canvas.NewRectangle(colBackdrop), container.NewVBox(layout.NewSpacer(), title, c.amountText,
		c.prompt, c.state, container.NewCenter(container.NewGridWrap(fyne.NewSize(900, c.facts.MinSize().Height*2), c.facts)), layout.NewSpacer(), container.NewCenter(buttons),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(900, 88), c.decision)), layout.NewSpacer()))
	return c
}

func (x *selling) onCard() {
	x.u.clearMessage()
	due := x.u.cash.totals.Due
	if due == 0 {
		return
	}
	c := x.card
	c.refund = due < 0
	amount := max(due, -due)
	c.amountText.Text = x.u.money(amount)
	c.amountText.Refresh()
	c.start(amount)
}

// start runs the card transaction off the UI goroutine; prompts arrive
// through fyne.Do while it runs.
func (c *cardScreen) start(amount int64) {
	c.busy = true
	c.setPrompt(lang.L("Waiting for the card terminal…"), colBlue)
	c.state.Text = ""
	c.state.Refresh()
	c.facts.SetText("")
	c.showButtons(true, false)
	c.u.show(c.content)
	c.u.refreshUser()
	prompt := func(s string) { fyne.Do(func() { c.setPrompt(s, colBlue) }) }
	var p register.Payment
	var err error
	c.u.selling().cardAsync(func() {
		if c.refund {
			p, err = c.u.reg.RefundCard(c.u.ctx(), amount, prompt)
		} else {
			p, err = c.u.reg.TenderCard(c.u.ctx(), amount, prompt)
		}
	}, func() { c.done(p, err) })
}

func (c *cardScreen) done(p register.Payment, err error) {
	c.busy = false
	c.u.refreshUser()
	if c.u.screen != c.content {
		// The UI moved on (e.g. the register was locked): the outcome must
		// not take it off that screen. The sale keeps the card tender or
		// its lock; the sale screen shows it to whoever logs in.
		c.u.log.Info("card outcome after the card screen was left", "completed", p.Completed != nil, "err", err)
		c.u.RefreshStatus()
		return
	}
	switch {
	case err == nil && p.Completed != nil:
		c.u.showChange(*p.Completed)
	case err == nil: // part paid: the rest in another tender
		c.u.showCash()
	case errors.Is(err, register.ErrCardNeedsDecision) || errors.Is(err, pos.ErrPaymentPending):
		c.u.log.Warn("card outcome unknown", "err", err)
		c.setPrompt(lang.L("Outcome unknown: do not charge again"), colError)
		c.state.Text = lang.L("Check the terminal's last receipt. A manager decides whether the customer was charged.")
		c.state.Refresh()
		c.showPendingFacts()
		c.showButtons(false, true)
	default:
		c.u.log.Info("card not approved", "err", err)
		c.setPrompt(errText(err), colError)
		c.state.Text = lang.L("Not charged. Try again or take another payment.")
		c.state.Refresh()
		c.showButtons(false, false)
	}
}

func (c *cardScreen) setPrompt(s string, col color.Color) {
	c.prompt.Text, c.prompt.Color = s, col
	c.prompt.Refresh()
}

// showButtons: while running only Cancel; after a decline only Back; with
// an unknown outcome only the manager's decision (the sale stays locked).
func (c *cardScreen) showButtons(running, unknown bool) {
	c.cancel.SetDisabled(!running)
	c.back.SetDisabled(running || unknown)
	// While the terminal works only Cancel shows: Back would leave it charging.
	if running {
		c.backBox.Hide()
	} else {
		c.backBox.Show()
	}
	if unknown {
		c.decision.Show()
	} else {
		c.decision.Hide()
	}
}

func (c *cardScreen) onCancel() {
	if !c.busy {
		return
	}
	c.cancel.SetDisabled(true)
	c.setPrompt(lang.L("Cancelling…"), colInkSoft)
	// Not through u.run: that queue is busy with the payment itself.
	var err error
	c.u.jobs.Loose(func() { err = c.u.reg.CancelCard(c.u.ctx()) }, func() {
		if err != nil {
			c.u.fail("cancel card", err)
			c.cancel.SetDisabled(!c.busy)
		}
	})
}

func (c *cardScreen) onBack() {
	if c.busy {
		return
	}
	c.u.showCash()
}

func (c *cardScreen) onRetry() {
	c.busy = true
	c.setPrompt(lang.L("Asking the card terminal…"), colBlue)
	c.showButtons(false, false)
	c.back.SetDisabled(true)
	c.u.refreshUser()
	var p register.Payment
	var err error
	c.u.selling().cardAsync(func() { p, err = c.u.reg.RecoverCardPayment(c.u.ctx()) }, func() { c.done(p, err) })
}

func (c *cardScreen) decide(charged bool) {
	var p register.Payment
	detail := lang.L("Card payment of {{.Amount}}", map[string]any{"Amount": c.amountText.Text})
	c.u.withOverride(register.ActionRefund, detail, func(ov *register.Override) error {
		pending, ok, err := c.u.reg.PendingCardPayment(c.u.ctx())
		if err != nil {
			return err
		}
		if !ok {
			return pos.Errorf(pos.EConflict, "No card payment is waiting for a decision.")
		}
		p, err = c.u.reg.ResolveCardPayment(c.u.ctx(), pending.ID, charged, ov)
		return err
	}, func(err error) {
		if err != nil {
			c.u.fail("resolve card", err)
			return
		}
		c.done(p, nil)
	})
}
