package devicesim

import (
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// PNG layout, in pixels.
const (
	pngFontSize = 16
	pngMargin   = 16
)

// monoFonts parses the embedded Go Mono fonts once; they cover Latin-1 and €.
var monoFonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	reg, err := opentype.Parse(gomono.TTF)
	if err != nil {
		return [2]*opentype.Font{}, err
	}
	bold, err := opentype.Parse(gomonobold.TTF)
	return [2]*opentype.Font{reg, bold}, err
})

// faces makes the faces one rendering needs (faces are not safe for
// concurrent use, so each rendering has its own).
type faces struct {
	fonts [2]*opentype.Font
	m     map[[2]int]font.Face
}

func (f *faces) get(bold bool, scale int) (font.Face, error) {
	k := [2]int{0, scale}
	if bold {
		k[0] = 1
	}
	if fc, ok := f.m[k]; ok {
		return fc, nil
	}
	fc, err := opentype.NewFace(f.fonts[k[0]], &opentype.FaceOptions{Size: float64(pngFontSize * scale), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	f.m[k] = fc
	return fc, nil
}

func (f *faces) close() {
	for _, fc := range f.m {
		fc.Close()
	}
}

// WritePNG draws the receipt as a PNG: text in Go Mono at each span's
// size and weight, barcodes and QR codes as stand-in symbols with their
// data, and a dashed cut line.
func (r Receipt) WritePNG(w io.Writer) error {
	fonts, err := monoFonts()
	if err != nil {
		return err
	}
	fs := &faces{fonts: fonts, m: map[[2]int]font.Face{}}
	defer fs.close()
	base, err := fs.get(false, 1)
	if err != nil {
		return err
	}
	adv, _ := base.GlyphAdvance('M')
	cw := adv.Ceil()
	m := base.Metrics()
	ch := (m.Ascent + m.Descent).Ceil() + 2
	cols := r.columns()

	// Measure first, then draw.
	type row struct {
		cells  []cell
		off    int
		scale  int
		symbol *Barcode
		align  Align
	}
	var rowsOut []row
	height := 2 * pngMargin
	for _, l := range r.Lines {
		if l.Barcode != nil {
			rowsOut = append(rowsOut, row{symbol: l.Barcode, align: l.Align})
			height += symbolHeight(*l.Barcode, ch)
			continue
		}
		rs, offs := rows(l, cols)
		for i, cs := range rs {
			scale := 1
			for _, c := range cs {
				scale = max(scale, c.width, c.span.Height)
			}
			scale = min(scale, 4)
			rowsOut = append(rowsOut, row{cells: cs, off: offs[i], scale: scale})
			height += ch * scale
		}
	}
	height += ch // cut line
	width := cols*cw + 2*pngMargin
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	y := pngMargin
	for _, rw := range rowsOut {
		if rw.symbol != nil {
			drawSymbol(img, *rw.symbol, rw.align, y, cols*cw, ch, base)
			y += symbolHeight(*rw.symbol, ch)
			continue
		}
		x := pngMargin + rw.off*cw
		rowH := ch * rw.scale
		for _, c := range rw.cells {
			scale := min(max(c.width, c.span.Height), 4)
			fc, err := fs.get(c.span.Bold, scale)
			if err != nil {
				return err
			}
			baseline := y + rowH - (m.Descent.Ceil()+1)*scale
			d := font.Drawer{Dst: img, Src: image.Black, Face: fc, Dot: fixed.P(x, baseline)}
			d.DrawString(string(c.r))
			if c.span.Underline {
				draw.Draw(img, image.Rect(x, baseline+2, x+cw*c.width, baseline+3+scale), image.Black, image.Point{}, draw.Src)
			}
			x += cw * c.width
		}
		y += rowH
	}
	for x := pngMargin; x < width-pngMargin; x += 8 {
		draw.Draw(img, image.Rect(x, y+ch/2, x+4, y+ch/2+1), image.Black, image.Point{}, draw.Src)
	}
	return png.Encode(w, img)
}

func symbolHeight(b Barcode, ch int) int {
	switch b.Kind {
	case "QR":
		return 25*4 + ch + 8
	case "IMAGE":
		return 3*ch + 8
	}
	return 60 + ch + 8
}

// drawSymbol draws a stand-in for a barcode, QR code or image: its bars or
// modules are made from a hash of the data, not a scannable symbol.
func drawSymbol(img *image.RGBA, b Barcode, a Align, y, paperW, ch int, face font.Face) {
	h := fnv.New64a()
	h.Write([]byte(b.Data))
	seed := h.Sum64()
	next := func() uint64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
	var w, symH int
	switch b.Kind {
	case "QR":
		w, symH = 25*4, 25*4
	case "IMAGE":
		w, symH = paperW/2, 3*ch
	default:
		w, symH = min(paperW, 11*2*(len(b.Data)+3)), 60
	}
	x := pngMargin
	switch a {
	case AlignCenter:
		x += (paperW - w) / 2
	case AlignRight:
		x += paperW - w
	}
	black := image.NewUniform(color.Black)
	switch b.Kind {
	case "QR":
		for my := range 25 {
			for mx := range 25 {
				finder := (mx < 7 || mx > 17) && my < 7 || mx < 7 && my > 17
				on := next()&1 == 1
				if finder {
					fx, fy := mx%18, my%18
					on = fx == 0 || fx == 6 || fy == 0 || fy == 6 || (fx >= 2 && fx <= 4 && fy >= 2 && fy <= 4)
				}
				if on {
					draw.Draw(img, image.Rect(x+mx*4, y+my*4, x+mx*4+4, y+my*4+4), black, image.Point{}, draw.Src)
				}
			}
		}
	case "IMAGE":
		draw.Draw(img, image.Rect(x, y, x+w, y+symH), image.NewUniform(color.Gray{Y: 200}), image.Point{}, draw.Src)
	default:
		for bx := x; bx < x+w; {
			bw := int(next()%3+1) * 2
			draw.Draw(img, image.Rect(bx, y, min(bx+bw, x+w), y+symH), black, image.Point{}, draw.Src)
			bx += bw + int(next()%3+1)*2
		}
	}
	label := b.Data
	if b.Kind != "CODE128" || b.HRI == 0 {
		label = b.String()
	}
	lw := font.MeasureString(face, label).Ceil()
	lx := pngMargin + max((paperW-lw)/2, 0)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(lx, y+symH+ch)}
	d.DrawString(label)
}
