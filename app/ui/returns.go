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

// returnScreen takes goods back against a receipt: per line how many come
// back (never more than sold minus returned before) and whether they go back
// on the shelf; then the refund, to the original tender.
type returnScreen struct {
	u       *UI
	content fyne.CanvasObject

	receipt string
	orig    register.Returnable
	qty     []pos.Qty
	restock []bool

	title  *canvas.Text
	list   *fyne.Container
	rows   []*returnRow
	refund *tile
	void   *tile
}

type returnRow struct {
	plus, minus, restock *tile
	qty                  *canvas.Text
}

func newReturnScreen(u *UI) *returnScreen {
	r := &returnScreen{u: u}
	back := newTile(lang.L("← Back to sale"), "", colPanel, u.showSale)
	back.Center, back.MinHeight, back.Outline = true, 60, colLine
	r.title = label("", 26, colInk, true)
	top := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(260, 60), back), nil,
		container.New(layout.NewCustomPaddedLayout(0, 0, 20, 0), container.NewVBox(layout.NewSpacer(), r.title, layout.NewSpacer())))
	r.list = container.New(layout.NewCustomPaddedVBoxLayout(6))
	r.refund = newTile(lang.L("Refund"), "", colGreen, r.onRefund)
	r.refund.Center, r.refund.MinHeight, r.refund.TitleSize = true, 88, 30
	r.void = newTile(lang.L("Void whole receipt"), "", colPanel, r.onVoid)
	r.void.Center, r.void.MinHeight, r.void.Outline = true, 88, colLine
	bottom := container.New(&ratio{frac: 0.35, gap: 10}, r.void, r.refund)
	r.content = container.New(layout.NewCustomPaddedLayout(10, 10, 10, 10),
		container.NewBorder(top, bottom, nil, nil, container.NewVScroll(r.list)))
	return r
}

func (x *selling) askReceipt() {
	x.text = newTextDialog(x.u, lang.L("Receipt number"), "", lang.L("Find"), 24, func(v string) {
		x.text = nil
		x.openReturn(v)
	})
	x.text.show()
}

// openReturn loads a receipt and shows what can come back.
func (x *selling) openReturn(receiptNo string) {
	x.closeDialogs()
	r := x.ret
	var orig register.Returnable
	var err error
	x.u.run(func() { orig, err = x.u.reg.FindReceipt(x.u.ctx(), receiptNo) }, func() {
		if err != nil {
			x.u.fail("find receipt", err)
			return
		}
		if s, _ := x.u.reg.Sale(); len(s.Lines) > 0 {
			x.u.warn(lang.L("Park or finish the open sale first."))
			return
		}
		r.receipt, r.orig = receiptNo, orig
		r.qty = make([]pos.Qty, len(orig.Record.Lines))
		r.restock = make([]bool, len(orig.Record.Lines))
		for i := range r.restock {
			r.restock[i] = true
		}
		r.build()
		x.u.show(r.content)
	})
}

func (r *returnScreen) build() {
	rec := r.orig.Record
	r.title.Text = lang.L("Return: receipt {{.No}}", map[string]any{"No": rec.ReceiptNo}) + "  ·  " + r.u.dateTime(rec.Completed) +
		"  ·  " + r.u.money(rec.Totals.Gross)
	r.title.Refresh()
	r.rows = nil
	var objs []fyne.CanvasObject
	for i, l := range rec.Lines {
		row := &returnRow{}
		name := label(l.Name, sizeRow, colInk, true)
		info := label(lang.L("Paid {{.Amount}}", map[string]any{"Amount": r.u.money(l.Amount)})+"  ·  "+
			lang.L("{{.N}} can come back", map[string]any{"N": r.qtyText(l.Line, r.orig.Left[i])}), sizeDetail, colInkSoft, false)
		objs = append(objs, row.build(name, info, func(dir int) { r.step(i, dir) },
			func() { r.restock[i] = !r.restock[i]; r.refresh() }))
		r.rows = append(r.rows, row)
	}
	r.list.Objects = objs
	r.list.Refresh()
	r.refresh()
}

// step changes a line's quantity by one piece; a weighed line is all or nothing.
func (r *returnScreen) step(i, dir int) {
	l := r.orig.Record.Lines[i]
	left := r.orig.Left[i]
	q := r.qty[i] + pos.Qty(dir)*pos.QtyOne
	if l.Weighed {
		q = 0
		if dir > 0 {
			q = left
		}
	}
	r.qty[i] = max(0, min(q, left))
	r.refresh()
}

func (r *returnScreen) refresh() {
	var n int
	var sum int64
	for i, row := range r.rows {
		l := r.orig.Record.Lines[i]
		row.qty.Text = r.qtyText(l.Line, r.qty[i])
		row.qty.Refresh()
		row.minus.SetDisabled(r.qty[i] == 0)
		row.plus.SetDisabled(r.qty[i] >= r.orig.Left[i])
		if r.restock[i] {
			row.restock.Fill, row.restock.Title = colSelected, "✓ "+lang.L("Restock")
		} else {
			row.restock.Fill, row.restock.Title = colPanel, lang.L("Restock")
		}
		row.restock.Refresh()
		if r.qty[i] > 0 {
			n++
			if l.Qty != 0 {
				a, _ := pos.ScaleAmount(l.Amount, int64(r.qty[i]), int64(l.Qty))
				sum += a
			}
		}
	}
	r.refund.Title = lang.L("Refund")
	if n > 0 {
		r.refund.Title = lang.L("Refund {{.Amount}}", map[string]any{"Amount": r.u.money(sum)})
	}
	r.refund.SetDisabled(n == 0)
	r.refund.Refresh()
	untouched := !r.orig.Voided
	for i, left := range r.orig.Left {
		if left != r.orig.Record.Lines[i].Qty {
			untouched = false
		}
	}
	r.void.SetDisabled(!untouched)
}

func (r *returnScreen) lines() []register.ReturnLine {
	var out []register.ReturnLine
	for i, q := range r.qty {
		if q > 0 {
			out = append(out, register.ReturnLine{Index: i, Qty: q, Restock: r.restock[i]})
		}
	}
	return out
}

func (r *returnScreen) onRefund() {
	lines, receipt := r.lines(), r.receipt
	x := r.u.selling()
	r.u.withOverride(register.ActionRefund, lang.L("Return: receipt {{.No}}", map[string]any{"No": receipt}), func(ov *register.Override) error {
		if err := r.u.reg.StartReturn(r.u.ctx(), receipt, lines, ov); err != nil {
			return err
		}
		kinds, err := r.u.reg.OriginalTenders(r.u.ctx())
		if err != nil {
			r.u.log.Warn("original tenders", "err", err)
		}
		x.refundKinds = kinds
		return nil
	}, func(err error) {
		if err != nil {
			r.u.fail("return", err)
			return
		}
		r.u.sale.selected = -1
		r.u.showCash() // the refund: Exact gives cash back, Card refunds the card
	})
}

func (r *returnScreen) onVoid() { r.u.selling().voidSale(r.orig.Record) }

func itoa(v int64) string { return pos.FormatPlain(v, 0) }

// qtyText is "2" for pieces, "0,742 kg" for a weighed line.
func (r *returnScreen) qtyText(l pos.Line, q pos.Qty) string {
	if l.Weighed {
		return formatQty(q, r.u.sale.decimalSep()) + " kg"
	}
	if q%pos.QtyOne == 0 {
		return itoa(int64(q / pos.QtyOne))
	}
	return formatQty(q, r.u.sale.decimalSep())
}

// build lays out one return row, the same on the receipt and the blind
// return screens: name and detail on the left; −, quantity, + and the restock
// toggle on the right, each a large tap target.
func (row *returnRow) build(name, info *canvas.Text, step func(dir int), toggleRestock func()) fyne.CanvasObject {
	row.qty = label("", 30, colInk, true)
	row.qty.Alignment = fyne.TextAlignCenter
	row.minus = newTile("−", "", colPanel, func() { step(-1) })
	row.plus = newTile("+", "", colPanel, func() { step(+1) })
	row.restock = newTile(lang.L("Restock"), "", colPanel, toggleRestock)
	for _, t := range []*tile{row.minus, row.plus} {
		t.TitleSize, t.Center, t.MinHeight, t.Outline = 30, true, 64, colLine
	}
	row.restock.Center, row.restock.MinHeight, row.restock.Outline = true, 64, colLine
	controls := container.NewGridWrap(fyne.NewSize(480, 64),
		container.NewGridWithColumns(4, row.minus, container.NewCenter(row.qty), row.plus, row.restock))
	content := container.NewBorder(nil, nil, nil, controls,
		container.New(layout.NewCustomPaddedLayout(0, 0, 12, 0), container.NewVBox(layout.NewSpacer(), name, info, layout.NewSpacer())))
	return container.NewStack(canvas.NewRectangle(colPanel), content)
}
