package registertest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// RandomShiftEntry is the i-th entry of a random register day: shift
// openings and Z reports, sales, returns and voids with random tax rates and
// tenders (cash with change), cash moves and unrelated entries, for checking
// the kept shift totals against a recomputation.
func RandomShiftEntry(rng *rand.Rand, i int, at time.Time) (pos.EntryKind, any) {
	at = at.Add(time.Duration(i) * time.Minute)
	switch n := rng.IntN(40); {
	case n == 0:
		return pos.EntryShiftOpen, register.ShiftOpenRecord{ShiftID: fmt.Sprintf("shift-%d", i), Currency: "EUR",
			OpenedBy: "Ana", Float: rng.Int64N(50000), At: at}
	case n == 1:
		return pos.EntryZReport, register.ShiftReport{ShiftID: "z", Z: true}
	case n < 5:
		kinds := []register.CashMoveKind{register.CashDrop, register.CashPayout, register.CashNoSale}
		return pos.EntryCashMove, register.CashMoveRecord{Kind: kinds[rng.IntN(3)], Amount: rng.Int64N(10000), At: at}
	case n < 7:
		return pos.EntryClockInOut, register.ClockRecord{EmployeeID: "ana", In: rng.IntN(2) == 0, At: at}
	}
	kind, sign := pos.EntrySale, int64(1)
	switch rng.IntN(6) {
	case 0:
		kind, sign = pos.EntryReturn, -1
	case 1:
		kind, sign = pos.EntryVoid, -1
	case 2:
		sign = -1 // a sale that refunds (an exchange)
	}
	rec := pos.SaleRecord{SaleID: fmt.Sprintf("s-%d", i), ReceiptNo: fmt.Sprint(i), Cashier: "Ana", Completed: at}
	for _, r := range []struct {
		id string
		bp int64
	}{{"std", 2000}, {"red", 550}, {"zero", 0}} {
		if rng.IntN(2) == 0 {
			continue
		}
		net := sign * (1 + rng.Int64N(5000))
		tax := net * r.bp / 10000
		rec.Totals.Taxes = append(rec.Totals.Taxes, pos.TaxLine{RateID: r.id, BasisPoints: r.bp, Net: net, Tax: tax, Gross: net + tax})
		rec.Totals.Net += net
		rec.Totals.Tax += tax
		rec.Totals.Gross += net + tax
	}
	rest := rec.Totals.Gross
	if rng.IntN(2) == 0 && rest > 0 {
		card := rng.Int64N(rest + 1)
		rec.Tenders = append(rec.Tenders, pos.Tender{Kind: pos.TenderCard, Amount: card})
		rest -= card
	}
	if rest > 0 {
		change := rng.Int64N(2000)
		rec.Tenders = append(rec.Tenders, pos.Tender{Kind: pos.TenderCash, Amount: rest + change})
		rec.Totals.Change = change
	} else if rest != 0 {
		rec.Tenders = append(rec.Tenders, pos.Tender{Kind: pos.TenderCash, Amount: rest})
	}
	return kind, rec
}
