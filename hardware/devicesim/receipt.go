package devicesim

import (
	"fmt"
	"strings"
)

// Align is a line's justification (ESC a).
type Align uint8

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Span is a run of text printed in one style.
type Span struct {
	Text      string
	Bold      bool
	Underline bool
	Width     int // character width multiplier, 1-8
	Height    int // character height multiplier, 1-8
}

// Line is one printed line, or one barcode, QR code or image.
type Line struct {
	Align   Align
	Spans   []Span
	Barcode *Barcode // set for a barcode, QR code or raster image line
}

// Text is the line's characters without styling.
func (l Line) Text() string {
	if l.Barcode != nil {
		return l.Barcode.String()
	}
	var b strings.Builder
	for _, s := range l.Spans {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Bold reports whether any of the line is bold.
func (l Line) Bold() bool {
	for _, s := range l.Spans {
		if s.Bold && strings.TrimSpace(s.Text) != "" {
			return true
		}
	}
	return false
}

// Large reports whether any of the line is wider or taller than normal.
func (l Line) Large() bool {
	for _, s := range l.Spans {
		if s.Width > 1 || s.Height > 1 {
			return true
		}
	}
	return false
}

// Barcode is a printed symbol.
type Barcode struct {
	Kind   string // "CODE128", "EAN13", "QR", "IMAGE" ...
	Data   string
	Height int // dots (GS h)
	Module int // module width in dots (GS w)
	HRI    int // GS H: 0 none, 1 above, 2 below, 3 both
}

func (b Barcode) String() string { return "[" + b.Kind + " " + b.Data + "]" }

// DrawerKick is one ESC p or DLE DC4 pulse.
type DrawerKick struct {
	Pin   int // 2 or 5
	OnMS  int
	OffMS int
}

func (k DrawerKick) String() string {
	return fmt.Sprintf("[DRAWER KICK pin %d, %d ms on, %d ms off]", k.Pin, k.OnMS, k.OffMS)
}

// Receipt is one print job: what came between ESC @ (or the previous cut)
// and the cut.
type Receipt struct {
	Seq         int // 1-based number in a PrinterSim; 0 from DecodeESCPOS
	Columns     int // for Text; 0 means 48
	CodePage    int // last ESC t table
	Lines       []Line
	Barcodes    []Barcode
	DrawerKicks []DrawerKick
	Cut         string // "full", "partial" or "" (no cut: stream ended)
	Skipped     int    // unknown command or stray control bytes ignored
}

// PlainLines returns the text of each line, trailing spaces trimmed.
func (r Receipt) PlainLines() []string {
	out := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = strings.TrimRight(l.Text(), " ")
	}
	return out
}

// Contains reports whether some line's plain text contains s.
func (r Receipt) Contains(s string) bool {
	for _, l := range r.PlainLines() {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func (r Receipt) columns() int {
	if r.Columns > 0 {
		return r.Columns
	}
	return 48
}

// Text draws the receipt as it looks on paper in a fixed-width font: lines
// aligned within the columns, double-width characters followed by a space,
// over-long lines wrapped as the printer wraps them, then the cut.
func (r Receipt) Text() string {
	cols := r.columns()
	var b strings.Builder
	for _, l := range r.Lines {
		for _, row := range visualRows(l, cols) {
			b.WriteString(strings.TrimRight(row, " "))
			b.WriteByte('\n')
		}
	}
	for _, k := range r.DrawerKicks {
		b.WriteString(k.String())
		b.WriteByte('\n')
	}
	label := " no cut "
	if r.Cut != "" {
		label = " " + r.Cut + " cut "
	}
	side := max(cols-len(label), 0)
	b.WriteString(strings.Repeat("~", side/2) + label + strings.Repeat("~", side-side/2))
	b.WriteByte('\n')
	return b.String()
}

// cell is one printed character position.
type cell struct {
	r     rune
	span  *Span
	width int
}

// cells expands a line into its character cells.
func cells(l Line) []cell {
	if l.Barcode != nil {
		var out []cell
		for _, r := range l.Barcode.String() {
			out = append(out, cell{r: r, width: 1})
		}
		return out
	}
	var out []cell
	for i := range l.Spans {
		s := &l.Spans[i]
		for _, r := range s.Text {
			out = append(out, cell{r: r, span: s, width: max(s.Width, 1)})
		}
	}
	return out
}

// rows splits a line's cells into printed rows of at most cols columns and
// returns each with its left offset for the alignment.
func rows(l Line, cols int) (out [][]cell, offsets []int) {
	cs := cells(l)
	for len(cs) > 0 || len(out) == 0 {
		w, n := 0, 0
		for n < len(cs) && w+cs[n].width <= cols {
			w += cs[n].width
			n++
		}
		if n == 0 && len(cs) > 0 { // a glyph wider than the paper
			w, n = cs[0].width, 1
		}
		off := 0
		switch l.Align {
		case AlignCenter:
			off = max((cols-w)/2, 0)
		case AlignRight:
			off = max(cols-w, 0)
		}
		out = append(out, cs[:n])
		offsets = append(offsets, off)
		cs = cs[n:]
	}
	return out, offsets
}

func visualRows(l Line, cols int) []string {
	if l.Barcode != nil { // a symbol's label is not printed text: never wrapped
		s := l.Barcode.String()
		off := 0
		switch n := len([]rune(s)); l.Align {
		case AlignCenter:
			off = max((cols-n)/2, 0)
		case AlignRight:
			off = max(cols-n, 0)
		}
		return []string{strings.Repeat(" ", off) + s}
	}
	rs, offs := rows(l, cols)
	out := make([]string, len(rs))
	for i, row := range rs {
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", offs[i]))
		for _, c := range row {
			b.WriteRune(c.r)
			b.WriteString(strings.Repeat(" ", c.width-1))
		}
		out[i] = b.String()
	}
	return out
}
