package escpos

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tillpos/till/app/pos"
)

// Profile is what Render needs to know about a printer model.
type Profile struct {
	Name     string
	Columns  int      // characters per line in font A at normal width
	CodePage CodePage // table selected at the start of every job
}

// Common profiles. 80 mm printers print 48 columns in font A (42 on some
// models, e.g. with 72 mm print width settings); 58 mm printers print 32.
var (
	Profile80mm   = Profile{Name: "80mm", Columns: 48, CodePage: PC858}
	Profile80mm42 = Profile{Name: "80mm-42", Columns: 42, CodePage: PC858}
	Profile58mm   = Profile{Name: "58mm", Columns: 32, CodePage: PC858}
)

// Layout constants.
const (
	cutFeedUnits = 3 // GS V 65 n: motion units past the cutter
	barcodeH     = 80
	qrModule     = 6
	maxFeed      = 255
	defaultCols  = 48
)

// Render lays out doc for printer p: ESC @ and ESC t first, then the blocks,
// "*** COPY ***" (in doc.Lang) in large bold at top and bottom of a reprint, and a final
// feed and partial cut. Styles are sent only when they change.
func Render(doc pos.Doc, p Profile) []byte {
	r := renderer{cols: p.Columns}
	if r.cols <= 0 {
		r.cols = defaultCols
	}
	r.e.Init().SelectCodePage(p.CodePage)
	if doc.Copy {
		r.banner(doc.Lang)
	}
	for _, b := range doc.Blocks {
		r.block(b)
	}
	if doc.Copy {
		r.banner(doc.Lang)
	}
	r.e.FeedAndCut(cutFeedUnits)
	return r.e.Bytes()
}

// renderer tracks the printer's style state so each change is sent once.
type renderer struct {
	e     Encoder
	cols  int
	align pos.Align
	bold  bool
	large bool
}

func (r *renderer) style(a pos.Align, bold, large bool) {
	if a != r.align {
		r.e.Align(a)
		r.align = a
	}
	if bold != r.bold {
		r.e.Bold(bold)
		r.bold = bold
	}
	if large != r.large {
		if large {
			r.e.Size(2, 2)
		} else {
			r.e.Size(1, 1)
		}
		r.large = large
	}
}

// width is the number of characters that fit on a line at the given size.
func (r *renderer) width(large bool) int {
	if large {
		return max(r.cols/2, 1)
	}
	return r.cols
}

// copyBanners say COPY in each language a Doc may be in (English otherwise).
var copyBanners = map[string]string{"en": "*** COPY ***", "de": "*** KOPIE ***"}

func (r *renderer) banner(lang string) {
	b, ok := copyBanners[lang]
	if !ok {
		b = copyBanners["en"]
	}
	r.style(pos.AlignCenter, true, true)
	r.e.Line(b)
}

func (r *renderer) block(b pos.Block) {
	switch b.Kind {
	case pos.BlockText:
		r.style(b.Align, b.Bold, b.Large)
		for _, l := range wrap(b.Text, r.width(b.Large)) {
			r.e.Line(l)
		}
	case pos.BlockPair:
		r.style(pos.AlignLeft, b.Bold, b.Large)
		for _, l := range pair(b.Text, b.Right, r.width(b.Large)) {
			r.e.Line(l)
		}
	case pos.BlockRule:
		r.style(pos.AlignLeft, false, false)
		r.e.Line(strings.Repeat("-", r.cols))
	case pos.BlockBarcode:
		r.style(b.Align, false, false)
		if err := r.e.Code128(b.Text, BarcodeOptions{Height: barcodeH, ModuleWidth: 2, HRI: HRIBelow}); err != nil {
			r.e.Line(b.Text) // still give the number to whoever needs it
			return
		}
		r.e.LF()
	case pos.BlockQR:
		r.style(b.Align, false, false)
		if err := r.e.QR(b.Text, qrModule, QRLevelM); err != nil {
			r.e.Line(b.Text)
			return
		}
		r.e.LF()
	case pos.BlockFeed:
		if b.N > 0 {
			r.e.Feed(uint8(min(b.N, maxFeed)))
		}
	}
}

// runes splits s into NFC runes with tabs as spaces, the unit a printer column holds.
func runes(s string) []rune {
	return []rune(strings.ReplaceAll(norm.NFC.String(s), "\t", " "))
}

// wrap breaks text into lines of at most width characters, at spaces where
// possible and inside a word only when the word alone is too long.
// Explicit newlines are kept; an empty text gives one empty line.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		rs := runes(strings.TrimRight(para, " "))
		if len(rs) == 0 {
			out = append(out, "")
			continue
		}
		for len(rs) > width {
			cut := width
			for i := width; i > 0; i-- {
				if rs[i] == ' ' {
					cut = i
					break
				}
			}
			out = append(out, strings.TrimRight(string(rs[:cut]), " "))
			rs = rs[cut:]
			for len(rs) > 0 && rs[0] == ' ' {
				rs = rs[1:]
			}
		}
		if len(rs) > 0 {
			out = append(out, string(rs))
		}
	}
	return out
}

// pair lays out left and right text on lines of width characters. The
// right text is never cut: a left text too long to share the line wraps,
// and the right text goes on its last line, or on a line of its own when it
// does not fit there.
func pair(left, right string, width int) []string {
	left = strings.ReplaceAll(left, "\n", " ")
	right = strings.TrimSpace(strings.ReplaceAll(right, "\n", " "))
	rw := utf8.RuneCountInString(norm.NFC.String(right))
	if rw == 0 {
		return wrap(left, width)
	}
	if rw >= width {
		return append(wrap(left, width), wrap(right, width)...)
	}
	lines := wrap(left, width)
	last := lines[len(lines)-1]
	if len(runes(last))+1+rw > width {
		// Re-wrap the last left line narrower to make room for the right
		// text, unless that would leave a sliver; then the right text gets
		// a line of its own.
		if avail := width - 1 - rw; avail >= width/2 && strings.Contains(last, " ") {
			lines = append(lines[:len(lines)-1], wrap(last, avail)...)
		} else {
			lines = append(lines, "")
		}
		last = lines[len(lines)-1]
	}
	lines[len(lines)-1] = last + strings.Repeat(" ", width-len(runes(last))-rw) + right
	return lines
}
