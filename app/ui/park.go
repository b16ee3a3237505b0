package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/register"
)

// parkScreen lists the parked sales, oldest first: time, cashier, the
// customer or note, total. A tap resumes one.
type parkScreen struct {
	u       *UI
	content fyne.CanvasObject
	list    *fyne.Container
	rows    []*tile
	title   *canvas.Text
}

func newParkScreen(u *UI) *parkScreen {
	p := &parkScreen{u: u}
	back := newTile(lang.L("← Back to sale"), "", colPanel, u.showSale)
	back.Center, back.MinHeight, back.Outline = true, 60, colLine
	p.title = label(lang.L("Parked sales"), 28, colInk, true)
	top := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(260, 60), back), nil,
		container.New(layout.NewCustomPaddedLayout(0, 0, 20, 0), container.NewVBox(layout.NewSpacer(), p.title, layout.NewSpacer())))
	p.list = container.NewGridWithColumns(2)
	p.content = container.New(layout.NewCustomPaddedLayout(10, 10, 10, 10),
		container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewVBox(p.list))))
	return p
}

func (x *selling) showParked() {
	x.closeDialogs()
	x.u.clearMessage()
	p := x.parked
	var ps []register.ParkedSale
	var err error
	x.u.run(func() { ps, err = x.u.reg.ParkedSales(x.u.ctx()) }, func() {
		if err != nil {
			x.u.fail("parked sales", err)
			return
		}
		p.rows = p.rows[:0]
		var objs []fyne.CanvasObject
		for _, ps := range ps {
			title := x.u.dateTime(ps.ParkedAt) + "   " + x.u.money(ps.Gross)
			sub := itemCount(ps.Items)
			if ps.Cashier != "" {
				sub += "  ·  " + ps.Cashier
			}
			if ps.Label != "" {
				sub += "  ·  " + ps.Label
			}
			t := newTile(title, sub, colPanel, func() { x.resume(ps.ID) })
			t.MinHeight, t.Outline, t.TitleSize = 88, colLine, sizeRow
			p.rows = append(p.rows, t)
			objs = append(objs, t)
		}
		p.list.Objects = objs
		p.list.Refresh()
		x.u.show(p.content)
	})
}

func (x *selling) resume(id string) {
	var err error
	x.u.run(func() { err = x.u.reg.Resume(x.u.ctx(), id) }, func() {
		if err != nil {
			x.u.fail("resume", err)
			return
		}
		x.u.sale.selected = -1
		x.u.showSale()
	})
}
