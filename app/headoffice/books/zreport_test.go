package books_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice/books"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// The facts of a day must mean what the register's Z report means. This
// test (test-only import of app/register; the package itself stays on
// app/pos) rings up random shifts with the real sale code — discounts, cash
// rounding, change, card, vouchers, returns, voids, drops, payouts —
// computes the real Z report, projects the same entries into a Day the way
// the head office's projection does, and checks the books against the Z.

var eur = pos.MustCurrency("EUR")

type shiftBuilder struct {
	r       *rand.Rand
	seq     int64
	at      time.Time
	entries []pos.Entry
	records []pos.SaleRecord
}

func (b *shiftBuilder) add(kind pos.EntryKind, v any) {
	payload, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	b.seq++
	b.at = b.at.Add(time.Minute)
	b.entries = append(b.entries, pos.Entry{Seq: b.seq, ID: fmt.Sprint("e", b.seq), RegisterID: "R1", Kind: kind, CreatedAt: b.at, Payload: payload})
}

func (b *shiftBuilder) sale(t *testing.T, ret bool) {
	r := b.r
	s := pos.NewSale(fmt.Sprint("s", b.seq), "R1", eur, pos.TaxInclusive, b.at)
	s.CashRounding = []int64{0, 5}[r.IntN(2)]
	sign := pos.Qty(1)
	if ret {
		sign = -1
	}
	for i := 0; i <= r.IntN(4); i++ {
		bp := []int64{1900, 700}[r.IntN(2)]
		p := pos.Product{ID: fmt.Sprint("p", i), Name: "Ware", Price: 1 + r.Int64N(5000), TaxRateID: fmt.Sprint(bp)}
		qty := sign * pos.Qty(1+r.IntN(3)) * pos.QtyOne
		if _, err := s.AddProduct(p, qty, bp, ""); err != nil {
			t.Fatal(err)
		}
		if !ret && r.IntN(3) == 0 {
			if err := s.SetLineDiscount(len(s.Lines)-1, pos.Discount{Percent: 1000 * (1 + r.Int64N(3))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !ret && r.IntN(4) == 0 {
		if err := s.SetOrderDiscount(pos.Discount{Amount: 1 + r.Int64N(100)}); err != nil {
			t.Fatal(err)
		}
	}
	tot, err := s.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if !ret && tot.Gross > 2 && r.IntN(3) == 0 {
		if err := s.AddTender(pos.Tender{Kind: pos.TenderCard, Amount: 1 + r.Int64N(tot.Gross-1)}); err != nil {
			t.Fatal(err)
		}
	}
	if !ret && tot.Gross > 2 && r.IntN(5) == 0 && !s.Settled() {
		if err := s.AddTender(pos.Tender{Kind: pos.TenderVoucher, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if !s.Settled() {
		due, err := s.CashDue()
		if err != nil {
			t.Fatal(err)
		}
		if !ret {
			due += r.Int64N(3) * 500 // handed over more: change
		}
		if err := s.AddTender(pos.Tender{Kind: pos.TenderCash, Amount: due}); err != nil {
			t.Fatal(err)
		}
	}
	s.Return = ret
	rec, err := s.Record(fmt.Sprint(b.seq), b.at)
	if err != nil {
		t.Fatal(err)
	}
	kind := pos.EntrySale
	if ret {
		kind = pos.EntryReturn
	}
	b.add(kind, rec)
	b.records = append(b.records, rec)
}

// void negates a completed sale the way the register's VoidSale does.
func (b *shiftBuilder) void() {
	rec := b.records[b.r.IntN(len(b.records))]
	out := rec
	out.Lines = nil
	for _, l := range rec.Lines {
		l.Qty, l.Discount, l.OrderDiscount = -l.Qty, -l.Discount, -l.OrderDiscount
		l.Amount, l.Net, l.Tax, l.Gross = -l.Amount, -l.Net, -l.Tax, -l.Gross
		out.Lines = append(out.Lines, l)
	}
	out.Tenders = nil
	for _, tn := range rec.Tenders {
		tn.Amount = -tn.Amount
		out.Tenders = append(out.Tenders, tn)
	}
	tt := rec.Totals
	tt.Net, tt.Tax, tt.Gross, tt.Paid, tt.Change, tt.Rounding = -tt.Net, -tt.Tax, -tt.Gross, -tt.Paid, -tt.Change, -tt.Rounding
	tt.Taxes = nil
	for _, tl := range rec.Totals.Taxes {
		tl.Net, tl.Tax, tl.Gross = -tl.Net, -tl.Tax, -tl.Gross
		tt.Taxes = append(tt.Taxes, tl)
	}
	out.Totals, out.RefersTo = tt, rec.SaleID
	b.add(pos.EntryVoid, out)
}

// project is the reference projection: entries of one shift → a Day.
func project(t *testing.T, entries []pos.Entry, overShort int64) books.Day {
	d := books.Day{Store: "BER-01", Date: "2026-12-07", Currency: "EUR", CashOverShort: overShort}
	sales, returns := map[int64]*books.RateAmount{}, map[int64]*books.RateAmount{}
	tenders := map[pos.TenderKind]int64{}
	for _, e := range entries {
		switch e.Kind {
		case pos.EntrySale, pos.EntryReturn, pos.EntryVoid:
			var rec pos.SaleRecord
			if err := json.Unmarshal(e.Payload, &rec); err != nil {
				t.Fatal(err)
			}
			bucket := sales
			if e.Kind != pos.EntrySale || rec.Totals.Gross < 0 {
				bucket = returns
			}
			for _, tl := range rec.Totals.Taxes {
				ra := bucket[tl.BasisPoints]
				if ra == nil {
					ra = &books.RateAmount{RateBP: tl.BasisPoints}
					bucket[tl.BasisPoints] = ra
				}
				ra.Net += tl.Net
				ra.Tax += tl.Tax
			}
			for _, l := range rec.Lines {
				d.Discounts += l.Discount + l.OrderDiscount
			}
			d.CashRounding += rec.Totals.Rounding
			change := rec.Totals.Change
			for _, tn := range rec.Tenders {
				amt := tn.Amount
				if tn.Kind == pos.TenderCash {
					amt -= change
					change = 0
				}
				tenders[tn.Kind] += amt
			}
		case pos.EntryCashMove:
			var mv register.CashMoveRecord
			if err := json.Unmarshal(e.Payload, &mv); err != nil {
				t.Fatal(err)
			}
			switch mv.Kind {
			case register.CashDrop:
				d.CashDrops += mv.Amount
			case register.CashPayout:
				d.Payouts = append(d.Payouts, books.Payout{Reason: mv.Reason, Gross: mv.Amount})
			}
		}
	}
	for _, m := range []map[int64]*books.RateAmount{sales, returns} {
		for _, ra := range m {
			if m[ra.RateBP] == sales[ra.RateBP] {
				d.SalesByRate = append(d.SalesByRate, *ra)
			} else {
				d.ReturnsByRate = append(d.ReturnsByRate, *ra)
			}
		}
	}
	for k, v := range tenders {
		d.Tenders = append(d.Tenders, books.Tender{Kind: k, Amount: v})
	}
	return d
}

func TestBooksAgreeWithZReport(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 15))
	for shift := 0; shift < 200; shift++ {
		b := &shiftBuilder{r: r, at: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), seq: 1}
		open := register.ShiftOpenRecord{ShiftID: "sh", RegisterID: "R1", Currency: "EUR", Float: 15000, At: b.at}
		for i := 0; i < 1+r.IntN(25); i++ {
			b.sale(t, r.IntN(6) == 0)
			switch r.IntN(10) {
			case 0:
				b.void()
			case 1:
				b.add(pos.EntryCashMove, register.CashMoveRecord{ShiftID: "sh", Kind: register.CashDrop, Amount: 5000, At: b.at})
			case 2:
				b.add(pos.EntryCashMove, register.CashMoveRecord{ShiftID: "sh", Kind: register.CashPayout, Amount: 1 + r.Int64N(900), Reason: "Porto", At: b.at})
			}
		}
		z, err := register.ComputeShiftReport(open, 1, b.entries)
		if err != nil {
			t.Fatal(err)
		}
		counted := z.ExpectedCash + r.Int64N(11) - 5
		overShort := counted - z.ExpectedCash
		day := project(t, b.entries, overShort)
		bk, err := books.Book(day, books.SKR03())
		if err != nil {
			t.Fatalf("shift %d: %v", shift, err)
		}
		bal := books.Balances(bk.Postings)
		// The drawer's books: what was counted, less the float that was already there.
		if got, want := bal[books.Cash], counted-z.Float; got != want {
			t.Errorf("shift %d: cash account %d, Z counted %d - float %d", shift, got, counted, z.Float)
		}
		if bal[books.CashTransit] != z.Drops || bal[books.PayoutExpense] != z.Payouts {
			t.Errorf("shift %d: transit %d / payouts %d, Z drops %d / payouts %d", shift, bal[books.CashTransit], bal[books.PayoutExpense], z.Drops, z.Payouts)
		}
		if bal[books.CardClearing] != z.TenderAmount(pos.TenderCard) || bal[books.VoucherLiability] != z.TenderAmount(pos.TenderVoucher) {
			t.Errorf("shift %d: card %d voucher %d, Z %d %d", shift, bal[books.CardClearing], bal[books.VoucherLiability],
				z.TenderAmount(pos.TenderCard), z.TenderAmount(pos.TenderVoucher))
		}
		var net, tax int64
		for _, tl := range z.ByRate {
			if got := -bal[books.RevenueKey(tl.BasisPoints)]; got != tl.Net {
				t.Errorf("shift %d: revenue %d bp %d, Z net %d", shift, tl.BasisPoints, got, tl.Net)
			}
			if got := -bal[books.OutputVATKey(tl.BasisPoints)]; got != tl.Tax {
				t.Errorf("shift %d: VAT %d bp %d, Z tax %d", shift, tl.BasisPoints, got, tl.Tax)
			}
			net += tl.Net
			tax += tl.Tax
		}
		if net != z.Net || tax != z.Tax || bal[books.SalesClearing] != 0 {
			t.Errorf("shift %d: net %d tax %d clearing %d, Z net %d tax %d", shift, net, tax, bal[books.SalesClearing], z.Net, z.Tax)
		}
	}
}
