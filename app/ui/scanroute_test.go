package ui

import (
	"testing"

	"fyne.io/fyne/v2/lang"
)

// Issue 11, item 7: a barcode scanned while "Open the shift" is showing is
// not added to the sale behind it; the cashier is told to finish the count.
// After the shift is open the same scan sells.
func TestScanDuringOpenShiftIsNotSold(t *testing.T) {
	h, _ := newShopHarness(t)
	h.logIn("e-anna", "1111")
	h.onScreen(h.u.count.content, "count (Open the shift)")
	h.scanProduct("riegel")
	h.onScreen(h.u.count.content, "count after a scan")
	if n := len(h.lines()); n != 0 {
		t.Fatalf("a scan on the open-shift count added %d lines to the sale", n)
	}
	if !h.u.msgBox.Visible() || h.u.msgText.Text != lang.L("Finish this screen first, then scan.") {
		t.Fatalf("message after the scan: %v %q", h.u.msgBox.Visible(), h.u.msgText.Text)
	}
	h.countDrawer(map[int64]string{10000: "1"})
	h.tap(h.u.count.done)
	h.onScreen(h.u.sale.content, "sale")
	h.scanProduct("riegel")
	if n := len(h.lines()); n != 1 {
		t.Fatalf("a scan on the sale screen: %d lines, want 1", n)
	}
}
