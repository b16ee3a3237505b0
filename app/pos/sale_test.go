package pos

import (
	"encoding/json"
	"testing"
	"time"
)

var epoch = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

var (
	eur    = MustCurrency("EUR")
	bread  = Product{ID: "bread", Name: "Roggenbrot", Price: 349, TaxRateID: "red"}
	wine   = Product{ID: "wine", Name: "Riesling", Price: 899, TaxRateID: "std"}
	banana = Product{ID: "banana", Name: "Bananen", Price: 199, TaxRateID: "red", SoldByWeight: true}
	free   = Product{ID: "bag", Name: "Paper bag", Price: 0, TaxRateID: "std"}
)

func TestMixedRatesBreakdown(t *testing.T) {
	t.Parallel()
	s := NewSale("s1", "r1", eur, TaxInclusive, epoch)
	mustAdd(t, s, bread, 2000, 700)
	mustAdd(t, s, wine, 1000, 1900)
	mustAdd(t, s, banana, 1234, 700) // 2.45566 -> 2.46
	mustAdd(t, s, free, 1000, 1900)
	tot, err := s.Totals()
	if err != nil {
		t.Fatal(err)
	}
	// bread 6.98 (tax 0.46), wine 8.99 (tax 1.44), banana 2.46 (tax 0.16), bag 0
	if tot.Gross != 698+899+246 {
		t.Fatalf("gross %d", tot.Gross)
	}
	if len(tot.Taxes) != 2 || tot.Taxes[0].RateID != "std" || tot.Taxes[1].RateID != "red" {
		t.Fatalf("breakdown %+v", tot.Taxes)
	}
	if tot.Taxes[0].Tax != 144 || tot.Taxes[1].Tax != 46+16 {
		t.Fatalf("tax per rate %+v", tot.Taxes)
	}
	if tot.Tax != tot.Taxes[0].Tax+tot.Taxes[1].Tax || tot.Net+tot.Tax != tot.Gross {
		t.Fatalf("totals do not add up: %+v", tot)
	}
	if tot.Items != 2000+1000+1000+1000 {
		t.Fatalf("items %d", tot.Items)
	}
}

func TestScanSameItemMerges(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, bread, 1000, 700)
	mustAdd(t, s, bread, 1000, 700)
	mustAdd(t, s, banana, 500, 700)
	mustAdd(t, s, banana, 500, 700) // weighed items never merge
	if len(s.Lines) != 3 || s.Lines[0].Qty != 2000 {
		t.Fatalf("lines %+v", s.Lines)
	}
}

func TestCashTenderAndChange(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, wine, 1000, 1900)
	if s.Settled() {
		t.Fatal("unpaid sale settled")
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 500}); err != nil {
		t.Fatal(err)
	}
	tot, _ := s.Totals()
	if tot.Due != 399 || s.Settled() {
		t.Fatalf("after 5.00: %+v", tot)
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	tot, _ = s.Totals()
	if tot.Due != 0 || tot.Change != 601 || !s.Settled() {
		t.Fatalf("after 15.00: %+v", tot)
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 100}); err == nil {
		t.Fatal("tender on a paid sale accepted")
	}
	if _, err := s.AddProduct(bread, 1000, 700, ""); err == nil {
		t.Fatal("line added after payment started")
	}
}

func TestCardCannotExceedDue(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, wine, 1000, 1900)
	if err := s.AddTender(Tender{Kind: TenderCard, Amount: 900}); err == nil {
		t.Fatal("card over the due amount accepted")
	}
	if err := s.AddTender(Tender{Kind: TenderCard, Amount: 400}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 500}); err != nil {
		t.Fatal(err)
	}
	tot, _ := s.Totals()
	if tot.Change != 1 || !s.Settled() {
		t.Fatalf("split: %+v", tot)
	}
}

func TestBadTenders(t *testing.T) {
	t.Parallel()
	empty := NewSale("s", "r", eur, TaxInclusive, epoch)
	if err := empty.AddTender(Tender{Kind: TenderCash, Amount: 100}); err == nil {
		t.Error("tender on an empty sale accepted")
	}
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, wine, 1000, 1900)
	for _, amt := range []int64{0, -5, MaxAmount + 1} {
		if err := s.AddTender(Tender{Kind: TenderCash, Amount: amt}); err == nil {
			t.Errorf("tender %d accepted", amt)
		}
	}
}

func TestReturnLines(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, wine, -1000, 1900)
	tot, _ := s.Totals()
	if tot.Gross != -899 || tot.Due != -899 {
		t.Fatalf("return totals %+v", tot)
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 899}); err == nil {
		t.Fatal("positive tender on a refund accepted")
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: -899}); err != nil {
		t.Fatal(err)
	}
	if !s.Settled() {
		t.Fatal("refund not settled")
	}
}

func TestZeroSaleSettlesWithoutTender(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, free, 1000, 1900)
	if !s.Settled() {
		t.Fatal("a zero-total sale should be completable")
	}
	if NewSale("e", "r", eur, TaxInclusive, epoch).Settled() {
		t.Fatal("an empty sale settled")
	}
}

func TestRecordFreezesFigures(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", eur, TaxInclusive, epoch)
	mustAdd(t, s, banana, 1250, 700)
	if _, err := s.Record("R-1", epoch); err == nil {
		t.Fatal("unpaid sale recorded")
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 500}); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Record("R-1", epoch.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Lines[0].Gross != 249 || rec.Totals.Change != 251 || rec.ReceiptNo != "R-1" {
		t.Fatalf("record %+v", rec)
	}
	b, _ := json.Marshal(rec)
	var back SaleRecord
	if err := json.Unmarshal(b, &back); err != nil || back.Totals.Gross != rec.Totals.Gross || back.Lines[0].Qty != 1250 {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func mustAdd(t *testing.T, s *Sale, p Product, q Qty, bp int64) {
	t.Helper()
	if _, err := s.AddProduct(p, q, bp, ""); err != nil {
		t.Fatal(err)
	}
}
