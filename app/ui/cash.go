package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// cashScreen takes cash: the exact amount, a likely banknote, or an amount
// typed on the keypad.
type cashScreen struct {
	u       *UI
	content fyne.CanvasObject

	due, info   *canvas.Text
	exact       *tile
	suggestions []*tile
	suggestGrid *fyne.Container
	typed       int64
	typedText   *canvas.Text
	take        *tile
	back        *tile
	pad         *keypad
	card        *tile // card and voucher tenders (tender.go)
	voucher     *tile

	totals pos.Totals
	busy   bool // a tender is being committed: no second one
}

func newCashScreen(u *UI) *cashScreen {
	c := &cashScreen{u: u}
	c.back = newTile(lang.L("← Back to sale"), "", colPanel, c.onBack)
	c.back.Center, c.back.MinHeight, c.back.Outline = true, 60, colLine

	c.due = label("", sizeDue, colInk, true)
	c.due.Alignment = fyne.TextAlignCenter
	c.info = label("", sizeRow, colInkSoft, false)
	c.info.Alignment = fyne.TextAlignCenter
	dueLabel := label(lang.L("Amount due"), 24, colInkSoft, true)
	dueLabel.Alignment = fyne.TextAlignCenter

	c.exact = newTile(lang.L("Exact"), "", colGreen, c.onExact)
	c.exact.Center, c.exact.MinHeight, c.exact.TitleSize, c.exact.SubSize = true, 88, 32, 26
	c.suggestGrid = container.NewGridWithRows(3)

	dueBox := container.NewStack(canvas.NewRectangle(colPanel),
		container.New(layout.NewCustomPaddedLayout(20, 20, 10, 10), container.NewVBox(dueLabel, c.due, c.info)))
	left := container.NewBorder(container.NewVBox(c.back, dueBox, u.selling().tenderRow(c)), nil, nil, nil, c.suggestGrid)

	c.typedText = label("", 48, colInk, true)
	c.typedText.Alignment = fyne.TextAlignTrailing
	givenLabel := label(lang.L("Amount given"), sizeRow, colInkSoft, true)
	display := container.NewStack(canvas.NewRectangle(colPanel),
		container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), container.NewVBox(givenLabel, c.typedText)))
	c.pad = newKeypad("00", c.onKey)
	c.take = newTile(lang.L("Take amount"), "", colBlue, c.onTakeTyped)
	c.take.Center, c.take.MinHeight, c.take.TitleSize = true, 88, 26
	right := container.NewBorder(display, c.take, nil, nil, c.pad.content)

	c.content = container.New(&ratio{frac: 0.55, gap: 24, pad: 16}, left, right)
	return c
}

func (u *UI) showCash() {
	u.cash.reset()
	u.show(u.cash.content)
}

// reset shows the open sale's amount due with fresh suggestions.
func (c *cashScreen) reset() {
	c.typed = 0
	c.busy = false
	_, c.totals = c.u.reg.Sale()
	// Exact across the top, the likely banknotes two by two below it, all
	// filling the column.
	c.suggestions = nil
	var row []fyne.CanvasObject
	rows := []fyne.CanvasObject{c.exact}
	for _, v := range register.CashSuggestions(c.totals.Due, 4) {
		t := newTile(c.u.money(v), "", colPanel, func() { c.tender(v) })
		t.Center, t.MinHeight, t.TitleSize, t.Outline = true, 88, 30, colBlue
		c.suggestions = append(c.suggestions, t)
		if row = append(row, t); len(row) == 2 {
			rows = append(rows, container.NewGridWithColumns(2, row...))
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, container.NewGridWithColumns(2, append(row, layout.NewSpacer())...))
	}
	for len(rows) < 3 {
		rows = append(rows, layout.NewSpacer())
	}
	c.suggestGrid.Objects = rows
	c.suggestGrid.Refresh()
	c.refresh()
}

func (c *cashScreen) refresh() {
	c.due.Text = c.u.money(c.totals.Due)
	c.due.Refresh()
	c.info.Text = itemCount(c.totals.Items) + "  ·  " + lang.L("Total {{.Amount}}", map[string]any{"Amount": c.u.money(c.totals.Gross)})
	if c.totals.Paid != 0 {
		c.info.Text += "  ·  " + lang.L("Paid {{.Amount}}", map[string]any{"Amount": c.u.money(c.totals.Paid)})
	}
	c.info.Refresh()
	c.exact.Sub = c.u.money(c.totals.Due)
	c.exact.SetDisabled(c.busy)
	c.exact.Refresh()
	for _, t := range c.suggestions {
		t.SetDisabled(c.busy)
	}
	c.typedText.Text = c.u.money(c.typed)
	c.typedText.Refresh()
	c.take.Title = lang.L("Take {{.Amount}}", map[string]any{"Amount": c.u.money(c.typed)})
	c.take.SetDisabled(c.busy || c.typed <= 0)
	c.take.Refresh()
	c.u.selling().cashRefresh(c)
}

func (c *cashScreen) onKey(key string) {
	c.u.clearMessage()
	switch key {
	case keyBackspace:
		c.typed /= 10
	case "00":
		if c.typed*100 <= pos.MaxAmount {
			c.typed *= 100
		}
	default:
		if v := c.typed*10 + int64(key[0]-'0'); v <= pos.MaxAmount {
			c.typed = v
		}
	}
	c.refresh()
}

func (c *cashScreen) onExact() {
	c.u.clearMessage()
	c.pay(func(ctx context.Context) (register.Payment, error) { return c.u.reg.TenderExact(ctx) })
}

func (c *cashScreen) onTakeTyped() {
	c.u.clearMessage()
	if c.typed > 0 {
		c.tender(c.typed)
	}
}

func (c *cashScreen) tender(amount int64) {
	c.u.clearMessage()
	c.pay(func(ctx context.Context) (register.Payment, error) { return c.u.reg.TenderCash(ctx, amount) })
}

// pay commits the tender off the UI goroutine: a settled sale is written to
// disk before the change is shown.
func (c *cashScreen) pay(tender func(context.Context) (register.Payment, error)) {
	if c.busy {
		return
	}
	c.busy = true
	c.refresh()
	c.u.refreshUser()
	var p register.Payment
	var err error
	c.u.run(func() {
		p, err = tender(c.u.ctx())
	}, func() {
		c.busy = false
		c.u.refreshUser()
		switch {
		case err != nil:
			c.u.fail("tender cash", err)
			c.refresh()
		case p.Completed != nil:
			c.u.showChange(*p.Completed)
		default: // part paid: ask for the rest
			c.reset()
		}
	})
}

func (c *cashScreen) onBack() {
	c.u.clearMessage()
	if c.busy {
		return
	}
	c.u.reg.CancelPayment()
	c.u.showSale()
}
