package ui

import (
	"errors"
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

// withOverride runs a guarded action. do runs off the UI goroutine, first
// with a nil override; when the register answers register.ErrNeedsOverride,
// a dialog asks for a manager's PIN and a reason and do runs again with them.
// A wrong PIN keeps the dialog open. onDone (may be nil) runs on the UI
// goroutine with do's final error, nil on success; Cancel calls nothing.
//
// Usage from any screen:
//
//	u.withOverride(register.ActionPayout, "Payout 5,00 €", func(ov *register.Override) error {
//		return u.reg.Payout(ctx, amount, reason, ov)
//	}, func(err error) { ... })
func (u *UI) withOverride(action register.Action, detail string, do func(ov *register.Override) error, onDone func(err error)) {
	var err error
	u.run(func() { err = do(nil) }, func() {
		if !errors.Is(err, register.ErrNeedsOverride) {
			if onDone != nil {
				onDone(err)
			}
			return
		}
		u.override = newOverrideDialog(u, action, detail, func(ov register.Override, fail func(error)) {
			var err error
			u.run(func() { err = do(&ov) }, func() {
				if c := pos.ErrorCode(err); c == pos.EUnauthorized || c == pos.EInvalid {
					fail(err) // wrong PIN, locked, not allowed, no reason: correct it in the dialog
					return
				}
				if u.override != nil {
					u.override.close()
				}
				if onDone != nil {
					onDone(err)
				}
			})
		})
		u.override.show()
	})
}

// overrideReason is a one-tap reason: key is the English text (tests and
// the translation files use it), text what the dialog shows and journals.
type overrideReason struct{ key, text string }

// overrideReasons are the usual reasons for an action, in the store's language.
func overrideReasons(a register.Action) []overrideReason {
	switch a {
	case register.ActionPriceOverride:
		return []overrideReason{{"Price on shelf differs", lang.L("Price on shelf differs")}, {"Damaged item", lang.L("Damaged item")}, {"Price match", lang.L("Price match")}}
	case register.ActionDiscountOverLimit:
		return []overrideReason{{"Loyal customer", lang.L("Loyal customer")}, {"Damaged item", lang.L("Damaged item")}, {"Manager's offer", lang.L("Manager's offer")}}
	case register.ActionVoidSale:
		return []overrideReason{{"Wrong items rung up", lang.L("Wrong items rung up")}, {"Customer changed mind", lang.L("Customer changed mind")}, {"Wrong tender", lang.L("Wrong tender")}}
	case register.ActionRefund:
		return []overrideReason{{"Faulty item", lang.L("Faulty item")}, {"Customer changed mind", lang.L("Customer changed mind")}, {"Wrong item sold", lang.L("Wrong item sold")}}
	case register.ActionBlindReturn:
		return []overrideReason{{"Receipt lost", lang.L("Receipt lost")}, {"Gift without receipt", lang.L("Gift without receipt")}, {"Faulty item", lang.L("Faulty item")}}
	case register.ActionNoSale:
		return []overrideReason{{"Change for customer", lang.L("Change for customer")}, {"Wrong change given", lang.L("Wrong change given")}, {"Check drawer", lang.L("Check drawer")}}
	case register.ActionPayout:
		return []overrideReason{{"Supplier delivery", lang.L("Supplier delivery")}, {"Cleaning supplies", lang.L("Cleaning supplies")}, {"Petty cash", lang.L("Petty cash")}}
	case register.ActionZReport:
		return []overrideReason{{"End of day", lang.L("End of day")}, {"Change of shift", lang.L("Change of shift")}, {"Cashier absent", lang.L("Cashier absent")}}
	}
	return nil
}

// actionName is the guarded action as a manager reads it on the dialog.
func actionName(a register.Action) string {
	switch a {
	case register.ActionPriceOverride:
		return lang.L("Price override")
	case register.ActionDiscountOverLimit:
		return lang.L("Discount beyond the limit")
	case register.ActionVoidSale:
		return lang.L("Void a completed sale")
	case register.ActionRefund:
		return lang.L("Refund")
	case register.ActionBlindReturn:
		return lang.L("Return without receipt")
	case register.ActionNoSale:
		return lang.L("Open the drawer (no sale)")
	case register.ActionPayout:
		return lang.L("Cash payout")
	case register.ActionZReport:
		return lang.L("Z report (close the shift)")
	}
	return string(a)
}

// overrideDialog asks for an approving employee's PIN and a reason.
type overrideDialog struct {
	u      *UI
	popup  *widget.PopUp
	pin    string
	reason string

	dots    *canvas.Text
	errText *canvas.Text
	reasons map[string]*tile // the one-tap reasons, by their (untranslated) key
	texts   map[string]string
	other   *widget.Entry // a typed reason
	pad     *keypad
	ok      *tile
	cancel  *tile
	busy    bool

	onApprove func(ov register.Override, fail func(error))
}

func newOverrideDialog(u *UI, action register.Action, detail string, onApprove func(register.Override, func(error))) *overrideDialog {
	d := &overrideDialog{u: u, onApprove: onApprove, reasons: map[string]*tile{}, texts: map[string]string{}}
	title := label(lang.L("Manager approval"), 28, colInk, true)
	what := label(actionName(action), sizeRow, colInk, true)
	det := label(detail, sizeDetail, colInkSoft, false)
	d.errText = label("", sizeDetail, colError, true)

	var reasonTiles []fyne.CanvasObject
	for _, r := range overrideReasons(action) {
		t := newTile(r.text, "", colPanel, func() { d.pickReason(r.key) })
		t.Center, t.MinHeight, t.Outline, t.TitleSize = true, 56, colLine, 17
		d.reasons[r.key] = t
		d.texts[r.key] = r.text
		reasonTiles = append(reasonTiles, t)
	}
	d.other = widget.NewEntry()
	d.other.SetPlaceHolder(lang.L("Or type a reason"))
	d.other.OnChanged = func(s string) {
		if strings.TrimSpace(s) != "" {
			d.reason = ""
			d.markReasons()
		}
		d.update()
	}
	left := container.NewVBox(title, what, det, label(lang.L("Reason"), sizeRow, colInk, true),
		container.NewGridWithColumns(1, reasonTiles...), d.other, d.errText)

	d.dots = label("", 40, colInk, true)
	d.dots.Alignment = fyne.TextAlignCenter
	d.pad = newKeypad("", d.onKey)
	d.cancel = newTile(lang.L("Cancel"), "", colPanel, d.close)
	d.cancel.Center, d.cancel.MinHeight, d.cancel.Outline = true, 64, colLine
	d.ok = newTile(lang.L("Approve"), "", colGreen, d.onOK)
	d.ok.Center, d.ok.MinHeight = true, 64
	disp := container.NewStack(canvas.NewRectangle(colBackdrop),
		container.New(layout.NewCustomPaddedLayout(6, 6, 14, 14), container.NewVBox(
			label(lang.L("Manager PIN"), sizeDetail, colInkSoft, false), d.dots)))
	right := container.NewVBox(disp, d.pad.content, container.NewGridWithColumns(2, d.cancel, d.ok))

	body := container.New(&ratio{frac: 0.5, gap: 24}, left, right)
	box := container.NewGridWrap(fyne.NewSize(760, max(left.MinSize().Height, right.MinSize().Height)), body)
	d.popup = widget.NewModalPopUp(container.NewPadded(box), u.win.Canvas())
	d.update()
	return d
}

func (d *overrideDialog) onKey(key string) {
	switch {
	case key == keyBackspace:
		if d.pin != "" {
			d.pin = d.pin[:len(d.pin)-1]
		}
	case len(d.pin) < 6:
		d.pin += key
	}
	d.errText.Text = ""
	d.errText.Refresh()
	d.update()
}

func (d *overrideDialog) pickReason(r string) {
	d.reason = r
	d.other.SetText("")
	d.markReasons()
	d.update()
}

func (d *overrideDialog) markReasons() {
	for key, t := range d.reasons {
		if key == d.reason {
			t.Fill, t.Outline = colSelected, colBlue
		} else {
			t.Fill, t.Outline = colPanel, colLine
		}
		t.Refresh()
	}
}

// reasonText is the chosen reason as journaled: a chosen reason in the
// register's language, or what was typed.
func (d *overrideDialog) reasonText() string {
	if typed := strings.TrimSpace(d.other.Text); typed != "" {
		return typed
	}
	if d.reason != "" {
		return d.texts[d.reason]
	}
	return ""
}

func (d *overrideDialog) update() {
	d.dots.Text = strings.Repeat("●", len(d.pin))
	if d.pin == "" {
		d.dots.Text = " "
	}
	d.dots.Refresh()
	d.ok.SetDisabled(d.busy || len(d.pin) < 4 || len([]rune(d.reasonText())) < 3)
}

func (d *overrideDialog) onOK() {
	if d.busy {
		return
	}
	d.busy = true
	d.update()
	d.onApprove(register.Override{PIN: d.pin, Reason: d.reasonText()}, func(err error) {
		d.busy = false
		d.pin = ""
		d.errText.Text = errText(err)
		d.errText.Refresh()
		d.update()
	})
}

func (d *overrideDialog) show() { d.popup.Show(); d.u.win.Canvas().Focus(nil) }

func (d *overrideDialog) close() {
	d.popup.Hide()
	if d.u.override == d {
		d.u.override = nil
	}
}
