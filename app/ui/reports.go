package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// reportScreen shows an X or Z report: takings by tender and tax rate on
// the left, the drawer (expected, counted, over/short) on the right.
type reportScreen struct {
	u       *UI
	content fyne.CanvasObject

	title     *canvas.Text
	sub       *canvas.Text
	figures   *fyne.Container
	drawer    *fyne.Container
	overShort *canvas.Text
	osBox     *canvas.Rectangle
	done      *tile
	rep       register.ShiftReport
}

func newReportScreen(u *UI) *reportScreen {
	r := &reportScreen{u: u}
	r.title = label("", 30, colInk, true)
	r.sub = label("", sizeDetail, colInkSoft, false)
	r.figures = container.NewVBox()
	r.drawer = container.NewVBox()
	r.overShort = label("", 40, colInk, true)
	r.overShort.Alignment = fyne.TextAlignCenter
	r.osBox = canvas.NewRectangle(colPanel)
	r.done = newTile(lang.L("Done"), "", colGreen, r.onDone)
	r.done.Center, r.done.MinHeight, r.done.TitleSize = true, 84, 28
	left := container.NewBorder(container.NewVBox(r.title, r.sub), nil, nil, nil,
		container.NewStack(canvas.NewRectangle(colPanel), container.NewVScroll(
			container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), r.figures))))
	osPanel := container.NewStack(r.osBox, container.New(layout.NewCustomPaddedLayout(12, 12, 12, 12), r.overShort))
	right := container.NewBorder(nil, r.done, nil, nil, container.NewVBox(
		container.NewStack(canvas.NewRectangle(colPanel), container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), r.drawer)),
		osPanel))
	r.content = container.New(&ratio{frac: 0.55, gap: 24, pad: 16}, left, right)
	return r
}

func (r *reportScreen) row(box *fyne.Container, left, right string, bold bool, ink color.Color) {
	l := label(left, sizeRow, ink, bold)
	v := label(right, sizeRow, ink, bold)
	v.Alignment = fyne.TextAlignTrailing
	box.Add(container.NewBorder(nil, nil, l, v))
}

func tenderName(k pos.TenderKind) string {
	switch k {
	case pos.TenderCash:
		return lang.L("Cash")
	case pos.TenderCard:
		return lang.L("Card")
	case pos.TenderVoucher:
		return lang.L("Voucher")
	}
	return string(k)
}

func (r *reportScreen) show(rep register.ShiftReport) {
	u := r.u
	r.rep = rep
	if rep.Z {
		r.title.Text = lang.L("Z report: shift closed")
		r.sub.Text = lang.L("Opened {{.Opened}} by {{.By}} · closed {{.Closed}} by {{.ClosedBy}}",
			map[string]any{"Opened": u.dateTime(rep.Opened), "By": rep.OpenedBy, "Closed": u.dateTime(rep.Closed), "ClosedBy": rep.ClosedBy})
	} else {
		r.title.Text = lang.L("X report: shift so far")
		r.sub.Text = lang.L("Opened {{.Opened}} by {{.By}}", map[string]any{"Opened": u.dateTime(rep.Opened), "By": rep.OpenedBy})
	}
	r.title.Refresh()
	r.sub.Refresh()

	f := r.figures
	f.RemoveAll()
	r.row(f, lang.L("Sales"), fmt.Sprint(rep.Sales), false, colInk)
	if rep.Returns > 0 {
		r.row(f, lang.L("Returns"), fmt.Sprint(rep.Returns), false, colInk)
	}
	if rep.Voids > 0 {
		r.row(f, lang.L("Voids"), fmt.Sprint(rep.Voids), false, colInk)
	}
	r.row(f, lang.L("Total"), u.money(rep.Gross), true, colInk)
	r.row(f, lang.L("Net"), u.money(rep.Net), false, colInkSoft)
	r.row(f, lang.L("Tax"), u.money(rep.Tax), false, colInkSoft)
	f.Add(label(lang.L("By tender"), sizeRow, colInkSoft, true))
	for _, t := range rep.ByTender {
		r.row(f, fmt.Sprintf("%s (%d)", tenderName(t.Kind), t.Count), u.money(t.Amount), false, colInk)
	}
	f.Add(label(lang.L("By tax rate"), sizeRow, colInkSoft, true))
	for _, t := range rep.ByRate {
		r.row(f, lang.L("VAT {{.Rate}} % on {{.Gross}}", map[string]any{"Rate": percent(t.BasisPoints), "Gross": u.money(t.Gross)}), u.money(t.Tax), false, colInk)
	}
	f.Refresh()

	d := r.drawer
	d.RemoveAll()
	d.Add(label(lang.L("Cash drawer"), 24, colInk, true))
	r.row(d, lang.L("Float"), u.money(rep.Float), false, colInk)
	r.row(d, lang.L("Cash sales"), u.money(rep.CashSales), false, colInk)
	r.row(d, lang.L("Drops"), u.money(-rep.Drops), false, colInk)
	r.row(d, lang.L("Payouts"), u.money(-rep.Payouts), false, colInk)
	r.row(d, lang.L("No-sale opens"), fmt.Sprint(rep.NoSales), false, colInk)
	r.row(d, lang.L("Expected in drawer"), u.money(rep.ExpectedCash), true, colInk)
	if rep.Z {
		r.row(d, lang.L("Counted"), u.money(rep.Counted), true, colInk)
	}
	d.Refresh()

	switch {
	case !rep.Z:
		r.overShort.Text = ""
		r.osBox.FillColor = colBackdrop
	case rep.OverShort == 0:
		r.overShort.Text = lang.L("Drawer is exact")
		r.osBox.FillColor = tint(colGreen, 0.7)
	case rep.OverShort > 0:
		r.overShort.Text = lang.L("Over {{.Amount}}", map[string]any{"Amount": u.money(rep.OverShort)})
		r.osBox.FillColor = colWarn
	default:
		r.overShort.Text = lang.L("Short {{.Amount}}", map[string]any{"Amount": u.money(-rep.OverShort)})
		r.osBox.FillColor = tint(colError, 0.6)
	}
	r.overShort.Refresh()
	r.osBox.Refresh()
	u.show(r.content)
}

// onDone: after a Z the register locks for the next shift; after an X it
// goes back to the menu.
func (r *reportScreen) onDone() {
	if !r.rep.Z {
		r.u.showManager()
		return
	}
	var emps []register.Employee
	var err error
	r.u.run(func() { emps, err = r.u.reg.Employees(r.u.ctx()) }, func() {
		if err != nil {
			r.u.log.Error("employees", "err", err)
		}
		if len(emps) > 0 {
			r.u.showLogin()
			return
		}
		r.u.showManager()
	})
}

// percent renders basis points: 1900 → "19", 750 → "7,5" in German.
func percent(bp int64) string {
	if bp%100 == 0 {
		return fmt.Sprint(bp / 100)
	}
	return fmt.Sprintf("%d.%d", bp/100, bp%100/10)
}
