package devicesim

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ErrTruncated means the stream ended inside a command.
var ErrTruncated = errors.New("devicesim: ESC/POS stream ends inside a command")

// Decoder turns an ESC/POS byte stream into receipts. Feed it with Write in
// chunks of any size; it never panics on any input and skips commands it
// does not know. It tracks what a printer tracks: code page, alignment,
// bold, underline and character size, barcode settings and stored QR data.
type Decoder struct {
	// OnStatus is called for each real-time DLE EOT n (and DLE ENQ is
	// ignored); a printer answers at once.
	OnStatus func(n byte)
	// OnReceipt is called with each finished receipt (at a cut, or at
	// ESC @ after uncut content).
	OnReceipt func(Receipt)
	// OnDrawerKick is called for each drawer pulse, inside a job or not.
	OnDrawerKick func(DrawerKick)
	// OnAutoStatus is called for each GS a n (automatic status back: n
	// selects what the printer reports by itself; 0 turns it off).
	OnAutoStatus func(n byte)

	pending []byte
	skip    int // bytes of image data still to discard

	cur     Receipt
	started bool
	line    Line
	inLine  bool
	text    []byte // UTF-8 of the span being gathered, in style
	style   Span

	cpNum  int
	cm     *charmap.Charmap
	align  Align
	bold   bool
	ul     bool
	width  int
	height int

	bcHeight, bcModule, bcHRI int
	qr                        []byte
}

// NewDecoder returns a decoder in the printer's power-on state.
func NewDecoder() *Decoder {
	d := &Decoder{}
	d.reset()
	return d
}

// reset is ESC @: styles and tables back to power-on defaults.
func (d *Decoder) reset() {
	d.cpNum, d.cm = 0, charmap.CodePage437
	d.align, d.bold, d.ul, d.width, d.height = AlignLeft, false, false, 1, 1
	d.bcHeight, d.bcModule, d.bcHRI = 162, 3, 0
	d.line, d.inLine, d.text = Line{}, false, d.text[:0]
}

// maxLines bounds one receipt (about 40 m of paper): a runaway job
// cannot eat the simulator's memory.
const maxLines = 10000

// maxPending bounds the bytes held for one incomplete command: the largest
// buffered command is a QR store of 65535+5 bytes.
const maxPending = 1 << 17

// Write decodes p. It always consumes all of p.
func (d *Decoder) Write(p []byte) (int, error) {
	d.pending = append(d.pending, p...)
	buf := d.pending
	for len(buf) > 0 {
		if d.skip > 0 {
			k := min(d.skip, len(buf))
			d.skip -= k
			buf = buf[k:]
			continue
		}
		n := d.command(buf)
		if n == 0 {
			break
		}
		buf = buf[n:]
	}
	if len(buf) > maxPending { // cannot happen with the lengths above; belt and braces
		d.cur.Skipped += len(buf)
		buf = nil
	}
	d.pending = append(d.pending[:0], buf...)
	return len(p), nil
}

// Close ends the stream: uncut content becomes a receipt. It returns
// ErrTruncated if the stream stopped inside a command.
func (d *Decoder) Close() error {
	var err error
	if len(d.pending) > 0 || d.skip > 0 {
		err = fmt.Errorf("%w: %d bytes pending", ErrTruncated, len(d.pending)+d.skip)
		d.pending, d.skip = d.pending[:0], 0
	}
	if d.inLine {
		d.endLine()
	}
	if d.hasContent() {
		d.finish("")
	}
	d.started = false
	return err
}

// DecodeESCPOS decodes a whole stream into its receipts.
func DecodeESCPOS(b []byte) ([]Receipt, error) {
	var out []Receipt
	d := NewDecoder()
	d.OnReceipt = func(r Receipt) { out = append(out, r) }
	_, _ = d.Write(b)
	err := d.Close()
	return out, err
}

// hasContent reports whether the job has printed anything; a drawer kick
// alone is not a receipt.
func (d *Decoder) hasContent() bool {
	return len(d.cur.Lines) > 0 || d.inLine
}

func (d *Decoder) finish(cut string) {
	if d.inLine {
		d.endLine()
	}
	r := d.cur
	r.Cut = cut
	r.CodePage = d.cpNum
	d.cur = Receipt{}
	d.started = false
	if d.OnReceipt != nil {
		d.OnReceipt(r)
	}
}

// cut ends the job; a cut with nothing before it (not even ESC @) only feeds paper.
func (d *Decoder) cut(kind string) {
	if d.started || d.hasContent() {
		d.finish(kind)
	}
}

// put adds one printable character in the current style. Characters
// gather in text until the style changes or the line ends (no quadratic
// string building on long lines).
func (d *Decoder) put(r rune) {
	if !d.inLine {
		d.line = Line{Align: d.align}
		d.inLine = true
	}
	sp := Span{Bold: d.bold, Underline: d.ul, Width: d.width, Height: d.height}
	if len(d.text) > 0 && sp != d.style {
		d.flushSpan()
	}
	d.style = sp
	d.text = utf8.AppendRune(d.text, r)
}

// flushSpan moves the gathered characters into the line.
func (d *Decoder) flushSpan() {
	if len(d.text) == 0 {
		return
	}
	sp := d.style
	sp.Text = string(d.text)
	d.line.Spans = append(d.line.Spans, sp)
	d.text = d.text[:0]
}

// endLine prints the line buffer (LF): an empty buffer is a blank line.
func (d *Decoder) endLine() {
	if !d.inLine {
		d.line = Line{Align: d.align}
	}
	d.flushSpan()
	if len(d.cur.Lines) >= maxLines {
		d.cur.Skipped++
	} else {
		d.cur.Lines = append(d.cur.Lines, d.line)
	}
	d.line, d.inLine = Line{}, false
	d.started = true
}

// flushLine prints a non-empty line buffer, as a barcode or image does first.
func (d *Decoder) flushLine() {
	if d.inLine {
		d.endLine()
	}
}

func (d *Decoder) symbol(b Barcode) {
	d.flushLine()
	d.cur.Lines = append(d.cur.Lines, Line{Align: d.align, Barcode: &b})
	d.cur.Barcodes = append(d.cur.Barcodes, b)
	d.started = true
}

func (d *Decoder) kick(k DrawerKick) {
	d.cur.DrawerKicks = append(d.cur.DrawerKicks, k)
	if d.OnDrawerKick != nil {
		d.OnDrawerKick(k)
	}
}

func (d *Decoder) setCodePage(n byte) {
	d.cpNum = int(n)
	d.cm = codePages[n]
}

// codePages are the ESC t tables the decoder can show; others print '?'
// above 0x7F, as a wrong table prints garbage on paper.
var codePages = map[byte]*charmap.Charmap{
	0:  charmap.CodePage437,
	2:  charmap.CodePage850,
	16: charmap.Windows1252,
	17: charmap.CodePage866,
	18: charmap.CodePage852,
	19: charmap.CodePage858,
}

func (d *Decoder) char(c byte) {
	if c < 0x80 {
		d.put(rune(c))
		return
	}
	if d.cm == nil {
		d.put('?')
		return
	}
	d.put(d.cm.DecodeByte(c))
}

// sizeNibbles applies GS ! n.
func (d *Decoder) sizeNibbles(n byte) {
	d.width, d.height = int(n>>4&7)+1, int(n&7)+1
}

func u16(lo, hi byte) int { return int(lo) | int(hi)<<8 }

// command decodes one command or character at the start of b and returns
// how many bytes it used, or 0 when b holds only part of it.
func (d *Decoder) command(b []byte) int {
	c := b[0]
	switch {
	case c >= 0x20 && c != 0x7F:
		d.char(c)
		return 1
	case c == 0x0A, c == 0x0C:
		d.endLine()
		return 1
	case c == 0x0D: // CR: ignored, LF prints
		return 1
	case c == 0x09:
		d.put(' ')
		return 1
	case c == 0x1B:
		return d.esc(b)
	case c == 0x1D:
		return d.gs(b)
	case c == 0x10:
		return d.dle(b)
	case c == 0x1C:
		return d.fs(b)
	}
	d.cur.Skipped++
	return 1
}

// need returns n if b holds n bytes, else 0.
func need(b []byte, n int) int {
	if len(b) < n {
		return 0
	}
	return n
}

// withData is a command of header bytes followed by k bytes of data that
// are discarded as they arrive.
func (d *Decoder) withData(header, k int) int {
	d.skip = k
	return header
}

func (d *Decoder) esc(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '@':
		// ESC @ clears the line buffer: text not ended by LF is lost, as on paper.
		d.line, d.inLine, d.text = Line{}, false, d.text[:0]
		if d.hasContent() {
			d.finish("")
		} else {
			d.cur = Receipt{Skipped: d.cur.Skipped}
		}
		d.reset()
		d.started = true
		return 2
	case 't':
		if len(b) < 3 {
			return 0
		}
		d.setCodePage(b[2])
		return 3
	case 'E', 'G':
		if len(b) < 3 {
			return 0
		}
		d.bold = b[2]&1 == 1
		return 3
	case '-':
		if len(b) < 3 {
			return 0
		}
		d.ul = b[2] == 1 || b[2] == 2 || b[2] == '1' || b[2] == '2'
		return 3
	case 'a':
		if len(b) < 3 {
			return 0
		}
		// Only honoured at the start of a line, as on a real printer.
		if !d.inLine {
			switch b[2] {
			case 0, '0':
				d.align = AlignLeft
			case 1, '1':
				d.align = AlignCenter
			case 2, '2':
				d.align = AlignRight
			}
		}
		return 3
	case '!':
		if len(b) < 3 {
			return 0
		}
		n := b[2]
		d.bold, d.ul = n&0x08 != 0, n&0x80 != 0
		d.width, d.height = 1, 1
		if n&0x20 != 0 {
			d.width = 2
		}
		if n&0x10 != 0 {
			d.height = 2
		}
		return 3
	case 'd':
		if len(b) < 3 {
			return 0
		}
		for range int(b[2]) {
			d.endLine()
		}
		return 3
	case 'J':
		if len(b) < 3 {
			return 0
		}
		d.endLine()
		return 3
	case 'p':
		if len(b) < 5 {
			return 0
		}
		pin := 2
		if b[2]&1 == 1 {
			pin = 5
		}
		d.kick(DrawerKick{Pin: pin, OnMS: int(b[3]) * 2, OffMS: int(b[4]) * 2})
		return 5
	case 'i', 'm':
		d.cut("partial")
		return 2
	case '2', '<', 'L', 'S', 'F':
		return 2
	case '3', 'M', 'R', '{', 'V', ' ', 'r', '=', 'e', '%', 'U', 'T', '?', 'I', 'u', 'K':
		return need(b, 3)
	case 'c':
		return need(b, 4)
	case '$', '\\':
		return need(b, 4)
	case 'W':
		return need(b, 10)
	case 'D', 'B': // tab positions / beeper: NUL terminated (ESC D) or two bytes
		if b[1] == 'B' {
			return need(b, 4)
		}
		for i := 2; i < len(b) && i < 2+33; i++ {
			if b[i] == 0 {
				return i + 1
			}
		}
		if len(b) >= 2+33 {
			return 2 + 33
		}
		return 0
	case '*':
		if len(b) < 5 {
			return 0
		}
		k := u16(b[3], b[4])
		if b[2] == 32 || b[2] == 33 {
			k *= 3
		}
		d.flushLine()
		d.symbol(Barcode{Kind: "IMAGE", Data: fmt.Sprintf("%d columns", u16(b[3], b[4]))})
		return d.withData(5, k)
	case '&':
		return d.userChars(b)
	case '(':
		if len(b) < 5 {
			return 0
		}
		return d.withData(5, u16(b[3], b[4]))
	}
	d.cur.Skipped += 2
	return 2
}

// userChars skips ESC & y c1 c2 {x d1..d(y*x)}...: user-defined characters.
func (d *Decoder) userChars(b []byte) int {
	if len(b) < 5 {
		return 0
	}
	y, c1, c2 := int(b[2]), int(b[3]), int(b[4])
	i := 5
	if c2 < c1 || y > 3 {
		d.cur.Skipped += 5
		return 5
	}
	for range c2 - c1 + 1 {
		if i >= len(b) {
			return 0
		}
		x := int(b[i])
		i += 1 + y*x
		if i > len(b) {
			return 0
		}
	}
	return i
}

func (d *Decoder) gs(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '!':
		if len(b) < 3 {
			return 0
		}
		d.sizeNibbles(b[2])
		return 3
	case 'h':
		if len(b) < 3 {
			return 0
		}
		d.bcHeight = int(b[2])
		return 3
	case 'w':
		if len(b) < 3 {
			return 0
		}
		d.bcModule = int(b[2])
		return 3
	case 'H':
		if len(b) < 3 {
			return 0
		}
		d.bcHRI = int(b[2] & 3)
		return 3
	case 'a':
		if len(b) < 3 {
			return 0
		}
		if d.OnAutoStatus != nil {
			d.OnAutoStatus(b[2])
		}
		return 3
	case 'B', 'f', 'b', 'I', 'r', '/', 'E', 'T', 'j', 'z':
		return need(b, 3)
	case 'L', 'W', '$', '\\', 'P':
		return need(b, 4)
	case 'V':
		if len(b) < 3 {
			return 0
		}
		switch b[2] {
		case 0, 48:
			d.cut("full")
			return 3
		case 1, 49:
			d.cut("partial")
			return 3
		case 65, 97, 103:
			if len(b) < 4 {
				return 0
			}
			d.cut("full")
			return 4
		case 66, 98, 104:
			if len(b) < 4 {
				return 0
			}
			d.cut("partial")
			return 4
		}
		d.cur.Skipped += 3
		return 3
	case 'k':
		return d.barcode(b)
	case '(':
		if len(b) < 5 {
			return 0
		}
		n := u16(b[3], b[4])
		if b[2] != 'k' {
			return d.withData(5, n)
		}
		if len(b) < 5+n {
			return 0
		}
		d.symbolFunction(b[5 : 5+n])
		return 5 + n
	case 'v':
		if len(b) < 8 {
			return 0
		}
		if b[2] != '0' {
			d.cur.Skipped += 3
			return 3
		}
		w, h := u16(b[4], b[5]), u16(b[6], b[7])
		d.symbol(Barcode{Kind: "IMAGE", Data: fmt.Sprintf("%dx%d", w*8, h)})
		return d.withData(8, w*h)
	case '*':
		if len(b) < 4 {
			return 0
		}
		return d.withData(4, int(b[2])*int(b[3])*8)
	case '8':
		if len(b) < 7 {
			return 0
		}
		if b[2] != 'L' {
			d.cur.Skipped += 3
			return 3
		}
		n := int(b[3]) | int(b[4])<<8 | int(b[5])<<16 | int(b[6])<<24
		return d.withData(7, n)
	}
	d.cur.Skipped += 2
	return 2
}

var barcodeKinds = map[byte]string{
	0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR",
	65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF", 71: "CODABAR",
	72: "CODE93", 73: "CODE128", 74: "GS1-128", 75: "GS1-DATABAR", 76: "GS1-DATABAR",
	77: "GS1-DATABAR", 78: "GS1-DATABAR", 79: "CODE128",
}

// barcode decodes GS k m: format A (m 0-6, NUL terminated) or B (m 65-79,
// a length byte).
func (d *Decoder) barcode(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	m := b[2]
	var data []byte
	var n int
	switch {
	case m <= 6:
		end := -1
		for i := 3; i < len(b) && i < 3+256; i++ {
			if b[i] == 0 {
				end = i
				break
			}
		}
		if end < 0 {
			if len(b) >= 3+256 {
				d.cur.Skipped += 3
				return 3
			}
			return 0
		}
		data, n = b[3:end], end+1
	case m >= 65 && m <= 79:
		if len(b) < 4 {
			return 0
		}
		n = 4 + int(b[3])
		if len(b) < n {
			return 0
		}
		data = b[4:n]
	default:
		d.cur.Skipped += 3
		return 3
	}
	text := string(data)
	if m == 73 {
		text = string(code128Text(data))
	}
	d.symbol(Barcode{Kind: barcodeKinds[m], Data: text, Height: d.bcHeight, Module: d.bcModule, HRI: d.bcHRI})
	return n
}

// code128Text reads ESC/POS CODE128 data: "{A", "{B", "{C" switch code set,
// "{{" is a literal brace, code set C bytes are two digits each.
func code128Text(data []byte) []byte {
	var out []byte
	set := byte('B')
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '{' && i+1 < len(data) {
			i++
			switch n := data[i]; n {
			case 'A', 'B', 'C':
				set = n
			case '{':
				out = append(out, '{')
			}
			continue
		}
		if set == 'C' {
			out = append(out, '0'+c/10%10, '0'+c%10)
			continue
		}
		out = append(out, c)
	}
	return out
}

// symbolFunction handles the body of GS ( k: cn fn params.
func (d *Decoder) symbolFunction(p []byte) {
	if len(p) < 2 || p[0] != 49 { // only QR (cn 49); PDF417 and others are skipped
		return
	}
	switch p[1] {
	case 80: // store: m=48 then data
		if len(p) >= 3 {
			d.qr = append(d.qr[:0], p[3:]...)
		}
	case 81: // print
		d.symbol(Barcode{Kind: "QR", Data: string(d.qr)})
	}
}

func (d *Decoder) dle(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case 0x04:
		if len(b) < 3 {
			return 0
		}
		if d.OnStatus != nil {
			d.OnStatus(b[2])
		}
		return 3
	case 0x05:
		return need(b, 3)
	case 0x14:
		if len(b) < 3 {
			return 0
		}
		switch b[2] {
		case 1: // DLE DC4 1 m t: real-time drawer pulse, t*100 ms
			if len(b) < 5 {
				return 0
			}
			pin := 2
			if b[3]&1 == 1 {
				pin = 5
			}
			d.kick(DrawerKick{Pin: pin, OnMS: int(b[4]) * 100, OffMS: int(b[4]) * 100})
			return 5
		case 2, 3:
			return need(b, 5)
		case 7:
			return need(b, 4)
		case 8:
			return need(b, 10)
		}
		return 3
	}
	d.cur.Skipped++
	return 1
}

func (d *Decoder) fs(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '.', '&':
		return 2
	case 'C', '!', '-':
		return need(b, 3)
	case 'S', 'p':
		return need(b, 4)
	case '(':
		if len(b) < 5 {
			return 0
		}
		return d.withData(5, u16(b[3], b[4]))
	}
	d.cur.Skipped += 2
	return 2
}
