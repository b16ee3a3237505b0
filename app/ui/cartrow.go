package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// cartRow is one line of the cart: name and "qty × price" on the left, the
// line amount on the right, tap to select.
type cartRow struct {
	widget.BaseWidget

	name, detail, amount string
	selected             bool
	onTap                func()
}

func newCartRow(onTap func()) *cartRow {
	r := &cartRow{onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

func (c *cartRow) set(name, detail, amount string, selected bool) {
	c.name, c.detail, c.amount, c.selected = name, detail, amount, selected
	c.Refresh()
}

// Tapped selects the row.
func (c *cartRow) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

func (c *cartRow) CreateRenderer() fyne.WidgetRenderer {
	r := &cartRowRenderer{c: c,
		bg:     canvas.NewRectangle(colPanel),
		mark:   canvas.NewRectangle(colBlue),
		name:   canvas.NewText("", colInk),
		detail: canvas.NewText("", colInkSoft),
		amount: canvas.NewText("", colInk),
		rule:   canvas.NewRectangle(colLine),
	}
	r.name.TextStyle.Bold, r.amount.TextStyle.Bold = true, true
	r.name.TextSize, r.amount.TextSize, r.detail.TextSize = sizeRow, sizeRow, sizeDetail
	r.amount.Alignment = fyne.TextAlignTrailing
	return r
}

type cartRowRenderer struct {
	c                    *cartRow
	bg, mark, rule       *canvas.Rectangle
	name, detail, amount *canvas.Text
}

const cartRowHeight = 68

func (r *cartRowRenderer) Destroy() {}
func (r *cartRowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.mark, r.name, r.detail, r.amount, r.rule}
}
func (r *cartRowRenderer) MinSize() fyne.Size { return fyne.NewSize(200, cartRowHeight) }

func (r *cartRowRenderer) Layout(size fyne.Size) {
	const pad = 14
	r.bg.Resize(size)
	r.mark.Resize(fyne.NewSize(6, size.Height))
	r.mark.Hidden = !r.c.selected
	r.rule.Move(fyne.NewPos(0, size.Height-1))
	r.rule.Resize(fyne.NewSize(size.Width, 1))

	r.bg.FillColor = colPanel
	if r.c.selected {
		r.bg.FillColor = colSelected
	}
	r.amount.Text = r.c.amount
	aw := fyne.MeasureText(r.amount.Text, sizeRow, r.amount.TextStyle).Width
	nameH := fyne.MeasureText("Ag", sizeRow, r.name.TextStyle).Height
	detH := fyne.MeasureText("Ag", sizeDetail, r.detail.TextStyle).Height
	textW := size.Width - aw - 3*pad
	r.name.Text = ellipsize(r.c.name, textW, sizeRow, r.name.TextStyle)
	r.detail.Text = ellipsize(r.c.detail, textW, sizeDetail, r.detail.TextStyle)
	top := (size.Height - nameH - detH) / 2
	r.name.Move(fyne.NewPos(pad+4, top))
	r.name.Resize(fyne.NewSize(textW, nameH))
	r.detail.Move(fyne.NewPos(pad+4, top+nameH))
	r.detail.Resize(fyne.NewSize(textW, detH))
	r.amount.Move(fyne.NewPos(size.Width-pad-aw, top))
	r.amount.Resize(fyne.NewSize(aw, nameH))
}

func (r *cartRowRenderer) Refresh() {
	r.Layout(r.c.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

// label makes a canvas.Text of a size and colour.
func label(s string, size float32, c color.Color, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize, t.TextStyle.Bold = size, bold
	return t
}
