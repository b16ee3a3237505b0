package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// managerScreen is the menu behind the header's Menu button: the shift and
// its cash (open, drop, payout, no-sale, X, Z), reprints, clock out.
type managerScreen struct {
	u       *UI
	content fyne.CanvasObject

	shiftText                                                         *canvas.Text
	openShift, drop, payout, noSale, xReport, zReport, clockOut, back *tile
	receipts                                                          *fyne.Container
	reprints                                                          map[string]*tile // by entry id
	moveDialog                                                        *cashMoveDialog
	setup                                                             *tile // nil without Options.Setup
}

func newManagerScreen(u *UI) *managerScreen {
	m := &managerScreen{u: u, reprints: map[string]*tile{}}
	mk := func(title string, f func()) *tile {
		t := newTile(title, "", colPanel, f)
		t.Center, t.MinHeight, t.Outline, t.TitleSize = true, 88, colLine, 21
		return t
	}
	m.back = mk(lang.L("← Back to sale"), u.showSale)
	m.openShift = mk(lang.L("Open shift"), u.showOpenShift)
	m.drop = mk(lang.L("Cash drop"), func() { m.askCashMove(register.CashDrop) })
	m.payout = mk(lang.L("Payout"), func() { m.askCashMove(register.CashPayout) })
	m.noSale = mk(lang.L("No sale"), m.onNoSale)
	m.xReport = mk(lang.L("X report"), m.onXReport)
	m.zReport = mk(lang.L("Z report"), m.onZReport)
	m.zReport.Fill = tint(colError, 0.75)
	m.clockOut = mk(lang.L("Clock out"), m.onClockOut)
	m.shiftText = label("", sizeRow, colInk, true)
	tiles := []fyne.CanvasObject{m.openShift, m.drop, m.payout, m.noSale, m.xReport, m.zReport, m.clockOut}
	if u.opts.Setup != nil { // the first-run wizard again (wizard.go)
		m.setup = mk(lang.L("Devices and setup"), u.opts.Setup)
		tiles = append(tiles, m.setup)
	}
	actions := container.NewGridWithColumns(2, append(tiles, m.back)...)
	left := container.NewBorder(container.NewVBox(label(lang.L("Shift and cash"), 28, colInk, true), m.shiftText), nil, nil, nil,
		container.NewVScroll(actions))
	m.receipts = container.NewVBox()
	right := container.NewBorder(label(lang.L("Receipts of this shift"), 24, colInk, true), nil, nil, nil,
		container.NewStack(canvas.NewRectangle(colPanel), container.NewVScroll(m.receipts)))
	m.content = container.New(&ratio{frac: 0.55, gap: 24, pad: 16}, left, right)
	return m
}

// showManager opens the menu with the shift's state and receipts.
func (u *UI) showManager() {
	u.clearMessage()
	u.sale.closeDialog()
	u.manager.refresh()
	u.show(u.manager.content)
}

// refresh reads the shift and its receipts off the UI goroutine, then
// redraws the menu.
func (m *managerScreen) refresh() {
	u := m.u
	var shift register.ShiftOpenRecord
	var open bool
	var refs []register.ReceiptRef
	var err, refsErr error
	u.run(func() {
		shift, _, open, err = u.reg.OpenShift(u.ctx())
		if open {
			refs, refsErr = u.reg.ShiftReceipts(u.ctx())
		}
	}, func() {
		if err != nil {
			u.fail("shift", err)
		}
		m.show(shift, open, refs, refsErr)
	})
}

func (m *managerScreen) show(shift register.ShiftOpenRecord, open bool, refs []register.ReceiptRef, err error) {
	u := m.u
	if open {
		m.shiftText.Text = lang.L("Shift opened {{.When}} by {{.Name}}, float {{.Float}}",
			map[string]any{"When": u.dateTime(shift.At), "Name": shift.OpenedBy, "Float": u.money(shift.Float)})
	} else {
		m.shiftText.Text = lang.L("No shift is open.")
	}
	m.shiftText.Refresh()
	m.openShift.SetDisabled(open)
	for _, t := range []*tile{m.drop, m.payout, m.xReport, m.zReport} {
		t.SetDisabled(!open)
	}
	_, loggedIn := u.reg.Current()
	m.clockOut.SetDisabled(!loggedIn)

	m.receipts.RemoveAll()
	m.reprints = map[string]*tile{}
	if !open {
		return
	}
	if err != nil {
		u.fail("receipts", err)
		return
	}
	for _, r := range refs {
		t := newTile(r.ReceiptNo+"   "+u.money(r.Gross), u.dateTime(r.At)+" · "+r.Cashier+" · "+lang.L("Reprint"), colPanel, func() { m.reprint(r) })
		t.MinHeight, t.Outline, t.TitleSize, t.SubSize = 72, colLine, 19, 15
		m.reprints[r.EntryID] = t
		m.receipts.Add(t)
	}
	if len(refs) == 0 {
		m.receipts.Add(label(lang.L("No receipts yet."), sizeRow, colInkSoft, false))
	}
}

func (m *managerScreen) reprint(r register.ReceiptRef) {
	var err error
	m.u.run(func() { err = m.u.reg.Reprint(m.u.ctx(), r.EntryID) }, func() {
		if err != nil {
			m.u.fail("reprint", err)
			return
		}
		m.u.info(lang.L("Printing a copy of {{.No}}", map[string]any{"No": r.ReceiptNo}))
	})
}

func (m *managerScreen) onNoSale() {
	u := m.u
	u.withOverride(register.ActionNoSale, lang.L("Open the drawer (no sale)"), func(ov *register.Override) error {
		reason := "No sale"
		if ov != nil {
			reason = ov.Reason
		}
		_, err := u.reg.NoSale(u.ctx(), reason, ov)
		return err
	}, func(err error) {
		if err != nil {
			u.fail("no sale", err)
			return
		}
		u.info(lang.L("Drawer open"))
	})
}

func (m *managerScreen) askCashMove(kind register.CashMoveKind) {
	u := m.u
	title, reasons := lang.L("Cash drop"), []overrideReason{{"To the safe", lang.L("To the safe")},
		{"Too much cash in the drawer", lang.L("Too much cash in the drawer")}, {"Bank deposit", lang.L("Bank deposit")}}
	if kind == register.CashPayout {
		title, reasons = lang.L("Payout"), []overrideReason{{"Supplier delivery", lang.L("Supplier delivery")},
			{"Cleaning supplies", lang.L("Cleaning supplies")}, {"Petty cash", lang.L("Petty cash")}}
	}
	m.moveDialog = newCashMoveDialog(u, title, reasons, func(amount int64, reason string) {
		m.moveDialog = nil
		if kind == register.CashDrop {
			var err error
			u.run(func() { _, err = u.reg.CashDrop(u.ctx(), amount, reason) }, func() {
				if err != nil {
					u.fail("cash drop", err)
					return
				}
				u.info(lang.L("Cash drop of {{.Amount}} recorded", map[string]any{"Amount": u.money(amount)}))
				m.refresh()
			})
			return
		}
		u.withOverride(register.ActionPayout, title+" "+u.money(amount)+": "+reason, func(ov *register.Override) error {
			_, err := u.reg.Payout(u.ctx(), amount, reason, ov)
			return err
		}, func(err error) {
			if err != nil {
				u.fail("payout", err)
				return
			}
			u.info(lang.L("Payout of {{.Amount}} recorded", map[string]any{"Amount": u.money(amount)}))
			m.refresh()
		})
	})
	m.moveDialog.popup.Show()
}

func (m *managerScreen) onXReport() {
	u := m.u
	var rep register.ShiftReport
	var err error
	u.run(func() { rep, err = u.reg.PrintXReport(u.ctx()) }, func() {
		if err != nil {
			u.fail("x report", err)
			return
		}
		u.report.show(rep)
	})
}

// onZReport: count the drawer blind first, then close with the count.
func (m *managerScreen) onZReport() {
	u := m.u
	u.count.start(lang.L("Close the shift: count the drawer"),
		lang.L("Count everything in the drawer. The expected amount is shown after the count."),
		lang.L("Close shift"), func(counts []register.DenomCount) {
			var rep register.ShiftReport
			u.withOverride(register.ActionZReport, lang.L("Z report (close the shift)"), func(ov *register.Override) error {
				var err error
				rep, err = u.reg.CloseShift(u.ctx(), counts, ov)
				return err
			}, func(err error) {
				if err != nil {
					u.fail("z report", err)
					return
				}
				u.report.show(rep)
			})
		})
}

func (m *managerScreen) onClockOut() {
	u := m.u
	e, _ := u.reg.Current()
	var err error
	u.run(func() { err = u.reg.ClockOut(u.ctx()) }, func() {
		if err != nil {
			u.fail("clock out", err)
			return
		}
		u.showLogin()
		u.info(lang.L("{{.Name}} clocked out", map[string]any{"Name": e.Name}))
	})
}

// cashMoveDialog asks for an amount on a keypad and a one-tap reason.
type cashMoveDialog struct {
	popup   *widget.PopUp
	amount  int64
	reason  string
	display *canvas.Text
	reasons map[string]*tile
	pad     *keypad
	ok      *tile
	cancel  *tile
}

func newCashMoveDialog(u *UI, title string, reasons []overrideReason, onOK func(amount int64, reason string)) *cashMoveDialog {
	d := &cashMoveDialog{reasons: map[string]*tile{}}
	texts := map[string]string{}
	var tiles []fyne.CanvasObject
	for _, r := range reasons {
		t := newTile(r.text, "", colPanel, func() { d.reason = r.key; d.update(u) })
		t.Center, t.MinHeight, t.Outline, t.TitleSize = true, 64, colLine, 18
		d.reasons[r.key] = t
		texts[r.key] = r.text
		tiles = append(tiles, t)
	}
	d.display = label("", 40, colInk, true)
	d.display.Alignment = fyne.TextAlignTrailing
	d.pad = newKeypad("00", func(key string) {
		s := ""
		if d.amount > 0 {
			s = strings.TrimLeft(pos.FormatPlain(d.amount, 0), "0")
		}
		switch {
		case key == keyBackspace:
			if s != "" {
				s = s[:len(s)-1]
			}
		case len(s) < 9:
			s += key
		}
		d.amount, _ = pos.ParseAmount(s, 0)
		d.update(u)
	})
	d.cancel = newTile(lang.L("Cancel"), "", colPanel, func() { d.popup.Hide() })
	d.cancel.Center, d.cancel.MinHeight, d.cancel.Outline = true, 64, colLine
	d.ok = newTile(lang.L("OK"), "", colGreen, func() {
		d.popup.Hide()
		onOK(d.amount, texts[d.reason])
	})
	d.ok.Center, d.ok.MinHeight = true, 64
	left := container.NewVBox(append([]fyne.CanvasObject{label(title, 28, colInk, true),
		label(lang.L("Reason"), sizeRow, colInk, true)}, tiles...)...)
	disp := container.NewStack(canvas.NewRectangle(colBackdrop),
		container.New(layout.NewCustomPaddedLayout(6, 6, 14, 14), d.display))
	right := container.NewVBox(disp, d.pad.content, container.NewGridWithColumns(2, d.cancel, d.ok))
	body := container.New(&ratio{frac: 0.45, gap: 24}, left, right)
	box := container.NewGridWrap(fyne.NewSize(760, max(left.MinSize().Height, right.MinSize().Height)), body)
	d.popup = widget.NewModalPopUp(container.NewPadded(box), u.win.Canvas())
	d.update(u)
	return d
}

func (d *cashMoveDialog) update(u *UI) {
	d.display.Text = u.money(d.amount)
	d.display.Refresh()
	for r, t := range d.reasons {
		if r == d.reason {
			t.Fill, t.Outline = colSelected, colBlue
		} else {
			t.Fill, t.Outline = colPanel, colLine
		}
		t.Refresh()
	}
	d.ok.SetDisabled(d.amount <= 0 || d.reason == "")
}
