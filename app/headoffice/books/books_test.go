package books

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
)

func exampleDay() Day {
	return Day{Store: "S1", Date: "2026-12-07", Currency: "EUR",
		SalesByRate:     []RateAmount{{1900, 10000, 1900}, {700, 1000, 70}},
		ReturnsByRate:   []RateAmount{{1900, -1000, -190}},
		CashRounding:    -2,
		VouchersSold:    2500,
		Tenders:         []Tender{{pos.TenderCash, 7000}, {pos.TenderCard, 6778}, {pos.TenderVoucher, 500}},
		CardSettlements: []CardSettlement{{"T1", 6788}},
		Payouts:         []Payout{{Reason: "Milch", Gross: 119, RateBP: 700, Tax: 8}},
		CashDrops:       2000, FloatIn: 10000, FloatOut: 10000, CashOverShort: -5}
}

func TestBookExample(t *testing.T) {
	t.Parallel()
	b, err := Book(exampleDay(), SKR03())
	if err != nil {
		t.Fatal(err)
	}
	got := Balances(b.Postings)
	want := map[AccountKey]int64{
		SalesClearing:      0,
		RevenueKey(1900):   -9000,
		OutputVATKey(1900): -1710,
		RevenueKey(700):    -1000,
		OutputVATKey(700):  -70,
		VoucherLiability:   -2500 + 500,
		RoundingLoss:       2,
		Cash:               7000 - 119 - 2000 + 10000 - 10000 - 5,
		CardClearing:       6788,
		CardDifference:     -10,
		PayoutExpense:      111,
		InputVATKey(700):   8,
		CashTransit:        2000 - 10000 + 10000,
		CashShort:          5,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok && v != 0 {
			t.Errorf("unexpected balance %s = %d", k, v)
		}
	}
	if len(b.Flags) != 1 || b.Flags[0].Kind != "card_difference" || b.Flags[0].Amount != 10 {
		t.Errorf("flags = %+v, want one card difference of 10", b.Flags)
	}
	for _, p := range b.Postings {
		if p.Doc != "Z20261207-S1" || p.Date != "2026-12-07" || p.Text == "" {
			t.Errorf("posting %+v lacks its day, document or text", p)
		}
	}
}

func TestNoSettlementIsFlagged(t *testing.T) {
	t.Parallel()
	d := exampleDay()
	d.CardSettlements = nil
	b, err := Book(d, Generic())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Flags) != 1 || b.Flags[0].Kind != "no_card_settlement" || Balances(b.Postings)[CardClearing] != 6778 {
		t.Errorf("flags %+v, card clearing %d", b.Flags, Balances(b.Postings)[CardClearing])
	}
}

func TestValidateRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*Day){
		"no store":         func(d *Day) { d.Store = "" },
		"bad date":         func(d *Day) { d.Date = "07.12.2026" },
		"bad currency":     func(d *Day) { d.Currency = "XXX" },
		"unbalanced":       func(d *Day) { d.Tenders[0].Amount++ },
		"unknown tender":   func(d *Day) { d.Tenders[0].Kind = "iou" },
		"tender twice":     func(d *Day) { d.Tenders = append(d.Tenders, Tender{pos.TenderCash, 0}) },
		"rate twice":       func(d *Day) { d.SalesByRate = append(d.SalesByRate, RateAmount{700, 0, 0}) },
		"rate range":       func(d *Day) { d.SalesByRate[0].RateBP = 100_01 },
		"tax at 0%":        func(d *Day) { d.SalesByRate = append(d.SalesByRate, RateAmount{0, 0, 1}) },
		"huge amount":      func(d *Day) { d.VouchersSold = pos.MaxAmount + 1 },
		"negative drop":    func(d *Day) { d.CashDrops = -1 },
		"payout tax>gross": func(d *Day) { d.Payouts[0].Tax = 119 },
		"payout no rate":   func(d *Day) { d.Payouts[0].RateBP = 0 },
		"payout zero":      func(d *Day) { d.Payouts[0].Gross = 0 },
		"too many payouts": func(d *Day) { d.Payouts = make([]Payout, MaxPayouts+1) },
		"long reason":      func(d *Day) { d.Payouts[0].Reason = strings.Repeat("x", MaxTextLen+1) },
	}
	if err := exampleDay().Validate(); err != nil {
		t.Fatalf("example day: %v", err)
	}
	for name, mutate := range cases {
		d := exampleDay()
		d.Tenders = append([]Tender(nil), d.Tenders...)
		d.SalesByRate = append([]RateAmount(nil), d.SalesByRate...)
		d.Payouts = append([]Payout(nil), d.Payouts...)
		mutate(&d)
		err := d.Validate()
		var perr *pos.Error
		if err == nil || !errors.As(err, &perr) || perr.Code != pos.EInvalid {
			t.Errorf("%s: Validate = %v, want an EInvalid error", name, err)
		}
		if _, err := Book(d, Generic()); err == nil {
			t.Errorf("%s: Book accepted the facts", name)
		}
	}
}

func TestChartMappingAndOverride(t *testing.T) {
	t.Parallel()
	d := exampleDay()
	d.SalesByRate = append(d.SalesByRate, RateAmount{0, 500, 0})
	d.Tenders[0].Amount += 500
	for _, c := range []Chart{SKR03(), SKR04()} {
		if _, err := Book(d, c); err == nil || !strings.Contains(err.Error(), string(RevenueKey(0))) {
			t.Errorf("%s: 0 %% revenue without an account: %v, want an error naming the key", c.Name, err)
		}
		c = c.With(RevenueKey(0), Account{Number: "8100", Name: "Steuerfreie Umsätze"})
		if _, err := Book(d, c); err != nil {
			t.Errorf("%s with an override: %v", c.Name, err)
		}
	}
	if a, _ := Generic().Account(RevenueKey(550)); a.Name != "Income:Sales:VAT5.5" {
		t.Errorf("generic 5.5 %% revenue = %q", a.Name)
	}
	base := SKR03()
	over := base.With(Cash, Account{Number: "1001", Name: "Kasse Filiale"})
	if a, _ := base.Account(Cash); a.Number != "1000" {
		t.Errorf("With changed the original chart: %v", a)
	}
	if a, _ := over.Account(Cash); a.Number != "1001" {
		t.Errorf("override not applied: %v", a)
	}
	// Both German charts map the same roles.
	if !reflect.DeepEqual(SKR03().Keys(), SKR04().Keys()) {
		t.Errorf("SKR03 keys %v, SKR04 keys %v", SKR03().Keys(), SKR04().Keys())
	}
}

// TestPropertyBooksBalance: over random days, every posting balances, the
// day balances, the sales clearing account is zero and each account holds
// exactly what the facts say it should.
func TestPropertyBooksBalance(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		zero := i%3 == 0
		d := genDay(r, fmt.Sprintf("S%d", i%7), fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28), zero)
		c := []Chart{SKR03(), SKR04(), Generic()}[i%3]
		if zero && c.SKR != "" {
			c = c.With(RevenueKey(0), Account{Number: "8100", Name: "Steuerfrei"})
		}
		b, err := Book(d, c)
		if err != nil {
			t.Fatalf("day %d: %v\n%+v", i, err, d)
		}
		var debit, credit int64
		for _, p := range b.Postings {
			var s int64
			for _, l := range p.Lines() {
				s += l.Amount
				if l.Amount > 0 {
					debit += l.Amount
				} else {
					credit -= l.Amount
				}
			}
			if s != 0 {
				t.Fatalf("day %d: posting %+v does not balance (%d)", i, p, s)
			}
		}
		if debit != credit {
			t.Fatalf("day %d: debits %d != credits %d", i, debit, credit)
		}
		checkBalances(t, d, Balances(b.Postings))
	}
}

func checkBalances(t *testing.T, d Day, got map[AccountKey]int64) {
	t.Helper()
	want := map[AccountKey]int64{}
	for _, r := range append(append([]RateAmount(nil), d.SalesByRate...), d.ReturnsByRate...) {
		want[RevenueKey(r.RateBP)] -= r.Net
		if r.RateBP != 0 {
			want[OutputVATKey(r.RateBP)] -= r.Tax
		} else {
			want[RevenueKey(r.RateBP)] -= r.Tax
		}
	}
	var payoutGross int64
	for _, p := range d.Payouts {
		payoutGross += p.Gross
		want[PayoutExpense] += p.Gross - p.Tax
		if p.Tax != 0 {
			want[InputVATKey(p.RateBP)] += p.Tax
		}
	}
	want[Cash] = d.TenderTotal(pos.TenderCash) - payoutGross - d.CashDrops + d.FloatIn - d.FloatOut + d.CashOverShort
	want[CashTransit] = d.CashDrops - d.FloatIn + d.FloatOut
	want[CardClearing] = d.TenderTotal(pos.TenderCard)
	if len(d.CardSettlements) > 0 {
		want[CardClearing] = d.CardSettled()
		want[CardDifference] = d.TenderTotal(pos.TenderCard) - d.CardSettled()
	}
	want[OtherClearing] = d.TenderTotal(TenderOther)
	want[VoucherLiability] = d.VouchersRedeemed() - d.VouchersSold
	if d.CashRounding > 0 {
		want[RoundingGain] = -d.CashRounding
	} else {
		want[RoundingLoss] = -d.CashRounding
	}
	if d.CashOverShort > 0 {
		want[CashOver] = -d.CashOverShort
	} else {
		want[CashShort] = -d.CashOverShort
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			want[k] = 0
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: %s = %d, want %d (facts %+v)", d, k, got[k], v, d)
		}
	}
}
