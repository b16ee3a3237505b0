package books

import (
	"math/rand/v2"
	"time"

	"github.com/tillpos/till/app/pos"
)

// genDay makes random facts that add up the way a day of Z reports does:
// tenders pay exactly for receipts, cash rounding and vouchers sold.
func genDay(r *rand.Rand, store, date string, zeroRate bool) Day {
	d := Day{Store: store, Date: date, Currency: "EUR"}
	rates := []int64{1900, 700}
	if zeroRate {
		rates = append(rates, 0)
	}
	for _, bp := range rates {
		if r.IntN(5) == 0 {
			continue
		}
		net := r.Int64N(2_000_000)
		// A sum of per-line rounded taxes strays a few cents from the tax on the sum.
		tax := (net*bp + 5000) / 10000
		if bp != 0 {
			tax += r.Int64N(7) - 3
		}
		d.SalesByRate = append(d.SalesByRate, RateAmount{bp, net, tax})
		if r.IntN(3) == 0 {
			rn := -r.Int64N(net/10 + 1)
			d.ReturnsByRate = append(d.ReturnsByRate, RateAmount{bp, rn, -(-rn*bp + 5000) / 10000})
		}
	}
	d.Discounts = r.Int64N(5000)
	d.CashRounding = r.Int64N(9) - 4
	if r.IntN(3) == 0 {
		d.VouchersSold = 1000 * r.Int64N(10)
	}
	total := d.Gross() + d.CashRounding + d.VouchersSold
	voucher := int64(0)
	if r.IntN(3) == 0 {
		voucher = r.Int64N(max(total/10, 1))
	}
	card := r.Int64N(max(total/2, 1))
	other := int64(0)
	if r.IntN(6) == 0 {
		other = r.Int64N(10_000)
	}
	cash := total - voucher - card - other
	for _, t := range []Tender{{pos.TenderCash, cash}, {pos.TenderCard, card}, {pos.TenderVoucher, voucher}, {TenderOther, other}} {
		if t.Amount != 0 {
			d.Tenders = append(d.Tenders, t)
		}
	}
	if card != 0 && r.IntN(4) != 0 {
		a := card - r.Int64N(card/2+1)
		d.CardSettlements = []CardSettlement{{"T1", a}, {"T2", card - a}}
		if r.IntN(3) == 0 {
			d.CardSettlements[1].Amount += r.Int64N(201) - 100
		}
	}
	for i := r.IntN(4); i > 0; i-- {
		p := Payout{Reason: []string{"Milch", "Reinigung", "Porto", "Bürobedarf"}[r.IntN(4)], Gross: 1 + r.Int64N(20_000)}
		if r.IntN(2) == 0 {
			p.RateBP = []int64{1900, 700}[r.IntN(2)]
			p.Tax = (p.Gross*p.RateBP + (10000+p.RateBP)/2) / (10000 + p.RateBP)
		}
		d.Payouts = append(d.Payouts, p)
	}
	d.CashDrops = r.Int64N(3) * 50_000
	if r.IntN(4) == 0 {
		d.FloatIn, d.FloatOut = 20_000, 20_000+r.Int64N(3)*1000
	}
	d.CashOverShort = r.Int64N(41) - 20
	return d
}

// genWeek is the fixed week of one store behind the DATEV golden file.
func genWeek() []Day {
	r := rand.New(rand.NewPCG(2026, 12))
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	var days []Day
	for i := 0; i < 7; i++ {
		d := genDay(r, "BER-01", start.AddDate(0, 0, i).Format(time.DateOnly), false)
		if i == 2 { // a terminal that settled 1,00 € more than the tenders say
			d.CardSettlements = []CardSettlement{{"T1", d.TenderTotal(pos.TenderCard) + 100}}
		}
		if i == 4 {
			d.Payouts = append(d.Payouts, Payout{Reason: "Reinigung \"Glanz\"; Fenster €", Gross: 11900, RateBP: 1900, Tax: 1900})
		}
		days = append(days, d)
	}
	return days
}
