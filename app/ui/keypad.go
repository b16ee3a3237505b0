package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

const keyBackspace = "⌫"

// keypad is a 3×4 grid of digit keys, at least 64 units tall each. extra is
// the bottom-left key: "00" for money, "," for a weight, "" for none.
type keypad struct {
	keys    map[string]*tile
	content fyne.CanvasObject
}

func newKeypad(extra string, onKey func(key string)) *keypad {
	k := &keypad{keys: map[string]*tile{}}
	var objs []fyne.CanvasObject
	for _, key := range []string{"7", "8", "9", "4", "5", "6", "1", "2", "3", extra, "0", keyBackspace} {
		if key == "" {
			objs = append(objs, layout.NewSpacer())
			continue
		}
		t := newTile(key, "", colKey, func() { onKey(key) })
		t.TitleSize, t.Center, t.MinHeight, t.Outline = 30, true, 68, colLine
		k.keys[key] = t
		objs = append(objs, t)
	}
	k.content = container.NewGridWithColumns(3, objs...)
	return k
}

// entryDialog asks for a number on a keypad in a modal box: a weight for a
// weighed product, a barcode typed by hand.
type entryDialog struct {
	buf     string
	display *canvas.Text
	hint    *canvas.Text
	ok      *tile
	pad     *keypad
	popup   *widget.PopUp

	format func(buf string) string // what the display shows for the typed text
	valid  func(buf string) bool
	onOK   func(buf string)
}

func newEntryDialog(c fyne.Canvas, title, hint, extraKey, okText string, maxLen int,
	format func(string) string, valid func(string) bool, onOK func(string),
) *entryDialog {
	d := &entryDialog{format: format, valid: valid, onOK: onOK}
	d.display = label("", 40, colInk, true)
	d.display.Alignment = fyne.TextAlignTrailing
	d.hint = label(hint, sizeDetail, colInkSoft, false)
	d.pad = newKeypad(extraKey, func(key string) {
		switch {
		case key == keyBackspace:
			if d.buf != "" {
				r := []rune(d.buf)
				d.buf = string(r[:len(r)-1])
			}
		case len(d.buf) < maxLen:
			d.buf += key
		}
		d.update()
	})
	cancel := newTile(lang.L("Cancel"), "", colPanel, d.close)
	cancel.Center, cancel.MinHeight, cancel.Outline = true, 64, colLine
	d.ok = newTile(okText, "", colGreen, func() {
		if d.valid(d.buf) {
			d.close()
			d.onOK(d.buf)
		}
	})
	d.ok.Center, d.ok.MinHeight = true, 64
	disp := container.NewStack(canvas.NewRectangle(colBackdrop),
		container.New(layout.NewCustomPaddedLayout(6, 6, 14, 14), d.display))
	body := container.NewVBox(label(title, 24, colInk, true), d.hint, disp,
		d.pad.content, container.NewGridWithColumns(2, cancel, d.ok))
	box := container.NewGridWrap(fyne.NewSize(380, body.MinSize().Height), body)
	d.popup = widget.NewModalPopUp(container.NewPadded(box), c)
	d.update()
	return d
}

func (d *entryDialog) update() {
	d.display.Text = d.format(d.buf)
	d.display.Refresh()
	d.ok.SetDisabled(!d.valid(d.buf))
}

func (d *entryDialog) show()  { d.popup.Show() }
func (d *entryDialog) close() { d.popup.Hide() }
