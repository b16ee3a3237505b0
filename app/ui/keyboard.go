package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

const (
	keySpace = "␣"
	keyClear = "✕"
)

// keyboardRows are the letter rows of the on-screen keyboard: QWERTZ with
// umlauts for German, QWERTY otherwise. Digits are on the first row of both.
func keyboardRows(locale string) [][]string {
	if baseLanguage(locale) == "de" {
		return [][]string{
			{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "ß"},
			{"q", "w", "e", "r", "t", "z", "u", "i", "o", "p", "ü"},
			{"a", "s", "d", "f", "g", "h", "j", "k", "l", "ö", "ä"},
			{"y", "x", "c", "v", "b", "n", "m", ",", ".", "-", "@"},
		}
	}
	return [][]string{
		{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "'"},
		{"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "&"},
		{"a", "s", "d", "f", "g", "h", "j", "k", "l", ";", "+"},
		{"z", "x", "c", "v", "b", "n", "m", ",", ".", "-", "@"},
	}
}

// keyboard is a large on-screen keyboard for a touchscreen with no physical
// one: 11 keys a row, each at least 56 units tall, space, backspace, clear.
type keyboard struct {
	keys    map[string]*tile
	content fyne.CanvasObject
}

func newKeyboard(locale string, onKey func(key string)) *keyboard {
	k := &keyboard{keys: map[string]*tile{}}
	mk := func(key, title string, fill color.Color) *tile {
		t := newTile(title, "", fill, func() { onKey(key) })
		t.TitleSize, t.Center, t.MinHeight, t.Outline = 26, true, 56, colLine
		k.keys[key] = t
		return t
	}
	var rows []fyne.CanvasObject
	for _, row := range keyboardRows(locale) {
		var objs []fyne.CanvasObject
		for _, key := range row {
			objs = append(objs, mk(key, key, colKey))
		}
		rows = append(rows, container.NewGridWithColumns(len(row), objs...))
	}
	space := mk(keySpace, lang.L("Space"), colKey)
	back := mk(keyBackspace, keyBackspace, colPanel)
	clear := mk(keyClear, lang.L("Clear"), colPanel)
	rows = append(rows, container.New(&ratio{frac: 0.7, gap: 4}, space, container.NewGridWithColumns(2, back, clear)))
	k.content = container.New(layout.NewCustomPaddedVBoxLayout(4), rows...)
	return k
}

// edit applies a key to a buffer.
func editBuffer(buf, key string, maxLen int) string {
	switch key {
	case keyBackspace:
		r := []rune(buf)
		if len(r) > 0 {
			return string(r[:len(r)-1])
		}
		return buf
	case keyClear:
		return ""
	case keySpace:
		key = " "
	}
	if len([]rune(buf)) >= maxLen {
		return buf
	}
	return buf + key
}

// textDialog asks for a line of text (a note, a customer's name or phone)
// on the on-screen keyboard.
type textDialog struct {
	u       *UI
	buf     string
	display *canvas.Text
	kb      *keyboard
	ok      *tile
	popup   *widget.PopUp
	onOK    func(string)
	maxLen  int
}

func newTextDialog(u *UI, title, initial, okText string, maxLen int, onOK func(string)) *textDialog {
	d := &textDialog{u: u, buf: initial, onOK: onOK, maxLen: maxLen}
	d.display = label("", 28, colInk, true)
	d.kb = newKeyboard(u.locale, func(key string) { d.buf = editBuffer(d.buf, key, d.maxLen); d.update() })
	cancel := newTile(lang.L("Cancel"), "", colPanel, d.close)
	cancel.Center, cancel.MinHeight, cancel.Outline = true, 64, colLine
	d.ok = newTile(okText, "", colGreen, func() { d.close(); d.onOK(d.buf) })
	d.ok.Center, d.ok.MinHeight = true, 64
	disp := container.NewStack(canvas.NewRectangle(colBackdrop),
		container.New(layout.NewCustomPaddedLayout(10, 10, 14, 14), d.display))
	body := container.NewVBox(label(title, 24, colInk, true), disp, d.kb.content,
		container.NewGridWithColumns(2, cancel, d.ok))
	box := container.NewGridWrap(fyne.NewSize(760, body.MinSize().Height), body)
	d.popup = widget.NewModalPopUp(container.NewPadded(box), u.win.Canvas())
	d.update()
	return d
}

func (d *textDialog) update() {
	d.display.Text = d.buf + "▏"
	d.display.Refresh()
}

func (d *textDialog) show()  { d.popup.Show() }
func (d *textDialog) close() { d.popup.Hide() }
