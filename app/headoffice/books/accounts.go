package books

import (
	"strconv"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// AccountKey names an account by its role in the books; a Chart maps it to
// the store's account number and name.
type AccountKey string

// The roles postings use. Revenue, output and input VAT exist per rate
// (RevenueKey, OutputVATKey, InputVATKey).
const (
	Cash             AccountKey = "cash"              // the drawers
	CashTransit      AccountKey = "cash_transit"      // Geldtransit: drops and floats between drawer, safe and bank
	SalesClearing    AccountKey = "sales_clearing"    // Durchlaufkonto: receipts in, tenders out, zero every day
	CardClearing     AccountKey = "card_clearing"     // card money the acquirer owes
	CardDifference   AccountKey = "card_difference"   // terminal end-of-day minus our card tenders, to investigate
	OtherClearing    AccountKey = "other_clearing"    // tenders of kind "other"
	VoucherLiability AccountKey = "voucher_liability" // multi-purpose vouchers sold, not yet redeemed
	CashOver         AccountKey = "cash_over"
	CashShort        AccountKey = "cash_short"
	RoundingGain     AccountKey = "rounding_gain"
	RoundingLoss     AccountKey = "rounding_loss"
	PayoutExpense    AccountKey = "payout_expense"
)

// RevenueKey is the revenue account of a VAT rate.
func RevenueKey(bp int64) AccountKey { return AccountKey("revenue_" + strconv.FormatInt(bp, 10)) }

// OutputVATKey is the output VAT (Umsatzsteuer) account of a rate.
func OutputVATKey(bp int64) AccountKey { return AccountKey("output_vat_" + strconv.FormatInt(bp, 10)) }

// InputVATKey is the input VAT (Vorsteuer) account of a rate.
func InputVATKey(bp int64) AccountKey { return AccountKey("input_vat_" + strconv.FormatInt(bp, 10)) }

// Account is one account of a chart.
type Account struct {
	Number string // DATEV Sachkonto; "" in the generic chart
	Name   string
	// Auto marks a DATEV Automatikkonto (AM/AV): DATEV splits the tax off
	// itself, so a posting to it carries no BU key.
	Auto bool
}

// Ledger is the account's name in the hledger journal.
func (a Account) Ledger() string {
	if a.Number == "" {
		return a.Name
	}
	return a.Number + " " + a.Name
}

// Chart maps account keys to a store's accounts. The zero value is unusable;
// start from SKR03, SKR04 or Generic and override with With.
type Chart struct {
	Name     string // "SKR03", "SKR04", "generic"
	SKR      string // DATEV header field 27: "03", "04"; "" when not a DATEV chart
	German   bool   // posting texts in German
	base     map[AccountKey]Account
	override map[AccountKey]Account
	derive   func(AccountKey) (Account, bool)
	// BU keys (DATEV Steuerschlüssel) per rate for postings on accounts
	// that are not automatic.
	outputBU, inputBU map[int64]string
}

// With returns a copy of the chart with one account replaced; the store's
// accountant decides, Till only proposes defaults.
func (c Chart) With(k AccountKey, a Account) Chart {
	o := make(map[AccountKey]Account, len(c.override)+1)
	for k, v := range c.override {
		o[k] = v
	}
	o[k] = a
	c.override = o
	return c
}

// Account returns the account for a key, or an error telling which key to map.
func (c Chart) Account(k AccountKey) (Account, error) {
	if a, ok := c.override[k]; ok {
		return a, nil
	}
	if a, ok := c.base[k]; ok {
		return a, nil
	}
	if c.derive != nil {
		if a, ok := c.derive(k); ok {
			return a, nil
		}
	}
	return Account{}, pos.Errorf(pos.EInvalid, "chart %s has no account for %q: map one for this store", c.Name, k)
}

// WithBU returns a copy of the chart with the DATEV BU keys for one rate
// replaced (output VAT, input VAT; "" keeps none). Since 2021 DATEV also
// offers three-digit keys; which ones a client uses is the adviser's call.
func (c Chart) WithBU(bp int64, output, input string) Chart {
	cp := func(m map[int64]string, v string) map[int64]string {
		o := make(map[int64]string, len(m)+1)
		for k, x := range m {
			o[k] = x
		}
		if v == "" {
			delete(o, bp)
		} else {
			o[bp] = v
		}
		return o
	}
	c.outputBU, c.inputBU = cp(c.outputBU, output), cp(c.inputBU, input)
	return c
}

// OutputBU is the DATEV BU key for output VAT at a rate ("" for none).
func (c Chart) OutputBU(bp int64) string { return c.outputBU[bp] }

// InputBU is the DATEV BU key for input VAT at a rate ("" for none).
func (c Chart) InputBU(bp int64) string { return c.inputBU[bp] }

// Keys are the keys the chart maps explicitly (base and overrides), sorted.
func (c Chart) Keys() []AccountKey {
	seen := map[AccountKey]bool{}
	var out []AccountKey
	for _, m := range []map[AccountKey]Account{c.base, c.override} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sortKeys(out)
	return out
}

// DATEV's default tax keys (Steuerschlüssel) in SKR03 and SKR04: 2 = USt 7 %,
// 3 = USt 19 %, 8 = Vorsteuer 7 %, 9 = Vorsteuer 19 %. Source: DATEV
// Kontenrahmen legend "Bedeutung der Steuerschlüssel", e.g.
// https://buchungssatz.de/de/kontenrahmen/skr80/seite45.html
var (
	defaultOutputBU = map[int64]string{1900: "3", 700: "2"}
	defaultInputBU  = map[int64]string{1900: "9", 700: "8"}
)

// SKR03 is DATEV's Standardkontenrahmen 03 (process-oriented). Sources:
//   - 1000 Kasse, 1200 Bank, 1360 Geldtransit:
//     http://www.rechnungswesen-info.de/buchungen_geldtransitkonto.html
//   - 8400/8300 Erlöse 19 %/7 % (automatic), 1776/1771 Umsatzsteuer 19 %/7 %:
//     https://mein.kiehl.de/Dokument/855078 and https://ronald-holz.de/tag/ausgangsrechnung-inland-buchen
//   - 1576 Vorsteuer 19 %: https://epago.de/konten/1776-umsatzsteuer-19 ; 1571 Vorsteuer 7 %
//     lies in the Abziehbare-Vorsteuer range 1570-1579 (SKR04 1400-1409):
//     http://www.infoportal-buchhaltung.com/lexikon/aufzuteilende-vorsteuer/
//   - 2309 Sonstige Aufwendungen unregelmäßig (Kassenfehlbetrag), 2709 Sonstige
//     Erträge unregelmäßig (Kassenüberschuss): haufe.de "Kassenfehlbeträge und
//     Mehrbeträge: So gehen Sie richtig vor".
//   - 1604 Verbindlichkeiten aus Gutscheinen (set up individually): haufe.de
//     "Kassenführung: Die richtige Erfassung von Gutscheinen".
//   - 4900 (SKR04 6300) Sonstige betriebliche Aufwendungen takes payouts: haufe.de
//     "Betriebsbedarf: Was dem Konto Betriebsbedarf zuzuordnen ist".
//   - 1361, 1362, 1363, 1369 are sub-accounts of Geldtransit the accountant
//     sets up.
func SKR03() Chart {
	return Chart{Name: "SKR03", SKR: "03", German: true, outputBU: defaultOutputBU, inputBU: defaultInputBU,
		base: map[AccountKey]Account{
			Cash:               {Number: "1000", Name: "Kasse"},
			CashTransit:        {Number: "1360", Name: "Geldtransit"},
			CardClearing:       {Number: "1361", Name: "Geldtransit Kartenzahlungen"},
			CardDifference:     {Number: "1362", Name: "Differenzen Kartenabrechnung"},
			OtherClearing:      {Number: "1363", Name: "Geldtransit sonstige Zahlarten"},
			SalesClearing:      {Number: "1369", Name: "Durchlaufkonto Kasse"},
			VoucherLiability:   {Number: "1604", Name: "Verbindlichkeiten aus Gutscheinen"},
			InputVATKey(700):   {Number: "1571", Name: "Abziehbare Vorsteuer 7 %"},
			InputVATKey(1900):  {Number: "1576", Name: "Abziehbare Vorsteuer 19 %"},
			OutputVATKey(700):  {Number: "1771", Name: "Umsatzsteuer 7 %"},
			OutputVATKey(1900): {Number: "1776", Name: "Umsatzsteuer 19 %"},
			CashShort:          {Number: "2309", Name: "Sonstige Aufwendungen unregelmäßig"},
			RoundingLoss:       {Number: "2309", Name: "Sonstige Aufwendungen unregelmäßig"},
			CashOver:           {Number: "2709", Name: "Sonstige Erträge unregelmäßig"},
			RoundingGain:       {Number: "2709", Name: "Sonstige Erträge unregelmäßig"},
			PayoutExpense:      {Number: "4900", Name: "Sonstige betriebliche Aufwendungen"},
			RevenueKey(700):    {Number: "8300", Name: "Erlöse 7 % USt", Auto: true},
			RevenueKey(1900):   {Number: "8400", Name: "Erlöse 19 % USt", Auto: true},
		}}
}

// SKR04 is DATEV's Standardkontenrahmen 04 (balance-sheet order), the same
// roles as SKR03. Sources as for SKR03: 1600 Kasse, 1800 Bank, 1460
// Geldtransit; 4400/4300 Erlöse, 3806/3801 Umsatzsteuer; 1406 Vorsteuer 19 %
// (1401 its 7 % pair); 6969/4839 Kassenfehl-/-mehrbetrag; 3304
// Verbindlichkeiten aus Gutscheinen; 6300 Sonstige betriebliche Aufwendungen.
func SKR04() Chart {
	return Chart{Name: "SKR04", SKR: "04", German: true, outputBU: defaultOutputBU, inputBU: defaultInputBU,
		base: map[AccountKey]Account{
			Cash:               {Number: "1600", Name: "Kasse"},
			CashTransit:        {Number: "1460", Name: "Geldtransit"},
			CardClearing:       {Number: "1461", Name: "Geldtransit Kartenzahlungen"},
			CardDifference:     {Number: "1462", Name: "Differenzen Kartenabrechnung"},
			OtherClearing:      {Number: "1463", Name: "Geldtransit sonstige Zahlarten"},
			SalesClearing:      {Number: "1469", Name: "Durchlaufkonto Kasse"},
			InputVATKey(700):   {Number: "1401", Name: "Abziehbare Vorsteuer 7 %"},
			InputVATKey(1900):  {Number: "1406", Name: "Abziehbare Vorsteuer 19 %"},
			VoucherLiability:   {Number: "3304", Name: "Verbindlichkeiten aus Gutscheinen"},
			OutputVATKey(700):  {Number: "3801", Name: "Umsatzsteuer 7 %"},
			OutputVATKey(1900): {Number: "3806", Name: "Umsatzsteuer 19 %"},
			RevenueKey(700):    {Number: "4300", Name: "Erlöse 7 % USt", Auto: true},
			RevenueKey(1900):   {Number: "4400", Name: "Erlöse 19 % USt", Auto: true},
			CashOver:           {Number: "4839", Name: "Sonstige Erträge unregelmäßig"},
			RoundingGain:       {Number: "4839", Name: "Sonstige Erträge unregelmäßig"},
			PayoutExpense:      {Number: "6300", Name: "Sonstige betriebliche Aufwendungen"},
			CashShort:          {Number: "6969", Name: "Sonstige Aufwendungen unregelmäßig"},
			RoundingLoss:       {Number: "6969", Name: "Sonstige Aufwendungen unregelmäßig"},
		}}
}

// Generic is an English chart in hledger's account tree style for stores
// outside Germany or owners who keep their own books; it has an account for
// every rate.
func Generic() Chart {
	return Chart{Name: "generic",
		base: map[AccountKey]Account{
			Cash:             {Name: "Assets:Cash:Drawer"},
			CashTransit:      {Name: "Assets:Cash:InTransit"},
			SalesClearing:    {Name: "Assets:Clearing:Sales"},
			CardClearing:     {Name: "Assets:Clearing:Card"},
			CardDifference:   {Name: "Assets:Clearing:CardDifference"},
			OtherClearing:    {Name: "Assets:Clearing:Other"},
			VoucherLiability: {Name: "Liabilities:Vouchers"},
			CashOver:         {Name: "Income:CashOver"},
			CashShort:        {Name: "Expenses:CashShort"},
			RoundingGain:     {Name: "Income:CashRounding"},
			RoundingLoss:     {Name: "Expenses:CashRounding"},
			PayoutExpense:    {Name: "Expenses:Payouts"},
		},
		derive: func(k AccountKey) (Account, bool) {
			for prefix, name := range map[string]string{"revenue_": "Income:Sales:VAT", "output_vat_": "Liabilities:VAT:Output",
				"input_vat_": "Assets:VAT:Input"} {
				if s, ok := strings.CutPrefix(string(k), prefix); ok {
					bp, err := strconv.ParseInt(s, 10, 64)
					if err != nil || bp < 0 || bp > 100_00 {
						return Account{}, false
					}
					return Account{Name: name + rateLabel(bp)}, true
				}
			}
			return Account{}, false
		}}
}

// rateLabel renders basis points as a percentage without trailing zeros: 1900 → "19", 550 → "5.5".
func rateLabel(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		f := strconv.FormatInt(100+frac, 10)[1:]
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}
