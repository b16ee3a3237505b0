package ui

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// captureSettle is how long a real window gets to draw before a capture.
var captureSettle = 600 * time.Millisecond

// CaptureScreens opens the UI in a 1280x800 window, puts up to five
// quick-key products on the open sale (one weighed, when the catalog has
// one) and writes dir/sale.png and dir/cash.png. It leaves the register with
// an empty sale and closes its window.
//
// With the GL driver call it from a goroutine once the app runs (for example
// from a.Lifecycle().SetOnStarted), since a window must be drawn before it
// can be captured; the test driver works from any goroutine. opts is as for
// New; pass the catalog there until Register offers its quick keys.
func CaptureScreens(a fyne.App, reg *register.Register, dir string, opts ...Options) error {
	var opt Options
	if len(opts) > 0 {
		opt = opts[0]
	}
	return captureScreens(a, reg, dir, fyne.NewSize(1280, 800), opt)
}

func captureScreens(a fyne.App, reg *register.Register, dir string, size fyne.Size, opt Options) error {
	var u *UI
	fyne.DoAndWait(func() {
		u = New(a, reg, opt)
		u.win.Resize(size)
		u.win.Show()
	})
	defer fyne.DoAndWait(func() { u.win.Close() })

	showCat, err := fillDemoSale(u, reg)
	if err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		if showCat != "" {
			u.sale.onCategory(showCat)
		}
		u.sale.selected = -1
		u.showSale()
	})
	if err := capturePNG(u.win, filepath.Join(dir, "sale.png")); err != nil {
		return err
	}
	fyne.DoAndWait(u.sale.onPay)
	if err := capturePNG(u.win, filepath.Join(dir, "cash.png")); err != nil {
		return err
	}
	fyne.DoAndWait(u.cash.onBack)
	for {
		s, _ := reg.Sale()
		if len(s.Lines) == 0 {
			break
		}
		if err := reg.RemoveLine(len(s.Lines) - 1); err != nil {
			return fmt.Errorf("empty the demo sale: %w", err)
		}
	}
	return nil
}

// fillDemoSale adds one product of each category, the first weighed one at
// 0.742 kg, up to five lines; it returns the category to show.
func fillDemoSale(u *UI, reg *register.Register) (string, error) {
	ctx := context.Background()
	s := u.sale
	var showCat string
	added, weighed := 0, false
	for _, c := range s.categories {
		for _, p := range s.products[c.ID] {
			if p.SoldByWeight && !weighed {
				if _, err := reg.AddProduct(ctx, p.ID, 742); err != nil {
					return "", fmt.Errorf("demo sale: %w", err)
				}
				weighed, showCat = true, c.ID
				added++
				break
			}
		}
	}
	for round := 0; added < 5 && round < 3; round++ {
		for _, c := range s.categories {
			ps := s.products[c.ID]
			if added >= 5 || round >= len(ps) || ps[round].SoldByWeight {
				continue
			}
			qty := pos.QtyOne
			if added == 1 {
				qty = 2 * pos.QtyOne
			}
			if _, err := reg.AddProduct(ctx, ps[round].ID, qty); err != nil {
				return "", fmt.Errorf("demo sale: %w", err)
			}
			added++
			if showCat == "" {
				showCat = c.ID
			}
		}
	}
	return showCat, nil
}

func capturePNG(w fyne.Window, path string) error {
	time.Sleep(captureSettle)
	img := w.Canvas().Capture()
	if img == nil || img.Bounds().Empty() {
		return fmt.Errorf("capture %s: empty image", path)
	}
	return writePNG(img, path)
}

func writePNG(img image.Image, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
