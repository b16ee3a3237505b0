package register

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/escpos"
)

// printed renders d as the receipt printer gets it and decodes the bytes
// with the printer simulator, as a customer would read the paper.
func printed(t *testing.T, d pos.Doc) string {
	t.Helper()
	rs, err := devicesim.DecodeESCPOS(escpos.Render(d, escpos.Profile80mm))
	if err != nil || len(rs) != 1 {
		t.Fatalf("decode: %d receipts, %v", len(rs), err)
	}
	return strings.Join(rs[0].PlainLines(), "\n")
}

func nextDoc(t *testing.T, p *fakePrinter) pos.Doc {
	t.Helper()
	select {
	case d := <-p.printed:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("nothing printed")
	}
	return pos.Doc{}
}

func wantLines(t *testing.T, what, paper string, want, never []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(paper, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, paper)
		}
	}
	for _, n := range never {
		if strings.Contains(paper, n) {
			t.Errorf("%s says %q:\n%s", what, n, paper)
		}
	}
}

// TestReceiptPrintsInTheStoresLanguage: in a German store (locale "de") the
// printed receipt, its reprint and the X and Z reports are German, decimal
// comma included; in an English one they stay English.
func TestReceiptPrintsInTheStoresLanguage(t *testing.T) {
	t.Parallel()
	english := []string{"TOTAL", "Cash", "Change", "VAT", "Thank you", "Receipt", "Cashier", "COPY"}
	for _, tt := range []struct {
		locale      string
		want, never []string
	}{
		{"de", []string{"SUMME EUR", "Bar", "50,00", "Rückgeld", "A MwSt. 19% von 8,99", "B MwSt. 7% von 7,52",
			"Netto", "Beleg", "Datum", "25.11.2026", "Kassierer", "Kasse", "Vielen Dank für Ihren Einkauf!", "  2 x 1,89", "1,25 kg x 2,99/kg"}, english},
		{"en", []string{"TOTAL EUR", "Cash", "50.00", "Change", "A VAT 19% of 8.99", "Net", "Receipt", "2026-11-25",
			"Thank you for shopping with us!", "  2 x 1.89"}, []string{"SUMME", "Rückgeld", "MwSt"}},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			cfg := testCfg
			cfg.Locale = tt.locale
			p := newFakePrinter()
			r := New(cfg, Deps{Catalog: newFakeCatalog(), Journal: &fakeJournal{}, Printer: p,
				Clock: fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}})
			r.SetCashier(Cashier{ID: "e1", Name: "Anna"})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { _ = r.Run(ctx); close(done) }()
			t.Cleanup(func() { cancel(); <-done })

			for _, code := range []string{"4012345678901", "4012345678901", "4006381333931"} {
				if _, err := r.Scan(ctx, code); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := r.AddProduct(ctx, "apples", 1250); err != nil {
				t.Fatal(err)
			}
			pay, err := r.TenderCash(ctx, 5000)
			if err != nil || pay.Completed == nil {
				t.Fatalf("tender: %+v %v", pay, err)
			}
			receipt := nextDoc(t, p)
			wantLines(t, "receipt", printed(t, receipt), tt.want, tt.never)

			if err := r.Reprint(ctx, pay.Completed.SaleID); err != nil {
				t.Fatal(err)
			}
			copyWord := map[string]string{"de": "*** KOPIE ***", "en": "*** COPY ***"}[tt.locale]
			wantLines(t, "reprint", printed(t, nextDoc(t, p)), []string{copyWord}, nil)
		})
	}
}

// TestReportsPrintInTheStoresLanguage: the X and Z reports, and a print job
// resumed after a fault, are printed in the store's language.
func TestReportsPrintInTheStoresLanguage(t *testing.T) {
	t.Parallel()
	rep := ShiftReport{Z: true, Opened: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC), OpenedBy: "Anna",
		Closed: time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC), ClosedBy: "Clara", FirstSeq: 1, LastSeq: 9,
		Sales: 5, Returns: 1, Voids: 1, Gross: 12345, Net: 10374, Tax: 1971,
		ByTender: []TenderTotal{{Kind: pos.TenderCash, Count: 4, Amount: 10000}, {Kind: pos.TenderCard, Count: 1, Amount: 2345}},
		ByRate:   []pos.TaxLine{{RateID: "std", BasisPoints: 1900, Net: 10374, Tax: 1971, Gross: 12345}},
		Float:    15000, CashSales: 10000, Drops: 5000, Payouts: 250, NoSales: 1, ExpectedCash: 19750,
		Counted: 19700, OverShort: -50}
	cfg := testCfg
	cfg.Locale = "de"
	z := printed(t, ReportDoc(cfg, rep, "z1"))
	wantLines(t, "Z report", z, []string{"Z-BERICHT", "Geöffnet", "Geschlossen", "Verkäufe (5)", "Rückgaben (1)", "Stornos (1)",
		"SUMME EUR", "123,45", "MwSt. 19% auf 123,45", "Bar (4)", "Karte (1)", "Wechselgeld", "Barumsatz", "Abschöpfungen",
		"Auszahlungen", "Soll-Bestand bar", "197,50", "Gezählt", "Fehlbetrag", "-0,50"},
		[]string{"REPORT", "TOTAL", "Expected", "Counted", "Short", "Cash", "123.45"})
	rep.Z = false
	wantLines(t, "X report", printed(t, ReportDoc(cfg, rep, "x1")), []string{"X-BERICHT"}, []string{"Geschlossen", "REPORT"})

	job := PrintJob{Doc: ReportDoc(cfg, rep, "x2"), Resumed: true}
	wantLines(t, "resumed job", printed(t, job.PrintDoc()), []string{"*** KOPIE ***", "FORTGESETZT nach Druckerstörung"}, []string{"RESUMED", "COPY"})
}

// TestEveryPrintLanguageIsComplete: a language missing a word would print
// an empty label; every one fills every field, with the same verbs.
func TestEveryPrintLanguageIsComplete(t *testing.T) {
	t.Parallel()
	en := reflect.ValueOf(printLanguages["en"])
	for _, lang := range []string{"en", "de"} {
		w, ok := printLanguages[lang]
		if !ok {
			t.Fatalf("no printed language %q", lang)
		}
		v := reflect.ValueOf(w)
		for i := range v.NumField() {
			name, s := v.Type().Field(i).Name, v.Field(i).String()
			if s == "" {
				t.Errorf("%s: %s is empty", lang, name)
			}
			if strings.Count(s, "%") != strings.Count(en.Field(i).String(), "%") {
				t.Errorf("%s: %s %q has other verbs than English %q", lang, name, s, en.Field(i).String())
			}
		}
	}
	if wordsFor("de-AT").Total != "SUMME" || wordsFor("fr").Total != "TOTAL" {
		t.Error("wordsFor does not fall back by language, then to English")
	}
}
