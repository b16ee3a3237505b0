package books

import (
	"fmt"
	"sort"

	"github.com/tillpos/till/app/pos"
)

// TaxSide says which side of a posting carries VAT.
type TaxSide int

const (
	NoTax    TaxSide = iota
	TaxOut           // output VAT split off the credit side (a sale)
	TaxInput         // input VAT split off the debit side (an expense)
)

// Posting is one booking: Amount moves from Credit to Debit. Amount is gross
// and may be negative (a return, a correction): the same accounts, the other
// direction. When Side is not NoTax, Tax (part of Amount) goes to the VAT
// account of RateBP instead of the taxed side's account. This is the shape
// of a DATEV booking row (Konto, Gegenkonto, Umsatz, BU key), so the export
// loses nothing.
type Posting struct {
	Date   string     // YYYY-MM-DD: the business day, or the day a correction was made
	Store  string     //
	Doc    string     // Belegfeld 1: the day's Z reference, at most 36 characters
	Text   string     // Buchungstext, at most 60 characters
	Debit  AccountKey // Konto
	Credit AccountKey // Gegenkonto
	Amount int64
	Side   TaxSide
	RateBP int64
	Tax    int64
}

// Line is one account's share of a posting: positive is debit, negative credit.
type Line struct {
	Account AccountKey
	Amount  int64
}

// Lines expands the posting into account lines; they always sum to zero.
func (p Posting) Lines() []Line {
	switch p.Side {
	case TaxOut:
		return []Line{{p.Debit, p.Amount}, {p.Credit, -(p.Amount - p.Tax)}, {OutputVATKey(p.RateBP), -p.Tax}}
	case TaxInput:
		return []Line{{p.Debit, p.Amount - p.Tax}, {InputVATKey(p.RateBP), p.Tax}, {p.Credit, -p.Amount}}
	}
	return []Line{{p.Debit, p.Amount}, {p.Credit, -p.Amount}}
}

// Flag is something the accountant should look at; it is reported next to
// the postings, never hidden in them.
type Flag struct {
	Store, Date string
	Kind        string // "card_difference", "no_card_settlement"
	Amount      int64
	Text        string
}

// DayBook is a day's postings and flags.
type DayBook struct {
	Store, Date string
	Postings    []Posting
	Flags       []Flag
}

// Balances sums postings per account (debit positive).
func Balances(ps []Posting) map[AccountKey]int64 {
	out := map[AccountKey]int64{}
	for _, p := range ps {
		for _, l := range p.Lines() {
			out[l.Account] += l.Amount
		}
	}
	return out
}

// Texts of the postings; German for the DATEV charts.
type texts struct{ sales, returns, vouchersSold, rounding, tender, cardDiff, payout, drop, floatIn, floatOut, over, short string }

var (
	textsDE = texts{"Umsatz %s %%", "Retouren %s %%", "Verkauf Mehrzweckgutscheine", "Rundung Bargeld",
		"Zahlart %s", "Differenz Kartenabrechnung", "Auszahlung %s", "Geldtransit an Tresor/Bank",
		"Wechselgeld in Kasse", "Wechselgeld aus Kasse", "Kassendifferenz Überschuss", "Kassendifferenz Fehlbetrag"}
	textsEN = texts{"Sales %s %%", "Returns %s %%", "Vouchers sold", "Cash rounding",
		"Tender %s", "Card settlement difference", "Payout %s", "Cash drop to safe/bank",
		"Float into drawer", "Float out of drawer", "Cash over", "Cash short"}
	tenderDE = map[pos.TenderKind]string{pos.TenderCash: "Bar", pos.TenderCard: "Karte", pos.TenderVoucher: "Gutschein", TenderOther: "Sonstige"}
)

// Book derives the day's balanced postings from its facts. Every posting
// either goes through the sales clearing account (receipts in, tenders out)
// or moves cash; the clearing account is zero at the end of every valid day.
func Book(d Day, c Chart) (DayBook, error) {
	if err := d.Validate(); err != nil {
		return DayBook{}, err
	}
	tx := textsEN
	if c.German {
		tx = textsDE
	}
	b := DayBook{Store: d.Store, Date: d.Date}
	doc := docRef(d)
	add := func(text string, debit, credit AccountKey, amount int64, side TaxSide, bp, tax int64) {
		if amount == 0 && tax == 0 {
			return
		}
		b.Postings = append(b.Postings, Posting{Date: d.Date, Store: d.Store, Doc: doc, Text: clip(text, 60),
			Debit: debit, Credit: credit, Amount: amount, Side: side, RateBP: bp, Tax: tax})
	}
	for _, r := range sortedRates(d.SalesByRate) {
		add(fmt.Sprintf(tx.sales, rateLabel(r.RateBP)), SalesClearing, RevenueKey(r.RateBP), r.Gross(), taxSide(r), r.RateBP, r.Tax)
	}
	for _, r := range sortedRates(d.ReturnsByRate) {
		add(fmt.Sprintf(tx.returns, rateLabel(r.RateBP)), SalesClearing, RevenueKey(r.RateBP), r.Gross(), taxSide(r), r.RateBP, r.Tax)
	}
	add(tx.vouchersSold, SalesClearing, VoucherLiability, d.VouchersSold, NoTax, 0, 0)
	if d.CashRounding > 0 {
		add(tx.rounding, SalesClearing, RoundingGain, d.CashRounding, NoTax, 0, 0)
	} else {
		add(tx.rounding, RoundingLoss, SalesClearing, -d.CashRounding, NoTax, 0, 0)
	}
	tenders := append([]Tender(nil), d.Tenders...)
	sort.Slice(tenders, func(i, j int) bool { return tenders[i].Kind < tenders[j].Kind })
	for _, t := range tenders {
		name := string(t.Kind)
		if c.German {
			name = tenderDE[t.Kind]
		}
		add(fmt.Sprintf(tx.tender, name), tenderAccount(t.Kind), SalesClearing, t.Amount, NoTax, 0, 0)
	}
	// The terminal's end of day is what the acquirer pays: the clearing
	// account is brought to it and the difference parked until explained.
	card := d.TenderTotal(pos.TenderCard)
	switch {
	case len(d.CardSettlements) > 0:
		if diff := d.CardSettled() - card; diff != 0 {
			add(tx.cardDiff, CardClearing, CardDifference, diff, NoTax, 0, 0)
			b.Flags = append(b.Flags, Flag{Store: d.Store, Date: d.Date, Kind: "card_difference", Amount: diff,
				Text: fmt.Sprintf("terminals settled %d, card tenders %d", d.CardSettled(), card)})
		}
	case card != 0:
		b.Flags = append(b.Flags, Flag{Store: d.Store, Date: d.Date, Kind: "no_card_settlement", Amount: card,
			Text: "card tenders but no terminal end-of-day total to match"})
	}
	for _, p := range d.Payouts {
		side := NoTax
		if p.Tax != 0 {
			side = TaxInput
		}
		add(fmt.Sprintf(tx.payout, p.Reason), PayoutExpense, Cash, p.Gross, side, p.RateBP, p.Tax)
	}
	add(tx.drop, CashTransit, Cash, d.CashDrops, NoTax, 0, 0)
	add(tx.floatIn, Cash, CashTransit, d.FloatIn, NoTax, 0, 0)
	add(tx.floatOut, CashTransit, Cash, d.FloatOut, NoTax, 0, 0)
	if d.CashOverShort > 0 {
		add(tx.over, Cash, CashOver, d.CashOverShort, NoTax, 0, 0)
	} else {
		add(tx.short, CashShort, Cash, -d.CashOverShort, NoTax, 0, 0)
	}
	// Every key must map before anything is exported.
	for _, p := range b.Postings {
		for _, l := range p.Lines() {
			if _, err := c.Account(l.Account); err != nil {
				return DayBook{}, err
			}
		}
	}
	return b, nil
}

func taxSide(r RateAmount) TaxSide {
	if r.RateBP == 0 {
		return NoTax
	}
	return TaxOut
}

func tenderAccount(k pos.TenderKind) AccountKey {
	switch k {
	case pos.TenderCash:
		return Cash
	case pos.TenderCard:
		return CardClearing
	case pos.TenderVoucher:
		return VoucherLiability
	}
	return OtherClearing
}

// docRef is the day's Belegfeld 1: "Z" + date + store, within DATEV's 36
// characters of letters, digits and $ & % * + - /.
func docRef(d Day) string {
	var b []byte
	for i := 0; i < len(d.Store); i++ {
		c := d.Store[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	ref := "Z" + d.Date[0:4] + d.Date[5:7] + d.Date[8:10] + "-" + string(b)
	if len(ref) > 36 {
		ref = ref[:36]
	}
	return ref
}

func sortedRates(rs []RateAmount) []RateAmount {
	out := append([]RateAmount(nil), rs...)
	sort.Slice(out, func(i, j int) bool { return out[i].RateBP > out[j].RateBP })
	return out
}

func sortKeys(ks []AccountKey) { sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] }) }

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
