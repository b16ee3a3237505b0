package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/register"
)

func TestCaptureScreens(t *testing.T) {
	captureSettle = 0
	a := test.NewTempApp(t)
	cat := groceryCatalog()
	reg := register.New(testConfig(), register.Deps{Catalog: cat, Journal: &fakeJournal{}, Printer: &fakePrinter{}})
	dir := t.TempDir()
	if d := os.Getenv("TILL_SCREENSHOTS"); d != "" {
		dir = d // keep them to look at
	}
	if err := CaptureScreens(a, reg, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sale.png", "cash.png"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 800 {
			t.Errorf("%s is %v, want 1280x800", name, b)
		}
		colours := map[[4]uint32]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 4 {
			for x := 0; x < img.Bounds().Dx(); x += 4 {
				r, g, b, a := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, b, a}] = true
			}
		}
		if len(colours) < 20 {
			t.Errorf("%s has only %d colours: blank?", name, len(colours))
		}
	}
	if s, _ := reg.Sale(); len(s.Lines) != 0 {
		t.Errorf("capture left %d lines on the sale", len(s.Lines))
	}
	if d := os.Getenv("TILL_SCREENSHOTS"); d != "" {
		extraScreenshots(t, d)
	}
}

// extraScreenshots writes what a person reviewing the layout also needs to
// see: the small screen, a selected line, a message, the dialogs, change due.
func extraScreenshots(t *testing.T, dir string) {
	cat := groceryCatalog()
	reg := register.New(testConfig(), register.Deps{Catalog: cat, Journal: &fakeJournal{}, Printer: &fakePrinter{}})
	small := filepath.Join(dir, "1024")
	if err := os.MkdirAll(small, 0o755); err != nil {
		t.Fatal(err)
	}
	u := New(test.NewTempApp(t), reg, Options{})
	u.scripted()
	u.Window().Resize(fyne.NewSize(1024, 768))
	if err := u.captureTo(small); err != nil {
		t.Fatal(err)
	}

	h := newHarness(t)
	h.tap(h.u.sale.catTiles["milch"])
	if err := writePNG(h.u.Window().Canvas().Capture(), filepath.Join(dir, "empty.png")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"milch", "broetchen", "broetchen", "wasser", "schoko", "gouda", "kaffee", "riegel", "butter"} {
		h.scanProduct(id)
	}
	h.tap(h.u.sale.rows[1])
	h.scan("4311501234567")
	shot := func(name string) {
		if err := writePNG(h.u.Window().Canvas().Capture(), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	shot("sale-selected.png")
	h.quickKey("banane")
	h.typeOn(h.u.sale.dialog.pad, "1", ",", "2", "5")
	shot("weigh.png")
	h.tap(h.u.sale.dialog.ok)
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.suggestions[2])
	shot("change.png")
}
