package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/register"
)

// countScreen counts a drawer by denomination: tap a note or coin, type how
// many on the keypad. It opens a shift (the float) and closes one (the
// blind count for the Z report: the expected amount is not shown).
type countScreen struct {
	u       *UI
	content fyne.CanvasObject

	values []int64
	counts map[int64]int64
	rows   map[int64]*tile
	sel    int64
	typed  bool // the selected row's count was typed since it was chosen
	title  *canvas.Text
	hint   *widget.Label
	total  *canvas.Text
	pad    *keypad
	done   *tile
	back   *tile
	onDone func(counts []register.DenomCount)
}

func newCountScreen(u *UI) *countScreen {
	c := &countScreen{u: u, values: register.Denominations(u.cur), counts: map[int64]int64{}, rows: map[int64]*tile{}}
	var notes, coins []fyne.CanvasObject
	for _, v := range c.values {
		t := newTile(u.money(v), "", colPanel, func() { c.choose(v) })
		t.Center, t.MinHeight, t.Outline, t.TitleSize, t.SubSize = true, 52, colLine, 18, 16
		c.rows[v] = t
		if v >= 500 {
			notes = append(notes, t)
		} else {
			coins = append(coins, t)
		}
	}
	grid := container.NewGridWithColumns(2,
		container.NewVBox(append([]fyne.CanvasObject{label(lang.L("Notes"), sizeRow, colInkSoft, true)}, notes...)...),
		container.NewVBox(append([]fyne.CanvasObject{label(lang.L("Coins"), sizeRow, colInkSoft, true)}, coins...)...))
	c.title = label("", 24, colInk, true)
	c.hint = widget.NewLabel("")
	c.hint.Wrapping = fyne.TextWrapWord
	c.back = newTile(lang.L("Cancel"), "", colPanel, func() { u.showSale() })
	c.back.Center, c.back.MinHeight, c.back.Outline = true, 56, colLine
	left := container.NewBorder(container.NewVBox(c.title, c.hint), c.back, nil, nil, container.NewVScroll(grid))

	c.total = label("", 44, colInk, true)
	c.total.Alignment = fyne.TextAlignTrailing
	disp := container.NewStack(canvas.NewRectangle(colPanel),
		container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), container.NewVBox(label(lang.L("Counted"), sizeRow, colInkSoft, true), c.total)))
	c.pad = newKeypad("", c.onKey)
	for _, k := range c.pad.keys {
		k.MinHeight = 76
	}
	c.done = newTile("", "", colGreen, c.onOK)
	c.done.Center, c.done.MinHeight, c.done.TitleSize = true, 84, 26
	right := container.NewBorder(disp, c.done, nil, nil, c.pad.content)
	c.content = container.New(&ratio{frac: 0.55, gap: 24, pad: 16}, left, right)
	return c
}

// start shows an empty count with a title and the finishing button's text.
func (c *countScreen) start(title, hint, doneText string, onDone func([]register.DenomCount)) {
	c.counts = map[int64]int64{}
	c.sel, c.typed = c.values[0], false
	c.title.Text, c.done.Title = title, doneText
	c.hint.SetText(hint)
	c.onDone = onDone
	c.refresh()
	c.u.show(c.content)
}

func (c *countScreen) choose(v int64) {
	c.sel, c.typed = v, false
	c.refresh()
}

func (c *countScreen) onKey(key string) {
	n := c.counts[c.sel]
	s := strconv.FormatInt(n, 10)
	if !c.typed {
		s = "" // the first key replaces the count
	}
	switch {
	case key == keyBackspace:
		if len(s) > 0 {
			s = s[:len(s)-1]
		}
	case len(s) < 5:
		s += key
	}
	n, _ = strconv.ParseInt(s, 10, 64)
	c.counts[c.sel], c.typed = n, true
	c.refresh()
}

func (c *countScreen) list() []register.DenomCount {
	var out []register.DenomCount
	for _, v := range c.values {
		if n := c.counts[v]; n > 0 {
			out = append(out, register.DenomCount{Value: v, Count: n})
		}
	}
	return out
}

func (c *countScreen) refresh() {
	for _, v := range c.values {
		t := c.rows[v]
		n := c.counts[v]
		t.Sub = ""
		if n > 0 {
			t.Sub = fmt.Sprintf("× %d = %s", n, c.u.money(n*v))
		}
		switch {
		case v == c.sel:
			t.Fill, t.Outline = colSelected, colBlue
		case n > 0:
			t.Fill, t.Outline = colKey, colLine
		default:
			t.Fill, t.Outline = colPanel, colLine
		}
		t.Refresh()
	}
	sum, err := register.CountTotal(c.list())
	if err != nil {
		sum = 0
	}
	c.total.Text = c.u.money(sum)
	c.total.Refresh()
	c.title.Refresh()
	c.done.Refresh()
}

func (c *countScreen) onOK() {
	if c.onDone != nil {
		c.onDone(c.list())
	}
}

// showOpenShift counts the float and opens a shift.
func (u *UI) showOpenShift() {
	u.count.start(lang.L("Open the shift"), lang.L("Count the float: tap a note or coin, type how many."),
		lang.L("Open shift"), func(counts []register.DenomCount) {
			var err error
			u.run(func() { _, err = u.reg.StartShift(u.ctx(), counts) }, func() {
				if err != nil {
					u.fail("open shift", err)
					return
				}
				u.info(lang.L("Shift open"))
				u.showSale()
			})
		})
}
