package backoffice

import (
	"fmt"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
)

// barChart is a report's gross per group drawn as inline SVG: one bar
// per group for the period and a thin grey one for the period before.
type barChart struct {
	W, H, Left int
	Bars       []hbar
	Legend     string
}

type hbar struct {
	Y, W, PrevW float64
	ValueX      float64 // where the value is written, right of the longer bar
	Label       string
	Value       string
	Neg         bool
}

// chartRows is how many groups a chart shows; the table has them all.
const chartRows = 20

// salesChart draws the first currency's rows of rep; nil when there is
// nothing to draw.
func salesChart(rep headoffice.SalesReport) *barChart {
	if len(rep.Rows) == 0 {
		return nil
	}
	cur := rep.Rows[0].Currency
	var rows []headoffice.ReportRow
	for _, r := range rep.Rows {
		if r.Currency == cur && len(rows) < chartRows {
			rows = append(rows, r)
		}
	}
	digits := 2
	if c, err := pos.LookupCurrency(cur); err == nil {
		digits = c.Digits
	}
	const rowH = 22
	c := &barChart{W: 960, Left: 200, H: len(rows)*rowH + 8,
		Legend: fmt.Sprintf("Gross in %s; grey: the period before", cur)}
	var top int64 = 1
	for _, r := range rows {
		top = max(top, abs(r.Gross), abs(r.PrevGross))
	}
	plot := float64(c.W - c.Left - 110)
	for i, r := range rows {
		c.Bars = append(c.Bars, hbar{Y: float64(i*rowH + 4), W: plot * float64(abs(r.Gross)) / float64(top),
			PrevW: plot * float64(abs(r.PrevGross)) / float64(top), Label: clip(r.Label, 28),
			Value: pos.FormatPlain(r.Gross, digits), Neg: r.Gross < 0})
		b := &c.Bars[len(c.Bars)-1]
		b.ValueX = float64(c.Left) + max(b.W, b.PrevW) + 6
	}
	return c
}

// clip shortens s to n runes for a chart label.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
