package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/pos"
)

// changeScreen shows the change to hand back. One tap anywhere, or the next
// scan, starts the next sale.
type changeScreen struct {
	u       *UI
	content fyne.CanvasObject

	title, change, paid, receipt *canvas.Text
	reprint, next                *tile
	layer                        *tapLayer

	rec pos.SaleRecord
}

func newChangeScreen(u *UI) *changeScreen {
	c := &changeScreen{u: u}
	c.title = label(lang.L("Change"), 36, colInkSoft, true)
	c.title.Alignment = fyne.TextAlignCenter
	c.change = label("", sizeChange, colGreen, true)
	c.change.Alignment = fyne.TextAlignCenter
	c.paid = label("", 26, colInk, false)
	c.paid.Alignment = fyne.TextAlignCenter
	c.receipt = label("", sizeDetail, colInkSoft, false)
	c.receipt.Alignment = fyne.TextAlignCenter
	hint := label(lang.L("Tap anywhere or scan the next item to start a new sale"), sizeRow, colInkSoft, false)
	hint.Alignment = fyne.TextAlignCenter

	c.reprint = newTile(lang.L("Reprint receipt"), "", colPanel, c.onReprint)
	c.reprint.Center, c.reprint.MinHeight, c.reprint.Outline = true, 80, colLine
	c.next = newTile(lang.L("New sale"), "", colGreen, c.onNewSale)
	c.next.Center, c.next.MinHeight, c.next.TitleSize = true, 80, 30
	buttons := container.NewGridWrap(fyne.NewSize(640, 80), container.NewGridWithColumns(2, c.reprint, c.next))

	c.layer = newTapLayer(c.onNewSale)
	c.content = container.NewStack(c.layer, container.NewVBox(
		layout.NewSpacer(), c.title, c.change, c.paid, c.receipt, layout.NewSpacer(),
		container.NewCenter(buttons), hint, layout.NewSpacer()))
	return c
}

func (u *UI) showChange(rec pos.SaleRecord) {
	c := u.change
	c.rec = rec
	// Cash: the change to hand back, even when it is none. Card or voucher
	// only: "Change 0.00" would puzzle the cashier, so say it is paid.
	c.title.Text, c.change.Text = lang.L("Change"), u.money(rec.Totals.Change)
	if cash := slices.ContainsFunc(rec.Tenders, func(t pos.Tender) bool { return t.Kind == pos.TenderCash }); !cash && rec.Totals.Change == 0 {
		c.title.Text, c.change.Text = lang.L("Paid"), u.money(rec.Totals.Paid)
		if rec.Totals.Gross < 0 {
			c.title.Text, c.change.Text = lang.L("Refunded"), u.money(-rec.Totals.Paid)
		}
	}
	c.title.Refresh()
	c.change.Refresh()
	c.paid.Text = lang.L("Total {{.Amount}}", map[string]any{"Amount": u.money(rec.Totals.Gross)}) + "   ·   " +
		lang.L("Paid {{.Amount}}", map[string]any{"Amount": u.money(rec.Totals.Paid)})
	c.paid.Refresh()
	c.receipt.Text = lang.L("Receipt {{.No}}", map[string]any{"No": rec.ReceiptNo})
	c.receipt.Refresh()
	u.sale.selected = -1
	u.show(c.content)
	u.RefreshStatus()
}

func (c *changeScreen) onNewSale() {
	c.u.clearMessage()
	c.u.showSale()
}

func (c *changeScreen) onReprint() {
	c.u.clearMessage()
	id := c.rec.SaleID
	var err error
	c.u.run(func() {
		err = c.u.reg.Reprint(c.u.ctx(), id)
	}, func() {
		if err != nil {
			c.u.fail("reprint", err)
			return
		}
		c.u.info(lang.L("Receipt copy sent to the printer"))
		c.u.RefreshStatus()
	})
}

// tapLayer fills its space with the backdrop and reports taps that no
// button above it took.
type tapLayer struct {
	widget.BaseWidget
	onTap func()
}

func newTapLayer(onTap func()) *tapLayer {
	t := &tapLayer{onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped starts the next sale.
func (t *tapLayer) Tapped(*fyne.PointEvent) { t.onTap() }

func (t *tapLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(colBackdrop))
}
