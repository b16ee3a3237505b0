package ui

import (
	"testing"
)

// TestSaleScreenFitsA1024Screen: on a 1024x768 touchscreen the window cannot
// grow past the screen, so no screen may need more. A long product name on
// the selected line once pushed the sale screen to 1033 units wide (the line
// buttons went off the right edge); it is now cut to the room left.
func TestSaleScreenFitsA1024Screen(t *testing.T) {
	h, _ := newShopHarness(t)
	h.logIn("e-anna", "1111")
	fits := func(what string) {
		t.Helper()
		if m := h.u.Window().Content().MinSize(); m.Width > 1024 || m.Height > 768 {
			t.Errorf("%s needs %vx%v, more than a 1024x768 screen", what, m.Width, m.Height)
		}
	}
	fits("the shift count")
	h.countDrawer(map[int64]string{10000: "1"})
	h.tap(h.u.count.done)
	h.onScreen(h.u.sale.content, "sale")
	h.scanProduct("milch")
	h.scanProduct("brezel")
	h.tap(h.u.sale.rows[0])
	// Put the whole name on the label, uncut, as a product might have it.
	h.u.sale.selName.Text = "Bio-Vollkornbrot mit Sonnenblumenkernen und Kürbiskernen, geschnitten 750 g"
	h.u.sale.selName.Refresh()
	fits("the sale screen with a long selected name")
	h.tap(h.u.sale.pay)
	fits("the cash screen")
}
