package books

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
)

// DATEVHeader holds what the accountant tells the owner for the EXTF
// Buchungsstapel header (DATEV-Format version 700, category 21, format
// version 13).
type DATEVHeader struct {
	Consultant      int       // Beraternummer, 1001-9999999
	Client          int       // Mandantennummer, 1-99999
	FiscalYearStart string    // WJ-Beginn, YYYY-MM-DD
	AccountLength   int       // Sachkontenlänge, 4-8; every account number must have it
	From, To        string    // Datum vom/bis, YYYY-MM-DD, inside one fiscal year
	Label           string    // Bezeichnung, at most 30 characters
	Initials        string    // Diktatkürzel, at most 2 characters
	ExportedBy      string    // Exportiert von, at most 25 characters
	Currency        string    // WKZ, "EUR"
	Created         time.Time // Erzeugt am
}

// DATEVColumns is the column line of a Buchungsstapel, format version 13:
// 125 columns in DATEV's order and spelling. The layout follows DATEV's
// Formatbeschreibung (developer.datev.de, "Buchungsstapel"); the list was
// checked against open implementations that import into DATEV, e.g. the
// 125-column list ending with "Abw. Skontokonto".
var DATEVColumns = func() []string {
	cols := []string{"Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz",
		"WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1",
		"Belegfeld 2", "Skonto", "Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank",
		"Sachverhalt", "Zinssperre", "Beleglink"}
	for i := 1; i <= 8; i++ {
		cols = append(cols, "Beleginfo - Art "+strconv.Itoa(i), "Beleginfo - Inhalt "+strconv.Itoa(i))
	}
	cols = append(cols, "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID (Bestimmung)",
		"EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L",
		"BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung")
	for i := 1; i <= 20; i++ {
		cols = append(cols, "Zusatzinformation - Art "+strconv.Itoa(i), "Zusatzinformation- Inhalt "+strconv.Itoa(i))
	}
	return append(cols, "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit",
		"Skontotyp", "Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)",
		"Sachverhalt L+L (Anzahlungen)", "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz",
		"Buchungs GUID", "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername",
		"Beteiligtennummer", "Identifikationsnummer", "Zeichnernummer", "Postensperre bis",
		"Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung", "Festschreibung", "Leistungsdatum",
		"Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr (GU)", "Steuersatz", "Land", "Abrechnungsreferenz",
		"BVV-Position", "EU-Land u. UStID (Ursprung)", "EU-Steuersatz (Ursprung)", "Abw. Skontokonto")
}()

// Column positions (0-based) the export fills.
const (
	colUmsatz, colSH, colWKZ        = 0, 1, 2
	colKonto, colGegenkonto, colBU  = 6, 7, 8
	colBelegdatum, colBelegfeld1    = 9, 10
	colBuchungstext, colFestschreib = 13, 113
)

// DATEVFileName is the batch's file name: DATEV's import expects EXTF_*.csv.
func DATEVFileName(store, from, to string) string {
	return "EXTF_Buchungsstapel_" + belegfeld(store) + "_" + strings.ReplaceAll(from, "-", "") + "_" + strings.ReplaceAll(to, "-", "") + ".csv"
}

// maxDATEVAmount: Umsatz has at most 10 digits before the decimal comma.
const maxDATEVAmount = 9_999_999_999_99

// WriteDATEV writes postings as an EXTF Buchungsstapel in Windows-1252 with
// CRLF lines: the header line, the column line, one row per posting. Konto
// is the posting's debit account, Gegenkonto its credit account, and a
// negative amount is written as its absolute value with "H" (the same
// booking the other way). On a DATEV automatic account the gross goes
// without BU key and DATEV splits the VAT off; on other accounts the
// chart's BU key for the rate is set.
func WriteDATEV(w io.Writer, h DATEVHeader, c Chart, ps []Posting) error {
	if err := h.validate(c); err != nil {
		return err
	}
	cur, _ := pos.LookupCurrency(h.Currency)
	var buf bytes.Buffer
	line := func(fields []string) {
		buf.WriteString(strings.Join(fields, ";"))
		buf.WriteString("\r\n")
	}
	line(h.fields(c))
	cols := make([]string, len(DATEVColumns))
	for i, name := range DATEVColumns {
		cols[i] = quote(name)
	}
	line(cols)
	for i, p := range ps {
		if _, err := time.Parse(time.DateOnly, p.Date); err != nil {
			return pos.Errorf(pos.EInvalid, "posting %d: date %q is not YYYY-MM-DD", i, p.Date)
		}
		if abs(p.Amount) > maxDATEVAmount || abs(p.Tax) > abs(p.Amount)+maxDATEVAmount {
			return pos.Errorf(pos.EInvalid, "posting %d: amount too large for DATEV", i)
		}
		if p.Date < h.From || p.Date > h.To {
			return pos.Errorf(pos.EInvalid, "posting %d dated %s is outside the batch %s to %s", i, p.Date, h.From, h.To)
		}
		rows, err := h.rows(c, p)
		if err != nil {
			return pos.Errorf(pos.EInvalid, "posting %d: %v", i, err)
		}
		for _, r := range rows {
			amount, sh := r.amount, "S"
			if amount < 0 {
				amount, sh = -amount, "H"
			}
			if amount > maxDATEVAmount {
				return pos.Errorf(pos.EInvalid, "posting %d: amount too large for DATEV", i)
			}
			row := make([]string, len(DATEVColumns))
			row[colUmsatz] = decimalComma(amount, cur.Digits)
			row[colSH] = quote(sh)
			row[colWKZ] = quote(cur.Code)
			row[colKonto] = r.konto
			row[colGegenkonto] = r.gegenkonto
			row[colBU] = quote(r.bu)
			row[colBelegdatum] = p.Date[8:10] + p.Date[5:7]
			row[colBelegfeld1] = quote(belegfeld(p.Doc))
			row[colBuchungstext] = quote(clip(textField(p.Text), 60))
			row[colFestschreib] = "0"
			line(row)
		}
	}
	_, err := w.Write(toCP1252(buf.String()))
	return err
}

// datevRow is one booking row: amount is signed for Konto (+ Soll, - Haben).
type datevRow struct {
	amount            int64
	konto, gegenkonto string
	bu                string
}

// rows turns a posting into DATEV rows. The taxed account goes into
// Gegenkonto, where DATEV applies the BU key or the account's automatic
// tax. DATEV then computes the VAT from the row's gross itself, which can
// differ by cents from the receipts' VAT (a sum of per-line rounded taxes,
// see pos.LineTax). So the taxed row carries the gross whose DATEV split
// gives exactly our net, and a second row books the remaining cents
// straight onto the VAT account: DATEV's books then hold the Z report's
// net and VAT to the cent.
func (h DATEVHeader) rows(c Chart, p Posting) ([]datevRow, error) {
	debit, err := h.account(c, p.Debit)
	if err != nil {
		return nil, err
	}
	credit, err := h.account(c, p.Credit)
	if err != nil {
		return nil, err
	}
	if p.Side == NoTax {
		if p.Amount == 0 {
			return nil, nil // DATEV refuses a zero Umsatz
		}
		return []datevRow{{p.Amount, debit.Number, credit.Number, ""}}, nil
	}
	// money is the untaxed side (Konto), taxed the account DATEV splits.
	money, taxed, vatKey, bu, sign := debit, credit, OutputVATKey(p.RateBP), c.OutputBU(p.RateBP), int64(1)
	if p.Side == TaxInput {
		money, taxed, vatKey, bu, sign = credit, debit, InputVATKey(p.RateBP), c.InputBU(p.RateBP), -1
	}
	if taxed.Auto {
		bu = ""
	} else if bu == "" {
		return nil, pos.Errorf(pos.EInvalid, "chart %s has no BU key for VAT at %s %%", c.Name, rateLabel(p.RateBP))
	}
	vat, err := h.account(c, vatKey)
	if err != nil {
		return nil, err
	}
	gross := p.Amount
	if datevTax(gross, p.RateBP) != p.Tax {
		gross = grossForNet(p.Amount-p.Tax, p.RateBP)
	}
	var out []datevRow
	if gross != 0 {
		out = append(out, datevRow{sign * gross, money.Number, taxed.Number, bu})
	}
	if rest := p.Amount - gross; rest != 0 {
		out = append(out, datevRow{sign * rest, money.Number, vat.Number, ""})
	}
	return out, nil
}

// datevTax is the VAT DATEV splits off a gross amount: gross × rate / (1 + rate),
// rounded half away from zero.
func datevTax(gross, bp int64) int64 {
	if gross < 0 {
		return -datevTax(-gross, bp)
	}
	return (gross*bp + (10000+bp)/2) / (10000 + bp)
}

// grossForNet is the gross whose DATEV split leaves exactly net. One cent
// more gross adds 0 or 1 cent of net, so every net has such a gross; the
// search starts at the exact value and moves a few cents at most.
func grossForNet(net, bp int64) int64 {
	if net < 0 {
		return -grossForNet(-net, bp)
	}
	g := net + (net*bp+5000)/10000
	for g-datevTax(g, bp) > net {
		g--
	}
	for g-datevTax(g, bp) < net {
		g++
	}
	// Of several grosses with this net, take the smallest: the rest row stays small.
	for g > 0 && g-1-datevTax(g-1, bp) == net {
		g--
	}
	return g
}

func (h DATEVHeader) account(c Chart, k AccountKey) (Account, error) {
	a, err := c.Account(k)
	if err != nil {
		return Account{}, err
	}
	if len(a.Number) != h.AccountLength || strings.Trim(a.Number, "0123456789") != "" {
		return Account{}, pos.Errorf(pos.EInvalid, "account %q for %s is not a %d-digit DATEV account", a.Number, k, h.AccountLength)
	}
	return a, nil
}

func (h DATEVHeader) validate(c Chart) error {
	if c.SKR == "" {
		return pos.Errorf(pos.EInvalid, "chart %s has no DATEV account numbers; use SKR03 or SKR04", c.Name)
	}
	if h.Consultant < 1001 || h.Consultant > 9_999_999 || h.Client < 1 || h.Client > 99_999 {
		return pos.Errorf(pos.EInvalid, "DATEV consultant number must be 1001-9999999 and client number 1-99999")
	}
	if h.AccountLength < 4 || h.AccountLength > 8 {
		return pos.Errorf(pos.EInvalid, "DATEV account length must be 4 to 8")
	}
	fy, err1 := time.Parse(time.DateOnly, h.FiscalYearStart)
	from, err2 := time.Parse(time.DateOnly, h.From)
	to, err3 := time.Parse(time.DateOnly, h.To)
	if err1 != nil || err2 != nil || err3 != nil {
		return pos.Errorf(pos.EInvalid, "DATEV fiscal year start and period must be dates (YYYY-MM-DD)")
	}
	// A batch lies inside one fiscal year: DATEV books it into that year.
	if from.Before(fy) || to.Before(from) || !to.Before(fy.AddDate(1, 0, 0)) {
		return pos.Errorf(pos.EInvalid, "DATEV period %s to %s must lie in the fiscal year starting %s", h.From, h.To, h.FiscalYearStart)
	}
	if len([]rune(h.Label)) > 30 || len([]rune(h.Initials)) > 2 || len([]rune(h.ExportedBy)) > 25 {
		return pos.Errorf(pos.EInvalid, "DATEV label (30), initials (2) or exported-by (25) too long")
	}
	if _, err := pos.LookupCurrency(h.Currency); err != nil {
		return err
	}
	if h.Created.IsZero() {
		return pos.Errorf(pos.EInvalid, "DATEV header needs its creation time")
	}
	return nil
}

// fields is the header line: 31 fields of DATEV-Format 700.
func (h DATEVHeader) fields(c Chart) []string {
	ymd := func(s string) string { return strings.ReplaceAll(s, "-", "") }
	created := h.Created.UTC()
	return []string{
		quote("EXTF"), "700", "21", quote("Buchungsstapel"), "13", // 1-5 Kennzeichen, Version, Kategorie, Name, Formatversion
		created.Format("20060102150405") + created.Format(".000")[1:], // 6 Erzeugt am, YYYYMMDDHHMMSSFFF
		"",                             // 7 Importiert
		quote("RE"),                    // 8 Herkunft
		quote(textField(h.ExportedBy)), // 9 Exportiert von
		"",                             // 10 Importiert von
		strconv.Itoa(h.Consultant),     // 11 Berater
		strconv.Itoa(h.Client),         // 12 Mandant
		ymd(h.FiscalYearStart),         // 13 WJ-Beginn
		strconv.Itoa(h.AccountLength),  // 14 Sachkontenlänge
		ymd(h.From), ymd(h.To),         // 15-16 Datum vom, bis
		quote(textField(h.Label)),    // 17 Bezeichnung
		quote(textField(h.Initials)), // 18 Diktatkürzel
		"1",                          // 19 Buchungstyp: Finanzbuchführung
		"0",                          // 20 Rechnungslegungszweck: unabhängig
		"0",                          // 21 Festschreibung: the accountant locks after review
		quote(h.Currency),            // 22 WKZ
		"", "", "", "",               // 23-26 reserviert, Derivatskennzeichen, reserviert, reserviert
		quote(c.SKR), // 27 Sachkontenrahmen
		"", "", "",   // 28-30 Branchenlösungs-ID, reserviert, reserviert
		quote(""), // 31 Anwendungsinformation
	}
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func quote(s string) string { return `"` + s + `"` }

// textField keeps a text out of the CSV's way: no quotes or line breaks.
func textField(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '"':
			return '\''
		case '\r', '\n', '\t', ';':
			return ' '
		}
		return r
	}, s)
}

// belegfeld keeps DATEV's Belegfeld 1 alphabet: letters, digits, $ & % * + - /.
func belegfeld(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("$&%*+-/", r)) {
			b.WriteRune(r)
		}
	}
	return clip(b.String(), 36)
}

// decimalComma renders minor units with a decimal comma and no grouping: 123456 → "1234,56".
func decimalComma(v int64, digits int) string {
	return strings.Replace(pos.FormatPlain(v, digits), ".", ",", 1)
}
