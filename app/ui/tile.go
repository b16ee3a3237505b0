package ui

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// tile is a large coloured tap target: quick keys, category tabs, Pay,
// cash amounts and keypad keys. widget.Button cannot take a per-button
// colour or a two-line label, which a quick-key grid needs.
type tile struct {
	widget.BaseWidget

	Title     string // wrapped to fit, at most two lines with a Sub, three without
	Sub       string // second text under the title: the price, the amount
	Fill      color.Color
	TitleSize float32
	SubSize   float32
	Center    bool    // centre the texts (buttons) instead of top/bottom left (quick keys)
	MinHeight float32 // at least 48 for any tap target
	Outline   color.Color
	OnTapped  func()

	disabled bool
}

func newTile(title, sub string, fill color.Color, onTap func()) *tile {
	t := &tile{Title: title, Sub: sub, Fill: fill, TitleSize: sizeTile, SubSize: sizeTile,
		MinHeight: 80, OnTapped: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the tile's action unless it is disabled.
func (t *tile) Tapped(*fyne.PointEvent) {
	if !t.disabled && t.OnTapped != nil {
		t.OnTapped()
	}
}

// Disabled reports whether taps are ignored.
func (t *tile) Disabled() bool { return t.disabled }

// SetDisabled greys the tile out and ignores taps.
func (t *tile) SetDisabled(d bool) {
	if t.disabled != d {
		t.disabled = d
		t.Refresh()
	}
}

func (t *tile) CreateRenderer() fyne.WidgetRenderer {
	r := &tileRenderer{t: t, bg: canvas.NewRectangle(t.Fill), sub: canvas.NewText("", colInk)}
	r.bg.CornerRadius = 10
	r.sub.TextStyle.Bold = true
	r.objects = []fyne.CanvasObject{r.bg}
	for i := range r.title {
		r.title[i] = canvas.NewText("", colInk)
		r.title[i].TextStyle.Bold = true
		r.objects = append(r.objects, r.title[i])
	}
	r.objects = append(r.objects, r.sub)
	return r
}

type tileRenderer struct {
	t       *tile
	bg      *canvas.Rectangle
	title   [3]*canvas.Text
	sub     *canvas.Text
	objects []fyne.CanvasObject
}

func (r *tileRenderer) Destroy()                     {}
func (r *tileRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *tileRenderer) MinSize() fyne.Size {
	h := r.t.MinHeight
	if h < 48 {
		h = 48
	}
	return fyne.NewSize(72, h)
}

func (r *tileRenderer) Layout(size fyne.Size) {
	t := r.t
	const pad = 10
	fill, ink := t.Fill, contrastInk(t.Fill)
	if t.disabled {
		fill, ink = colDisabled, colInkSoft
	}
	r.bg.FillColor = fill
	r.bg.StrokeColor, r.bg.StrokeWidth = nil, 0
	if t.Outline != nil && !t.disabled {
		r.bg.StrokeColor, r.bg.StrokeWidth = t.Outline, 2
	}
	r.bg.Resize(size)
	r.bg.Move(fyne.NewPos(0, 0))

	maxLines := 3
	if t.Sub != "" {
		maxLines = 2
	}
	width := size.Width - 2*pad
	style := fyne.TextStyle{Bold: true}
	titleSize := fitSize(t.Title, width, t.TitleSize, style)
	lines := wrapText(t.Title, width, titleSize, style, maxLines)
	lineH := fyne.MeasureText("Ag", titleSize, style).Height
	subSize := fyne.MeasureText("Ag", t.SubSize, style)
	r.sub.Text = ellipsize(t.Sub, width, t.SubSize, style)
	r.sub.TextSize, r.sub.Color = t.SubSize, ink
	blockH := lineH * float32(len(lines))
	if t.Sub != "" {
		blockH += subSize.Height
	}
	y := float32(pad)
	if t.Center {
		y = (size.Height - blockH) / 2
	}
	for i, txt := range r.title {
		txt.TextSize, txt.Color = titleSize, ink
		txt.Text = ""
		if i < len(lines) {
			txt.Text = lines[i]
		}
		txt.Alignment = fyne.TextAlignLeading
		txt.Resize(fyne.NewSize(width, lineH))
		if t.Center {
			txt.Alignment = fyne.TextAlignCenter
		}
		txt.Move(fyne.NewPos(pad, y+lineH*float32(i)))
	}
	r.sub.Resize(fyne.NewSize(width, subSize.Height))
	if t.Center {
		r.sub.Alignment = fyne.TextAlignCenter
		r.sub.Move(fyne.NewPos(pad, y+lineH*float32(len(lines))))
	} else {
		r.sub.Alignment = fyne.TextAlignLeading
		r.sub.Move(fyne.NewPos(pad, size.Height-pad-subSize.Height))
	}
}

func (r *tileRenderer) Refresh() {
	r.Layout(r.t.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}

// contrastInk is black or white, whichever reads better on c.
func contrastInk(c color.Color) color.Color {
	if c == nil {
		return colInk
	}
	R, G, B, _ := c.RGBA()
	lum := (0.2126*float64(R) + 0.7152*float64(G) + 0.0722*float64(B)) / 0xffff
	if lum > 0.5 {
		return colInk
	}
	return color.White
}

// parseHex reads "#RRGGBB"; anything else is a neutral grey.
func parseHex(s string) color.NRGBA {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	v, err := strconv.ParseUint(s, 16, 32)
	if len(s) != 6 || err != nil {
		return rgb(0x8a, 0x94, 0xa0)
	}
	return rgb(uint8(v>>16), uint8(v>>8), uint8(v))
}

// tint mixes c with white: f=0 gives c, f=1 gives white.
func tint(c color.NRGBA, f float64) color.NRGBA {
	m := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f) }
	return rgb(m(c.R), m(c.G), m(c.B))
}

// wrapText breaks s into at most maxLines lines no wider than width; the last
// line is shortened with an ellipsis when the text does not fit.
func wrapText(s string, width, size float32, style fyne.TextStyle, maxLines int) []string {
	words := keepUnits(strings.Fields(s))
	var lines []string
	cur := ""
	for i, w := range words {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if cur == "" || fyne.MeasureText(try, size, style).Width <= width {
			cur = try
			continue
		}
		lines = append(lines, cur)
		cur = w
		if len(lines) == maxLines-1 {
			cur = strings.Join(words[i:], " ")
			break
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i := range lines {
		lines[i] = ellipsize(lines[i], width, size, style)
	}
	return lines
}

// fitSize shrinks size, down to 75 %, until the longest word of s fits
// width: "Backwaren" on a narrow tab reads better smaller than cut.
func fitSize(s string, width, size float32, style fyne.TextStyle) float32 {
	longest := ""
	for _, w := range strings.Fields(s) {
		if len(w) > len(longest) {
			longest = w
		}
	}
	min := size * 0.75
	for size > min && fyne.MeasureText(longest, size, style).Width > width {
		size--
	}
	return size
}

// keepUnits joins short words ("g", "%", "1 l") to the word before them, so
// "Butter 250 g" never breaks before its unit.
func keepUnits(words []string) []string {
	var out []string
	for _, w := range words {
		if len(out) > 0 && len([]rune(w)) <= 2 {
			out[len(out)-1] += " " + w
			continue
		}
		out = append(out, w)
	}
	return out
}

// ellipsize shortens s with "…" until it fits width.
func ellipsize(s string, width, size float32, style fyne.TextStyle) string {
	if width <= 0 || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		if t := strings.TrimSpace(string(r)) + "…"; fyne.MeasureText(t, size, style).Width <= width {
			return t
		}
	}
	return ""
}
