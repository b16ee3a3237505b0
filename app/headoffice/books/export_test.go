package books

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/tillpos/till/app/pos"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func weekPostings(t *testing.T, c Chart) []Posting {
	t.Helper()
	var ps []Posting
	for _, d := range genWeek() {
		b, err := Book(d, c)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, b.Postings...)
	}
	return ps
}

func weekHeader() DATEVHeader {
	return DATEVHeader{Consultant: 29098, Client: 55003, FiscalYearStart: "2026-01-01", AccountLength: 4,
		From: "2026-11-30", To: "2026-12-06", Label: "Till BER-01 KW 49", Initials: "TL", ExportedBy: "Till",
		Currency: "EUR", Created: time.Date(2026, 12, 7, 3, 0, 0, 123_000_000, time.UTC)}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended run go test -update and review the diff", name)
	}
}

func TestDATEVWeekGolden(t *testing.T) {
	t.Parallel()
	for _, c := range []Chart{SKR03(), SKR04()} {
		var buf bytes.Buffer
		ps := weekPostings(t, c)
		if err := WriteDATEV(&buf, weekHeader(), c, ps); err != nil {
			t.Fatal(err)
		}
		golden(t, "week_"+strings.ToLower(c.Name)+".csv", buf.Bytes())
		checkDATEVFile(t, buf.Bytes(), weekHeader(), c, ps)
	}
}

var (
	reAmount    = regexp.MustCompile(`^[0-9]{1,10},[0-9]{2}$`)
	reBelegfeld = regexp.MustCompile(`^"[A-Za-z0-9$&%*+\-/]{1,36}"$`)
	reDigits    = regexp.MustCompile(`^[0-9]+$`)
	reQuotedBU  = regexp.MustCompile(`^"[0-9]{0,4}"$`)
)

// checkDATEVFile checks a Buchungsstapel against the format's rules, field
// by field, and that its rows carry every posting's money.
func checkDATEVFile(t *testing.T, raw []byte, h DATEVHeader, c Chart, ps []Posting) {
	t.Helper()
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatalf("not Windows-1252: %v", err)
	}
	if !utf8.Valid(text) || !bytes.HasSuffix(text, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(text, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("lines must end in CRLF and hold no bare line feeds")
	}
	lines := strings.Split(strings.TrimSuffix(string(text), "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("only %d lines", len(lines))
	}
	hd := strings.Split(lines[0], ";")
	if len(hd) != 31 {
		t.Fatalf("header has %d fields, want 31", len(hd))
	}
	ymd := func(s string) string { return strings.ReplaceAll(s, "-", "") }
	fixed := map[int]string{0: `"EXTF"`, 1: "700", 2: "21", 3: `"Buchungsstapel"`, 4: "13", 10: strconv.Itoa(h.Consultant),
		11: strconv.Itoa(h.Client), 12: ymd(h.FiscalYearStart), 13: strconv.Itoa(h.AccountLength), 14: ymd(h.From), 15: ymd(h.To),
		18: "1", 20: "0", 21: `"EUR"`, 26: `"` + c.SKR + `"`}
	for i, v := range fixed {
		if hd[i] != v {
			t.Errorf("header field %d = %s, want %s", i+1, hd[i], v)
		}
	}
	if !regexp.MustCompile(`^[0-9]{17}$`).MatchString(hd[5]) || hd[5] != "20261207030000123" {
		t.Errorf("header created = %s, want YYYYMMDDHHMMSSFFF", hd[5])
	}
	if l := utf8.RuneCountInString(hd[16]); l > 32 || !strings.HasPrefix(hd[16], `"`) {
		t.Errorf("header label %s: quoted, at most 30 characters", hd[16])
	}
	cols := strings.Split(lines[1], ";")
	if len(cols) != 125 || cols[0] != `"Umsatz (ohne Soll/Haben-Kz)"` || cols[124] != `"Abw. Skontokonto"` || cols[117] != `"Generalumkehr (GU)"` {
		t.Fatalf("column line has %d columns, first %s", len(cols), cols[0])
	}
	balance := map[string]int64{}
	from, to := h.From, h.To
	for n, line := range lines[2:] {
		f := strings.Split(line, ";")
		if len(f) != 125 {
			t.Fatalf("row %d has %d fields", n+1, len(f))
		}
		if !reAmount.MatchString(f[0]) {
			t.Errorf("row %d: amount %q not a decimal comma amount without grouping", n+1, f[0])
		}
		if f[1] != `"S"` && f[1] != `"H"` {
			t.Errorf("row %d: Soll/Haben %s", n+1, f[1])
		}
		if f[2] != `"EUR"` {
			t.Errorf("row %d: WKZ %s", n+1, f[2])
		}
		if len(f[6]) != h.AccountLength || len(f[7]) != h.AccountLength || !reDigits.MatchString(f[6]+f[7]) || f[6] == f[7] {
			t.Errorf("row %d: Konto %s / Gegenkonto %s must be two different %d-digit accounts", n+1, f[6], f[7], h.AccountLength)
		}
		if !reQuotedBU.MatchString(f[8]) {
			t.Errorf("row %d: BU key %s", n+1, f[8])
		}
		day, _ := strconv.Atoi(f[9][:min(2, len(f[9]))])
		month, _ := strconv.Atoi(f[9][min(2, len(f[9])):])
		date := fmt.Sprintf("2026-%02d-%02d", month, day)
		if len(f[9]) != 4 || day < 1 || day > 31 || date < from || date > to && strings.Replace(date, "2026", "2027", 1) > to {
			t.Errorf("row %d: Belegdatum %s must be DDMM inside %s..%s", n+1, f[9], from, to)
		}
		if !reBelegfeld.MatchString(f[10]) {
			t.Errorf("row %d: Belegfeld 1 %s", n+1, f[10])
		}
		if !strings.HasPrefix(f[13], `"`) || !strings.HasSuffix(f[13], `"`) || strings.Count(f[13], `"`) != 2 ||
			utf8.RuneCountInString(f[13]) > 62 || len(f[13]) < 3 {
			t.Errorf("row %d: Buchungstext %s must be quoted, 1-60 characters", n+1, f[13])
		}
		if f[113] != "0" {
			t.Errorf("row %d: Festschreibung %s", n+1, f[113])
		}
		for i, v := range f {
			if v != "" && i != 0 && i != 1 && i != 2 && i != 6 && i != 7 && i != 8 && i != 9 && i != 10 && i != 13 && i != 113 {
				t.Errorf("row %d: unexpected field %d = %s", n+1, i+1, v)
			}
		}
		amt, err := pos.ParseAmount(f[0], 2)
		if err != nil {
			t.Fatalf("row %d: %v", n+1, err)
		}
		if f[1] == `"H"` {
			amt = -amt
		}
		simulateDATEV(t, c, balance, f[6], f[7], strings.Trim(f[8], `"`), amt)
	}
	// What DATEV books from the rows must be our books, account by account.
	want := map[string]int64{}
	for k, v := range Balances(ps) {
		a, _ := c.Account(k)
		want[a.Number] += v
	}
	for k, v := range want {
		if balance[k] != v {
			t.Errorf("%s account %s: DATEV would book %d, our postings %d", c.Name, k, balance[k], v)
		}
	}
	for k, v := range balance {
		if _, ok := want[k]; !ok && v != 0 {
			t.Errorf("%s account %s: DATEV would book %d, our postings nothing", c.Name, k, v)
		}
	}
}

// simulateDATEV books one row the way DATEV does: amount on Konto, the
// opposite on Gegenkonto, and when Gegenkonto is an automatic account or the
// row has a BU key, the VAT computed from the gross split onto the VAT
// account of that rate.
func simulateDATEV(t *testing.T, c Chart, bal map[string]int64, konto, gegen, bu string, amt int64) {
	t.Helper()
	bal[konto] += amt
	m := -amt
	var vatKey AccountKey
	var bp int64
	for _, rate := range []int64{1900, 700} {
		if a, err := c.Account(RevenueKey(rate)); err == nil && a.Number == gegen && a.Auto && bu == "" {
			vatKey, bp = OutputVATKey(rate), rate
		}
		if bu != "" && bu == c.OutputBU(rate) {
			vatKey, bp = OutputVATKey(rate), rate
		}
		if bu != "" && bu == c.InputBU(rate) {
			vatKey, bp = InputVATKey(rate), rate
		}
	}
	if bu != "" && vatKey == "" {
		t.Fatalf("BU key %q matches no rate", bu)
	}
	if vatKey == "" {
		bal[gegen] += m
		return
	}
	tax := datevTax(m, bp)
	vat, _ := c.Account(vatKey)
	bal[gegen] += m - tax
	bal[vat.Number] += tax
}

func TestDATEVKeysAndRefusals(t *testing.T) {
	t.Parallel()
	b, err := Book(exampleDay(), SKR03())
	if err != nil {
		t.Fatal(err)
	}
	h := weekHeader()
	h.From, h.To = "2026-12-07", "2026-12-07"
	// Revenue on a non-automatic account carries the BU key of its rate;
	// the payout's input VAT always does (4900 is not automatic).
	c := SKR03().With(RevenueKey(1900), Account{Number: "8200", Name: "Erlöse"})
	var buf bytes.Buffer
	if err := WriteDATEV(&buf, h, c, b.Postings); err != nil {
		t.Fatal(err)
	}
	checkDATEVFile(t, buf.Bytes(), h, c, b.Postings)
	text, _ := charmap.Windows1252.NewDecoder().String(buf.String())
	var sawRevenue, sawPayout, sawReturn bool
	for _, line := range strings.Split(text, "\r\n")[2:] {
		f := strings.Split(line, ";")
		if len(f) < 9 {
			continue
		}
		switch {
		case f[7] == "8200" && f[1] == `"S"`:
			sawRevenue = f[8] == `"3"` && f[0] == "119,00"
		case f[7] == "8200" && f[1] == `"H"`:
			sawReturn = f[8] == `"3"` && f[0] == "11,90"
		case f[7] == "4900":
			sawPayout = f[8] == `"8"` && f[0] == "1,19" && f[6] == "1000" && f[1] == `"H"`
		case f[7] == "8300":
			if f[8] != `""` {
				t.Errorf("automatic account 8300 got BU key %s", f[8])
			}
		}
	}
	if !sawRevenue || !sawReturn || !sawPayout {
		t.Errorf("BU keys: revenue %v, return %v, payout %v\n%s", sawRevenue, sawReturn, sawPayout, text)
	}
	// A three-digit key chosen by the adviser replaces the default.
	buf.Reset()
	if err := WriteDATEV(&buf, h, c.WithBU(700, "", "408"), b.Postings); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `;1000;4900;"408";`) {
		t.Error("BU key override not written")
	}
	if err := WriteDATEV(&bytes.Buffer{}, h, c.WithBU(700, "", ""), b.Postings); err == nil {
		t.Error("payout with input VAT on a non-automatic account and no BU key accepted")
	}
	if got := DATEVFileName("BER 01", "2026-11-30", "2026-12-06"); got != "EXTF_Buchungsstapel_BER01_20261130_20261206.csv" {
		t.Errorf("file name %s", got)
	}
	bad := map[string]func(*DATEVHeader) Chart{
		"generic chart":     func(h *DATEVHeader) Chart { return Generic() },
		"consultant":        func(h *DATEVHeader) Chart { h.Consultant = 1000; return SKR03() },
		"account length":    func(h *DATEVHeader) Chart { h.AccountLength = 5; return SKR03() },
		"outside period":    func(h *DATEVHeader) Chart { h.From, h.To = "2026-12-01", "2026-12-06"; return SKR03() },
		"across years":      func(h *DATEVHeader) Chart { h.To = "2027-01-02"; return SKR03() },
		"long label":        func(h *DATEVHeader) Chart { h.Label = strings.Repeat("x", 31); return SKR03() },
		"no creation time":  func(h *DATEVHeader) Chart { h.Created = time.Time{}; return SKR03() },
		"letters in number": func(h *DATEVHeader) Chart { return SKR03().With(Cash, Account{Number: "10a0", Name: "Kasse"}) },
	}
	for name, mutate := range bad {
		h := weekHeader()
		h.From, h.To = "2026-12-07", "2026-12-07"
		c := mutate(&h)
		if err := WriteDATEV(&bytes.Buffer{}, h, c, b.Postings); err == nil {
			t.Errorf("%s: WriteDATEV accepted it", name)
		}
	}
}

// TestDATEVExactVAT: whatever cents the receipts' per-line rounding left,
// the gross row plus the rest row give DATEV exactly our net and VAT.
func TestDATEVExactVAT(t *testing.T) {
	t.Parallel()
	for _, bp := range []int64{1900, 700, 550, 1} {
		for net := int64(-3000); net <= 30000; net++ {
			g := grossForNet(net, bp)
			if g-datevTax(g, bp) != net {
				t.Fatalf("%d bp: gross %d splits to net %d, want %d", bp, g, g-datevTax(g, bp), net)
			}
		}
	}
	// 3 × 0,99 € at 19 % inclusive: per-line tax 3 × 0,16 = 0,48; DATEV on 2,97 computes 0,47.
	p := Posting{Date: "2026-12-07", Store: "S1", Doc: "Z1", Text: "Umsatz", Debit: SalesClearing, Credit: RevenueKey(1900),
		Amount: 297, Side: TaxOut, RateBP: 1900, Tax: 48}
	rows, err := weekHeader().rows(SKR03(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := []datevRow{{296, "1369", "8400", ""}, {1, "1369", "1776", ""}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows %v, want %v (2,96 splits into 2,49 net + 0,47 VAT, 0,01 VAT booked directly)", rows, want)
	}
}

func TestCP1252MatchesCharmap(t *testing.T) {
	t.Parallel()
	var all []rune
	for r := rune(0); r < 0x3000; r++ {
		all = append(all, r)
	}
	for _, r := range all {
		want, err := charmap.Windows1252.NewEncoder().String(string(r))
		got := string(toCP1252(string(r)))
		if err != nil {
			want = "?"
		}
		if r >= 0x80 && r < 0xA0 { // C1 controls: charmap maps some through, we never emit them
			continue
		}
		if got != want {
			t.Fatalf("rune %U: got % x, want % x", r, got, want)
		}
	}
	if got := toCP1252("Bürobedarf € 😀"); !bytes.Equal(got, []byte("B\xfcrobedarf \x80 ?")) {
		t.Errorf("got % x", got)
	}
}

// TestHledgerAgrees runs the real hledger on the journal export and compares
// its balance per account with the postings.
func TestHledgerAgrees(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("hledger")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("hledger is not installed (apt-get install hledger, or .ci/deps hq); CI must have it")
		}
		t.Fatal("hledger is missing in CI: .ci/deps hq installs it")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []Chart{SKR03(), SKR04(), Generic()} {
		ps := weekPostings(t, c)
		for i := 0; i < 60; i++ {
			d := genDay(r, fmt.Sprintf("S%d", i%3), fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28), c.SKR == "")
			b, err := Book(d, c)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, b.Postings...)
		}
		// A correction posted later is part of the same books.
		old := genWeek()[0]
		exported, _ := Book(old, c)
		old.CashOverShort -= 300
		old.Tenders[0].Amount += 500
		old.SalesByRate[0].Net += 420
		old.SalesByRate[0].Tax += 80
		now, err := Book(old, c)
		if err != nil {
			t.Fatal(err)
		}
		corr, err := Correct(exported.Postings, now.Postings, "2026-12-10", c)
		if err != nil || len(corr) == 0 {
			t.Fatalf("correction: %v %v", corr, err)
		}
		ps = append(ps, corr...)

		path := filepath.Join(t.TempDir(), c.Name+".journal")
		var buf bytes.Buffer
		if err := WriteHledger(&buf, c, "EUR", ps); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "-f", path, "check", "accounts", "commodities").CombinedOutput(); err != nil {
			t.Fatalf("%s: hledger check: %v\n%s", c.Name, err, out)
		}
		out, err := exec.Command(bin, "-f", path, "balance", "--flat", "--no-total", "-O", "csv").Output()
		if err != nil {
			t.Fatalf("%s: hledger balance: %v", c.Name, err)
		}
		got := map[string]int64{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[1:] {
			name, amount, ok := strings.Cut(line, `","`)
			if !ok {
				t.Fatalf("hledger line %q", line)
			}
			v, err := pos.ParseAmount(strings.TrimSuffix(strings.TrimSuffix(amount, `"`), " EUR"), 2)
			if err != nil {
				t.Fatalf("hledger amount %q: %v", amount, err)
			}
			got[strings.TrimPrefix(name, `"`)] = v
		}
		want := map[string]int64{}
		for k, v := range Balances(ps) {
			a, _ := c.Account(k)
			want[a.Ledger()] += v
		}
		for name, v := range want {
			if got[name] != v {
				t.Errorf("%s: hledger says %s = %d, postings %d", c.Name, name, got[name], v)
			}
		}
		for name, v := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: hledger has %s = %d, postings have no such account", c.Name, name, v)
			}
		}
		if len(got) < 10 {
			t.Errorf("%s: hledger reported only %d accounts", c.Name, len(got))
		}
	}
}

func TestHledgerWeekGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteHledger(&buf, SKR03(), "EUR", weekPostings(t, SKR03())); err != nil {
		t.Fatal(err)
	}
	golden(t, "week_skr03.journal", buf.Bytes())
}

// TestWritersRefuseJunk: postings from a caller are bounded before they are
// written; junk gives an error, never a panic or a broken file.
func TestWritersRefuseJunk(t *testing.T) {
	t.Parallel()
	good := Posting{Date: "2026-12-07", Store: "S1", Doc: "Z1", Text: "x", Debit: Cash, Credit: CashTransit, Amount: 100}
	h := weekHeader()
	h.From, h.To = "2026-12-01", "2026-12-31"
	for name, p := range map[string]Posting{
		"short date":   {Date: "2026-12-0", Debit: Cash, Credit: CashTransit, Amount: 1},
		"date suffix":  {Date: "2026-12-06x", Debit: Cash, Credit: CashTransit, Amount: 1},
		"huge":         {Date: "2026-12-07", Debit: Cash, Credit: CashTransit, Amount: pos.MaxAmount * 9},
		"huge taxed":   {Date: "2026-12-07", Debit: SalesClearing, Credit: RevenueKey(1900), Amount: maxDATEVAmount + 1, Side: TaxOut, RateBP: 1900, Tax: 5},
		"unmapped key": {Date: "2026-12-07", Debit: "nope", Credit: Cash, Amount: 1},
	} {
		if err := WriteDATEV(&bytes.Buffer{}, h, SKR03(), []Posting{good, p}); err == nil {
			t.Errorf("DATEV: %s accepted", name)
		}
		if name != "huge taxed" {
			if err := WriteHledger(&bytes.Buffer{}, SKR03(), "EUR", []Posting{good, p}); err == nil {
				t.Errorf("hledger: %s accepted", name)
			}
		}
	}
	bad := SKR03().With(Cash, Account{Number: "1000", Name: "Kasse  Filiale"})
	if err := WriteHledger(&bytes.Buffer{}, bad, "EUR", []Posting{good}); err == nil {
		t.Error("hledger: account name with two spaces accepted")
	}
	var buf bytes.Buffer
	odd := good
	odd.Doc, odd.Text, odd.Store = "Z(1)\nx", "a;b|c\nd", "S|1"
	if err := WriteHledger(&buf, SKR03(), "EUR", []Posting{odd}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(buf.String(), "\n2026-12-07 ") != 1 || strings.Contains(buf.String(), "a;b") || strings.Contains(buf.String(), "(Z(1") {
		t.Errorf("texts not made safe:\n%s", buf.String())
	}
}

// TestPropertyDATEVBooksOurPostings: over random days and their corrections,
// every DATEV file passes the format checks and booking its rows the way
// DATEV does gives our postings' balance on every account.
func TestPropertyDATEVBooksOurPostings(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		c := []Chart{SKR03(), SKR04(), SKR03().With(RevenueKey(1900), Account{Number: "8200", Name: "Erlöse"})}[i%3]
		date := fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28)
		d := genDay(r, "S1", date, false)
		b, err := Book(d, c)
		if err != nil {
			t.Fatal(err)
		}
		later := genDay(r, "S1", date, false)
		re, err := Book(later, c)
		if err != nil {
			t.Fatal(err)
		}
		on := fmt.Sprintf("2026-%02d-%02d", 1+i%12, 2+i%28)
		corr, err := Correct(b.Postings, re.Postings, on, c)
		if err != nil {
			t.Fatal(err)
		}
		h := weekHeader()
		h.From, h.To = date, on
		ps := append(append([]Posting(nil), b.Postings...), corr...)
		var buf bytes.Buffer
		if err := WriteDATEV(&buf, h, c, ps); err != nil {
			t.Fatalf("day %d: %v", i, err)
		}
		checkDATEVFile(t, buf.Bytes(), h, c, ps)
	}
}
