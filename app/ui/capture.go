package ui

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// captureSettle is how long a real window gets to draw before a capture.
var captureSettle = 600 * time.Millisecond

// CaptureScreens opens the UI in a 1280x800 window, puts up to five
// quick-key products on the open sale (one weighed, when the catalog has
// one) and writes dir/sale.png and dir/cash.png. It leaves the register with
// an empty sale.
//
// Call it from main instead of a.Run: it runs the app until the pictures are
// taken (a GL window must be drawn before it can be captured), then quits.
// With the test driver, which has no event loop, it captures at once. opts is
// as for New; pass the catalog there until Register offers its quick keys.
func CaptureScreens(a fyne.App, reg *register.Register, dir string, opts ...Options) error {
	var opt Options
	if len(opts) > 0 {
		opt = opts[0]
	}
	u := New(a, reg, opt)
	u.scripted()
	u.win.Resize(fyne.NewSize(1280, 800))
	u.win.Show()
	var started atomic.Bool
	errc := make(chan error, 1)
	a.Lifecycle().SetOnStarted(func() {
		started.Store(true)
		go func() {
			errc <- u.captureTo(dir)
			fyne.Do(a.Quit)
		}()
	})
	a.Run()
	if !started.Load() { // no event loop: the test driver
		err := u.captureTo(dir)
		u.win.Close()
		return err
	}
	return <-errc
}

// scripted makes u's register work run inline, so that a script driving u
// through fyne.DoAndWait sees each step's result before its capture. The
// login screen New started loading on the job queue is waited for.
func (u *UI) scripted() {
	u.jobs.wait()
	u.async = func(work, then func()) { work(); then() }
}

// captureTo fills a demo sale and writes the sale and cash screens as PNGs.
// It runs off the UI goroutine and changes the UI through fyne.DoAndWait.
func (u *UI) captureTo(dir string) error {
	reg := u.reg
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
	if err := u.capturePNG(filepath.Join(dir, "sale.png")); err != nil {
		return err
	}
	fyne.DoAndWait(u.sale.onPay)
	if err := u.capturePNG(filepath.Join(dir, "cash.png")); err != nil {
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
	fyne.DoAndWait(u.showSale)
	if err := u.capturePeople(dir); err != nil {
		return err
	}
	return u.captureSelling(dir)
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

// capturePNG writes what the window shows. Some GL stacks (Mesa under Xvfb)
// read back a black front buffer; then the window's content is drawn again
// by Fyne's software painter, which gives the same pixels.
func (u *UI) capturePNG(path string) error {
	time.Sleep(captureSettle)
	var img image.Image
	// On the UI goroutine: the GL context that drew the window lives there.
	fyne.DoAndWait(func() { img = u.win.Canvas().Capture() })
	if img == nil || blank(img) {
		u.log.Info("window capture is blank; rendering with the software painter", "file", path)
		fyne.DoAndWait(func() {
			content, size := u.win.Content(), u.win.Canvas().Size()
			c := software.NewCanvas()
			c.SetPadded(false)
			c.SetContent(content)
			c.Resize(size)
			img = c.Capture()
			u.win.SetContent(content)
		})
	}
	if img == nil || img.Bounds().Empty() {
		return fmt.Errorf("capture %s: empty image", path)
	}
	return writePNG(img, path)
}

// blank reports whether every sampled pixel has the same colour.
func blank(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, a0 := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 || a != a0 {
				return false
			}
		}
	}
	return true
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
