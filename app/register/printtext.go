package register

import (
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
)

// printWords are the texts the register prints (receipts, X and Z reports,
// slips) in one language. Every language fills every field: a test checks.
type printWords struct {
	Total, Cash, Card, Voucher, Change, Discount, Net string
	TaxOf                                             string // "%c VAT %s%% of %s": letter, rate, gross
	Receipt, Date, Cashier, Register, Thanks          string
	Resumed                                           string // under the COPY banner of a job resumed after a fault

	XReport, ZReport, Opened, Closed, Entries string
	Sales, Returns, Voids                     string // "Sales (%d)"
	Tax, TaxOn                                string // TaxOn: "VAT %s%% on %s": rate, gross
	Float, CashSales, Drops, Payouts          string
	NoSales, ExpectedCash, Counted            string
	Over, Short, CardEndOfDay                 string

	Decimal    string // the decimal separator of amounts
	DateFormat string // a time.Format layout, date then time
}

var printLanguages = map[string]printWords{
	"en": {
		Total: "TOTAL", Cash: "Cash", Card: "Card", Voucher: "Voucher", Change: "Change", Discount: "Discount", Net: "Net",
		TaxOf: "%c VAT %s%% of %s", Receipt: "Receipt", Date: "Date", Cashier: "Cashier", Register: "Register",
		Thanks: "Thank you for shopping with us!", Resumed: ResumedNote,
		XReport: "X REPORT", ZReport: "Z REPORT", Opened: "Opened", Closed: "Closed", Entries: "Entries",
		Sales: "Sales (%d)", Returns: "Returns (%d)", Voids: "Voids (%d)", Tax: "Tax", TaxOn: "VAT %s%% on %s",
		Float: "Float", CashSales: "Cash sales", Drops: "Drops", Payouts: "Payouts",
		NoSales: "No-sale opens", ExpectedCash: "Expected cash", Counted: "Counted",
		Over: "Over", Short: "Short", CardEndOfDay: "Card terminal end of day",
		Decimal: ".", DateFormat: "2006-01-02 15:04:05",
	},
	"de": {
		Total: "SUMME", Cash: "Bar", Card: "Karte", Voucher: "Gutschein", Change: "Rückgeld", Discount: "Rabatt", Net: "Netto",
		TaxOf: "%c MwSt. %s%% von %s", Receipt: "Beleg", Date: "Datum", Cashier: "Kassierer", Register: "Kasse",
		Thanks: "Vielen Dank für Ihren Einkauf!", Resumed: "FORTGESETZT nach Druckerstörung",
		XReport: "X-BERICHT", ZReport: "Z-BERICHT", Opened: "Geöffnet", Closed: "Geschlossen", Entries: "Buchungen",
		Sales: "Verkäufe (%d)", Returns: "Rückgaben (%d)", Voids: "Stornos (%d)", Tax: "MwSt.", TaxOn: "MwSt. %s%% auf %s",
		Float: "Wechselgeld", CashSales: "Barumsatz", Drops: "Abschöpfungen", Payouts: "Auszahlungen",
		NoSales: "Lade ohne Verkauf", ExpectedCash: "Soll-Bestand bar", Counted: "Gezählt",
		Over: "Überschuss", Short: "Fehlbetrag", CardEndOfDay: "Kartenterminal Tagesabschluss",
		Decimal: ",", DateFormat: "02.01.2006 15:04:05",
	},
}

// wordsFor is the printed language for a store locale ("de", "de-AT", "en");
// English for anything else, as the configuration only allows en and de.
func wordsFor(locale string) printWords {
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if w, ok := printLanguages[lang]; ok {
		return w
	}
	return printLanguages["en"]
}

// money prints an amount without grouping, with the language's decimal sign.
func (w printWords) money(v int64, cur pos.Currency) string {
	return w.decimal(pos.FormatPlain(v, cur.Digits))
}

// qty renders thousandths without trailing zeros: 2, 1.25 (1,25), 0.333.
func (w printWords) qty(q pos.Qty) string { return w.decimal(qtyString(q)) }

// percent renders basis points as a percentage: 1900 -> 19, 750 -> 7.5 (7,5).
func (w printWords) percent(bp int64) string { return w.decimal(bpString(bp)) }

func (w printWords) decimal(s string) string {
	if w.Decimal != "." {
		s = strings.Replace(s, ".", w.Decimal, 1)
	}
	return s
}

func (w printWords) date(t time.Time) string { return t.In(localZone()).Format(w.DateFormat) }

// dateMinutes is date without the seconds (both layouts end in ":05").
func (w printWords) dateMinutes(t time.Time) string {
	return t.In(localZone()).Format(strings.TrimSuffix(w.DateFormat, ":05"))
}

func (w printWords) tenderLabel(t pos.Tender) string {
	switch t.Kind {
	case pos.TenderCash:
		return w.Cash
	case pos.TenderCard:
		if t.Brand != "" {
			return w.Card + " " + t.Brand + " " + t.MaskedPAN
		}
		return w.Card
	case pos.TenderVoucher:
		return w.Voucher + " " + t.Reference
	}
	return string(t.Kind)
}
