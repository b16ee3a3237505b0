package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// blindReturnScreen takes goods back without a receipt: products scanned or
// found by search, how many of each and whether they go back on the shelf,
// refunded at today's price in cash. It needs a manager (ActionBlindReturn).
type blindReturnScreen struct {
	u       *UI
	content fyne.CanvasObject

	items []blindItem
	rows  []*returnRow

	hint   *canvas.Text
	list   *fyne.Container
	add    *tile
	refund *tile
}

type blindItem struct {
	p       pos.Product
	qty     pos.Qty
	restock bool
}

func newBlindReturnScreen(u *UI) *blindReturnScreen {
	b := &blindReturnScreen{u: u}
	back := newTile(lang.L("← Back to sale"), "", colPanel, u.showSale)
	back.Center, back.MinHeight, back.Outline = true, 60, colLine
	title := label(lang.L("Return without receipt"), 26, colInk, true)
	b.hint = label("", sizeDetail, colInkSoft, false)
	top := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(260, 60), back), nil,
		container.New(layout.NewCustomPaddedLayout(0, 0, 20, 0), container.NewVBox(layout.NewSpacer(), title, b.hint, layout.NewSpacer())))
	b.list = container.New(layout.NewCustomPaddedVBoxLayout(6))
	b.add = newTile(lang.L("Find product"), "F2", colPanel, b.onAdd)
	b.add.Center, b.add.MinHeight, b.add.Outline = true, 88, colLine
	b.refund = newTile(lang.L("Refund"), "", colGreen, b.onRefund)
	b.refund.Center, b.refund.MinHeight, b.refund.TitleSize = true, 88, 30
	bottom := container.New(&ratio{frac: 0.35, gap: 10}, b.add, b.refund)
	b.content = container.New(layout.NewCustomPaddedLayout(10, 10, 10, 10),
		container.NewBorder(top, bottom, nil, nil, container.NewVScroll(b.list)))
	return b
}

// openBlindReturn starts an empty return without a receipt.
func (x *selling) openBlindReturn() {
	x.closeDialogs()
	if s, _ := x.u.reg.Sale(); len(s.Lines) > 0 {
		x.u.warn(lang.L("Park or finish the open sale first."))
		return
	}
	b := x.blind
	b.items = nil
	b.build()
	x.u.show(b.content)
}

func (b *blindReturnScreen) onAdd() {
	b.u.selling().showSearchFor(func(p pos.Product) {
		b.u.show(b.content)
		b.addProduct(p)
	}, func() { b.u.show(b.content) })
}

// onScan takes a scanned product back (the scanner works on this screen).
func (b *blindReturnScreen) onScan(code string) {
	var p pos.Product
	var err error
	b.u.run(func() { p, err = b.u.reg.ProductForCode(b.u.ctx(), code) }, func() {
		if err != nil {
			b.u.log.Info("blind return scan", "code", code, "err", err)
			b.u.warn(errText(err))
			return
		}
		b.addProduct(p)
	})
}

// addProduct adds one piece (a weighed product: one kg) or one more of a
// product already listed.
func (b *blindReturnScreen) addProduct(p pos.Product) {
	for i := range b.items {
		if b.items[i].p.ID == p.ID {
			b.step(i, +1)
			return
		}
	}
	b.items = append(b.items, blindItem{p: p, qty: pos.QtyOne, restock: true})
	b.build()
}

func (b *blindReturnScreen) build() {
	b.rows = nil
	var objs []fyne.CanvasObject
	for i, it := range b.items {
		row := &returnRow{}
		name := label(it.p.Name, sizeRow, colInk, true)
		price := b.u.money(it.p.Price)
		if it.p.SoldByWeight {
			price += " /kg"
		}
		info := label(lang.L("Today's price {{.Price}}", map[string]any{"Price": price}), sizeDetail, colInkSoft, false)
		objs = append(objs, row.build(name, info, func(dir int) { b.step(i, dir) },
			func() { b.items[i].restock = !b.items[i].restock; b.refresh() }))
		b.rows = append(b.rows, row)
	}
	b.list.Objects = objs
	b.list.Refresh()
	b.refresh()
}

// step changes an item by one piece (or kg); at zero it leaves the list.
func (b *blindReturnScreen) step(i, dir int) {
	b.items[i].qty += pos.Qty(dir) * pos.QtyOne
	if b.items[i].qty <= 0 {
		b.items = append(b.items[:i], b.items[i+1:]...)
		b.build()
		return
	}
	b.items[i].qty = min(b.items[i].qty, 999*pos.QtyOne)
	b.refresh()
}

func (b *blindReturnScreen) refresh() {
	var sum int64
	for i, row := range b.rows {
		it := b.items[i]
		q := formatQty(it.qty, b.u.sale.decimalSep())
		if it.p.SoldByWeight {
			q += " kg"
		} else if it.qty%pos.QtyOne == 0 {
			q = itoa(int64(it.qty / pos.QtyOne))
		}
		row.qty.Text = q
		row.qty.Refresh()
		if it.restock {
			row.restock.Fill, row.restock.Title = colSelected, "✓ "+lang.L("Restock")
		} else {
			row.restock.Fill, row.restock.Title = colPanel, lang.L("Restock")
		}
		row.restock.Refresh()
		if a, err := pos.LineAmount(it.p.Price, it.qty); err == nil {
			sum += a
		}
	}
	if len(b.items) == 0 {
		b.hint.Text = lang.L("Scan the goods or tap Find product. Refunded in cash at today's price; a manager approves.")
		b.refund.Title = lang.L("Refund")
	} else {
		b.hint.Text = lang.L("Refunded in cash at today's price; a manager approves.")
		b.refund.Title = lang.L("Refund {{.Amount}}", map[string]any{"Amount": b.u.money(sum)})
	}
	b.hint.Refresh()
	b.refund.SetDisabled(len(b.items) == 0)
	b.refund.Refresh()
}

func (b *blindReturnScreen) onRefund() {
	items := make([]register.BlindItem, len(b.items))
	for i, it := range b.items {
		items[i] = register.BlindItem{ProductID: it.p.ID, Qty: it.qty, Restock: it.restock}
	}
	x := b.u.selling()
	detail := lang.N("{{.N}} items without receipt", len(items), map[string]any{"N": len(items)})
	b.u.withOverride(register.ActionBlindReturn, detail, func(ov *register.Override) error {
		return b.u.reg.StartBlindReturn(b.u.ctx(), items, ov)
	}, func(err error) {
		if err != nil {
			b.u.fail("blind return", err)
			return
		}
		x.refundKinds = []pos.TenderKind{pos.TenderCash} // no receipt: no card to refund to
		b.u.sale.selected = -1
		b.u.showCash()
	})
}
