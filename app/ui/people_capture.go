package ui

import (
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// capturePeople adds login-LANG.png (a name chosen, two PIN digits typed),
// count-LANG.png (the blind count of a Z) and zreport-LANG.png (a Z report
// with a shortfall) in the UI's language when the register has employees. The Z report is an example
// laid out on screen, not journaled: screenshots never close a real shift.
func (u *UI) capturePeople(dir string) error {
	if !u.hasStaff() {
		return nil
	}
	suffix := "-" + baseLanguage(u.locale) + ".png"
	fyne.DoAndWait(func() {
		u.showLogin()
		if len(u.login.emps) > 0 {
			u.login.choose(u.login.emps[0].ID)
			u.login.onKey("1")
			u.login.onKey("1")
		}
	})
	if err := u.capturePNG(filepath.Join(dir, "login"+suffix)); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		u.count.start(lang.L("Close the shift: count the drawer"),
			lang.L("Count everything in the drawer. The expected amount is shown after the count."), lang.L("Close shift"), nil)
		for v, n := range map[int64]int64{10000: 2, 5000: 3, 2000: 4, 1000: 2, 500: 3, 200: 6, 100: 9, 50: 7} {
			u.count.counts[v] = n
		}
		u.count.sel = 50
		u.count.refresh()
	})
	if err := u.capturePNG(filepath.Join(dir, "count"+suffix)); err != nil {
		return err
	}
	opened := time.Date(2026, 11, 25, 7, 58, 0, 0, time.Local)
	rep := register.ShiftReport{Z: true, Currency: u.cur.Code, Opened: opened, OpenedBy: "Anna",
		Closed: opened.Add(9*time.Hour + 4*time.Minute), ClosedBy: "Clara", FirstSeq: 1, LastSeq: 212,
		Sales: 187, Returns: 3, Gross: 241380, Net: 208371, Tax: 33009,
		ByTender: []register.TenderTotal{{Kind: pos.TenderCard, Count: 96, Amount: 148250}, {Kind: pos.TenderCash, Count: 94, Amount: 93130}},
		ByRate: []pos.TaxLine{{RateID: "std", BasisPoints: 1900, Net: 106168, Tax: 20172, Gross: 126340},
			{RateID: "red", BasisPoints: 700, Net: 102203, Tax: 12837, Gross: 115040}},
		Float: 15000, CashSales: 93130, Drops: 40000, Payouts: 1250, NoSales: 2}
	rep.ExpectedCash = rep.Float + rep.CashSales - rep.Drops - rep.Payouts
	rep.Counted = rep.ExpectedCash - 150
	rep.OverShort = rep.Counted - rep.ExpectedCash
	fyne.DoAndWait(func() { u.report.show(rep) })
	if err := u.capturePNG(filepath.Join(dir, "zreport"+suffix)); err != nil {
		return err
	}
	fyne.DoAndWait(u.showLogin)
	return nil
}
