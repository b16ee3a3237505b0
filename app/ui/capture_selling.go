package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// captureSelling writes, for English and German (and the other language's
// people screens, see capturePeople), discount-LANG.png (line
// and order discounts, the manager override dialog for 20 % off),
// split-LANG.png (a voucher taken, the rest due), card-LANG.png (waiting for
// the card) and return-LANG.png (a receipt's lines to take back). Nothing is
// journaled: the payment is taken back and the return is only laid out.
func (u *UI) captureSelling(dir string) error {
	if err := u.captureSellingIn(dir); err != nil {
		return err
	}
	other := "de"
	if baseLanguage(u.locale) == "de" {
		other = "en"
	}
	var u2 *UI
	fyne.DoAndWait(func() {
		opts := u.opts
		opts.Locale = other
		u2 = New(u.app, u.reg, opts)
		u2.async = func(work, then func()) { work(); then() } // as scripted, whose wait is below
		u2.win.Resize(u.win.Canvas().Size())
		u2.win.Show()
	})
	u2.jobs.wait()
	err := u2.captureSellingIn(dir)
	if err == nil {
		err = u2.capturePeople(dir) // login, count and Z report in the other language too
	}
	fyne.DoAndWait(func() {
		u2.win.Close()
		if e := useLanguage(u.locale); e != nil {
			u.log.Error("translations", "err", e)
		}
		u.showSale()
	})
	return err
}

func (u *UI) captureSellingIn(dir string) error {
	ctx := context.Background()
	reg := u.reg
	suffix := "-" + baseLanguage(u.locale) + ".png"
	if _, ok := reg.Current(); !ok {
		// With staff the register sells only with someone logged in: the
		// screenshots sell as the first employee, then lock again.
		if emps, err := reg.Employees(ctx); err == nil && len(emps) > 0 {
			reg.SetEmployee(emps[0])
			defer reg.Lock()
		}
	}
	if _, err := fillDemoSale(u, reg); err != nil {
		return err
	}
	defer func() {
		_ = reg.SetOrderDiscount(ctx, pos.Discount{}, nil)
		for {
			s, _ := reg.Sale()
			if len(s.Lines) == 0 || reg.RemoveLine(len(s.Lines)-1) != nil {
				break
			}
		}
		fyne.DoAndWait(u.showSale)
	}()
	s, _ := reg.Sale()
	if len(s.Lines) < 2 {
		return fmt.Errorf("capture: the demo sale needs two lines")
	}
	// Within the 10 % limit: no manager needed.
	if err := reg.SetLineDiscount(ctx, 1, pos.Discount{Percent: 1000}, nil); err != nil {
		return fmt.Errorf("capture: line discount: %w", err)
	}
	if err := reg.SetOrderDiscount(ctx, pos.Discount{Percent: 500}, nil); err != nil {
		return fmt.Errorf("capture: order discount: %w", err)
	}
	x := u.selling()
	fyne.DoAndWait(func() {
		u.sale.selected = 0
		u.showSale()
		x.applyDiscount(func(ov *register.Override) error {
			return reg.SetLineDiscount(ctx, 0, pos.Discount{Percent: 2000}, ov)
		}, s.Lines[0].Name+": 20 %")
	})
	if !waitFor(func() bool { return u.override != nil }) {
		return fmt.Errorf("capture: no override dialog (is the cashier allowed to give 20 %%?)")
	}
	fyne.DoAndWait(func() {
		u.override.onKey("3")
		u.override.onKey("3")
		for _, t := range u.override.reasons {
			t.OnTapped()
			break
		}
	})
	if err := u.capturePNG(filepath.Join(dir, "discount"+suffix)); err != nil {
		return err
	}
	fyne.DoAndWait(func() { u.override.close() })

	// A voucher pays part; the rest is due.
	_, tot := reg.Sale()
	if _, err := reg.TenderVoucher(ctx, "GS-2026-0042", tot.Due/2); err != nil {
		return fmt.Errorf("capture: voucher: %w", err)
	}
	fyne.DoAndWait(u.showCash)
	if err := u.capturePNG(filepath.Join(dir, "split"+suffix)); err != nil {
		return err
	}

	// Waiting for the card, as the terminal asks for it.
	fyne.DoAndWait(func() {
		c := x.card
		c.refund = false
		c.amountText.Text = u.money(u.cash.totals.Due)
		c.amountText.Refresh()
		c.busy = true
		c.setPrompt(lang.L("Insert, tap or swipe the card"), colBlue)
		c.state.Text = lang.L("The customer follows the terminal. Cancel stops it.")
		c.state.Refresh()
		c.showButtons(true, false)
		u.show(c.content)
	})
	if err := u.capturePNG(filepath.Join(dir, "card"+suffix)); err != nil {
		return err
	}
	fyne.DoAndWait(func() { x.card.busy = false; u.cash.onBack() })

	// A return against an earlier receipt of this sale's lines.
	cp, _ := reg.Sale()
	due, _ := cp.CashDue()
	if err := cp.AddTender(pos.Tender{Kind: pos.TenderCash, Amount: due}); err != nil {
		return fmt.Errorf("capture: return example: %w", err)
	}
	rec, err := cp.Record(register.ReceiptNo(reg.Config().RegisterCode, 123), time.Now().Add(-26*time.Hour))
	if err != nil {
		return fmt.Errorf("capture: return example: %w", err)
	}
	fyne.DoAndWait(func() {
		r := x.ret
		r.receipt = rec.ReceiptNo
		r.orig = register.Returnable{Record: rec, Left: make([]pos.Qty, len(rec.Lines)), Refunded: make([]int64, len(rec.Lines))}
		r.qty = make([]pos.Qty, len(rec.Lines))
		r.restock = make([]bool, len(rec.Lines))
		for i, l := range rec.Lines {
			r.orig.Left[i] = l.Qty
			r.restock[i] = !l.Weighed
		}
		r.qty[1] = r.orig.Left[1]
		r.build()
		u.show(r.content)
	})
	return u.capturePNG(filepath.Join(dir, "return"+suffix))
}

// waitFor polls cond on the UI goroutine for up to two seconds.
func waitFor(cond func() bool) bool {
	for range 200 {
		var ok bool
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
