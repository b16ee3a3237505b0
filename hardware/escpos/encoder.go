package escpos

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/tillpos/till/app/pos"
)

// Control bytes.
const (
	esc = 0x1B
	gs  = 0x1D
	dle = 0x10
	eot = 0x04
	lf  = 0x0A
)

// Encoder appends ESC/POS commands to a buffer. The zero value is ready to
// use and encodes text as PC437, the table a printer has after ESC @.
// Every method appends exactly the bytes its comment names.
type Encoder struct {
	buf []byte
	cm  *charmap.Charmap // nil: PC437, or ASCII only when asciiOnly
	// asciiOnly is set after selecting a table we have no charmap for.
	asciiOnly bool
}

// Bytes returns the bytes appended so far; the slice aliases the buffer.
func (e *Encoder) Bytes() []byte { return e.buf }

// Reset empties the buffer; the selected code page is kept.
func (e *Encoder) Reset() { e.buf = e.buf[:0] }

// Init appends ESC @ (1B 40): clear styles and the line buffer. The printer
// falls back to its default table, so the encoder does too.
func (e *Encoder) Init() *Encoder {
	e.buf = append(e.buf, esc, '@')
	e.cm, e.asciiOnly = nil, false
	return e
}

// SelectCodePage appends ESC t n (1B 74 n) and encodes later text through c.
// A table without a known charmap encodes only ASCII; the rest becomes '?'.
func (e *Encoder) SelectCodePage(c CodePage) *Encoder {
	e.buf = append(e.buf, esc, 't', byte(c))
	e.cm = c.Charmap()
	e.asciiOnly = e.cm == nil
	return e
}

// Text appends s encoded in the selected code page, NFC-normalised first so
// a decomposed "a + combining diaeresis" still prints as ä. Runes the table
// lacks become '?'. Control characters other than '\n' become '?' too, so a
// product name can never smuggle a printer command in.
func (e *Encoder) Text(s string) *Encoder {
	for _, r := range norm.NFC.String(s) {
		e.buf = append(e.buf, e.encodeRune(r))
	}
	return e
}

// Line appends Text(s) and LF (0A): print the line buffer and feed one line.
func (e *Encoder) Line(s string) *Encoder {
	e.Text(s)
	e.buf = append(e.buf, lf)
	return e
}

// LF appends a line feed (0A).
func (e *Encoder) LF() *Encoder {
	e.buf = append(e.buf, lf)
	return e
}

func (e *Encoder) encodeRune(r rune) byte {
	switch {
	case r == '\n':
		return lf
	case r == '\t':
		return ' '
	case r < 0x20 || r == 0x7F || r == utf8.RuneError:
		return '?'
	case r < 0x7F:
		return byte(r)
	}
	if e.asciiOnly {
		return '?'
	}
	cm := e.cm
	if cm == nil {
		cm = charmap.CodePage437
	}
	if b, ok := cm.EncodeRune(r); ok {
		return b
	}
	return '?'
}

// Bold appends ESC E n (1B 45 01 on, 1B 45 00 off).
func (e *Encoder) Bold(on bool) *Encoder {
	e.buf = append(e.buf, esc, 'E', b2b(on))
	return e
}

// Underline appends ESC - n (1B 2D n): 0 off, 1 one dot, 2 two dots thick.
func (e *Encoder) Underline(dots uint8) *Encoder {
	e.buf = append(e.buf, esc, '-', min(dots, 2))
	return e
}

// Align appends ESC a n (1B 61 n): 0 left, 1 centre, 2 right. It takes
// effect at the start of a line.
func (e *Encoder) Align(a pos.Align) *Encoder {
	n := byte(a)
	if n > 2 {
		n = 0
	}
	e.buf = append(e.buf, esc, 'a', n)
	return e
}

// Size appends GS ! n (1D 21 n) with width and height multipliers 1-8 in
// the high and low nibble. Both are always sent (never the 0xff that
// hennedo/escpos falls back to); out-of-range values are clamped.
func (e *Encoder) Size(width, height int) *Encoder {
	w := byte(min(max(width, 1), 8) - 1)
	h := byte(min(max(height, 1), 8) - 1)
	e.buf = append(e.buf, gs, '!', w<<4|h)
	return e
}

// Feed appends ESC d n (1B 64 n): print the buffer and feed n lines.
func (e *Encoder) Feed(n uint8) *Encoder {
	e.buf = append(e.buf, esc, 'd', n)
	return e
}

// CutFull appends GS V 0 (1D 56 00).
func (e *Encoder) CutFull() *Encoder {
	e.buf = append(e.buf, gs, 'V', 0x00)
	return e
}

// CutPartial appends GS V 1 (1D 56 01).
func (e *Encoder) CutPartial() *Encoder {
	e.buf = append(e.buf, gs, 'V', 0x01)
	return e
}

// FeedAndCut appends GS V 66 n (1D 56 42 n): feed to the cutter plus n
// motion units, then cut partially, so the last line clears the cutter.
// (HARDWARE.md lists 1D 56 41 n for this; in Epson's reference and in the
// field m=65 is the full cut and m=66 the partial one: see FeedAndCutFull.)
func (e *Encoder) FeedAndCut(n uint8) *Encoder {
	e.buf = append(e.buf, gs, 'V', 0x42, n)
	return e
}

// FeedAndCutFull appends GS V 65 n (1D 56 41 n): feed as FeedAndCut, then
// cut fully. Printers with a partial-only cutter cut partially.
func (e *Encoder) FeedAndCutFull(n uint8) *Encoder {
	e.buf = append(e.buf, gs, 'V', 0x41, n)
	return e
}

// DrawerPin is the drawer kick connector pin; its value is ESC p's m byte.
type DrawerPin uint8

// Drawer kick pins.
const (
	DrawerPin2 DrawerPin = 0
	DrawerPin5 DrawerPin = 1
)

// DrawerKick appends ESC p m t1 t2 (1B 70 m t1 t2): pulse the pin on for
// t1*2 ms and off for t2*2 ms. 25, 250 (50 ms on) suits most drawers.
func (e *Encoder) DrawerKick(pin DrawerPin, t1, t2 uint8) *Encoder {
	e.buf = append(e.buf, esc, 'p', byte(pin)&1, t1, t2)
	return e
}

// HRI is where a barcode's human-readable text goes (GS H n).
type HRI uint8

// HRI positions.
const (
	HRINone HRI = iota
	HRIAbove
	HRIBelow
	HRIBoth
)

// BarcodeOptions are the settings sent before a barcode.
type BarcodeOptions struct {
	Height      uint8 // dots, 1-255; 0 means 80
	ModuleWidth uint8 // 2-6 dots; 0 means 2
	HRI         HRI
}

// ErrBarcodeData is returned for barcode data the symbology cannot carry.
var ErrBarcodeData = errors.New("escpos: barcode data not encodable")

// Code128 appends GS h (1D 68 h), GS w (1D 77 w), GS H (1D 48 n) and
// GS k 73 (1D 6B 49 len '{' 'B' data): a CODE128 barcode in code set B.
// len counts the "{B" prefix; a literal '{' is sent as "{{". Data must be
// printable ASCII and fit in 255 bytes. Nothing is appended on error.
func (e *Encoder) Code128(data string, o BarcodeOptions) error {
	if data == "" {
		return fmt.Errorf("%w: empty", ErrBarcodeData)
	}
	body := []byte{'{', 'B'}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c < 0x20 || c > 0x7E {
			return fmt.Errorf("%w: byte %#02x in %q", ErrBarcodeData, c, data)
		}
		if c == '{' {
			body = append(body, '{')
		}
		body = append(body, c)
	}
	if len(body) > 255 {
		return fmt.Errorf("%w: %d bytes, at most 255", ErrBarcodeData, len(body))
	}
	h := o.Height
	if h == 0 {
		h = 80
	}
	w := o.ModuleWidth
	if w == 0 {
		w = 2
	}
	w = min(max(w, 2), 6)
	e.buf = append(e.buf, gs, 'h', h, gs, 'w', w, gs, 'H', byte(min(o.HRI, HRIBoth)))
	e.buf = append(e.buf, gs, 'k', 73, byte(len(body)))
	e.buf = append(e.buf, body...)
	return nil
}

// QRLevel is the QR error-correction level, sent as 48-51.
type QRLevel uint8

// QR error-correction levels (recovering about 7, 15, 25 and 30 %).
const (
	QRLevelL QRLevel = 48
	QRLevelM QRLevel = 49
	QRLevelQ QRLevel = 50
	QRLevelH QRLevel = 51
)

// qrMaxData is the most a model 2 symbol holds (numeric, level L).
const qrMaxData = 7089

// QR appends the five GS ( k commands for a model 2 QR code: select model
// (fn 65: 1D 28 6B 04 00 31 41 32 00), module size in dots 1-16 (fn 67),
// error level (fn 69), store data (fn 80: pL pH = len+3, 31 50 30 data) and
// print (fn 81: 1D 28 6B 03 00 31 51 30). Nothing is appended on error.
func (e *Encoder) QR(data string, moduleSize uint8, level QRLevel) error {
	if data == "" || len(data) > qrMaxData {
		return fmt.Errorf("%w: QR data of %d bytes", ErrBarcodeData, len(data))
	}
	if level < QRLevelL || level > QRLevelH {
		level = QRLevelM
	}
	moduleSize = min(max(moduleSize, 1), 16)
	n := len(data) + 3
	e.buf = append(e.buf,
		gs, '(', 'k', 4, 0, 49, 65, 50, 0,
		gs, '(', 'k', 3, 0, 49, 67, moduleSize,
		gs, '(', 'k', 3, 0, 49, 69, byte(level),
		gs, '(', 'k', byte(n), byte(n>>8), 49, 80, 48)
	e.buf = append(e.buf, data...)
	e.buf = append(e.buf, gs, '(', 'k', 3, 0, 49, 81, 48)
	return nil
}

// StatusRequest appends DLE EOT n (10 04 n). The printer answers one byte
// at once, even in the middle of a job.
func (e *Encoder) StatusRequest(n StatusKind) *Encoder {
	e.buf = append(e.buf, dle, eot, byte(n))
	return e
}

func b2b(on bool) byte {
	if on {
		return 1
	}
	return 0
}
