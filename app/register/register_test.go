package register

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

var testCfg = Config{RegisterID: "r1", RegisterCode: "R01", StoreName: "Till Markt", Currency: pos.MustCurrency("EUR"), TaxMode: pos.TaxInclusive}

func newTestRegister(t *testing.T) (*Register, *fakeJournal, *fakePrinter) {
	t.Helper()
	j, p := &fakeJournal{}, newFakePrinter()
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: j, Printer: p,
		Clock: fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}})
	r.SetCashier(Cashier{ID: "e1", Name: "Anna"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return r, j, p
}

func TestCashSaleCommitsThenPrints(t *testing.T) {
	t.Parallel()
	r, j, p := newTestRegister(t)
	ctx := context.Background()
	for _, code := range []string{"4000417025005", "4006381333931", "4000417025005"} {
		if _, err := r.Scan(ctx, code); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.AddProduct(ctx, "apples", 1500); err != nil {
		t.Fatal(err)
	}
	_, tot := r.Sale()
	if tot.Gross != 119*2+899+449 {
		t.Fatalf("gross %d", tot.Gross)
	}
	pay, err := r.TenderCash(ctx, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Completed == nil || pay.Totals.Change != 2000-tot.Gross {
		t.Fatalf("payment %+v", pay)
	}
	if len(j.entries) != 1 || j.entries[0].Kind != pos.EntrySale {
		t.Fatalf("journal %+v", j.entries)
	}
	var rec pos.SaleRecord
	if err := json.Unmarshal(j.entries[0].Payload, &rec); err != nil || rec.ReceiptNo != "R01-000001" || rec.Cashier != "Anna" {
		t.Fatalf("record %+v %v", rec, err)
	}
	select {
	case d := <-p.printed:
		if d.ID != rec.SaleID || d.Copy {
			t.Fatalf("printed %+v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("receipt never printed")
	}
	if s, tot := r.Sale(); len(s.Lines) != 0 || tot.Gross != 0 || s.ID == rec.SaleID {
		t.Fatal("next sale did not start empty")
	}
}

func TestUnknownBarcodeAndWeighedScan(t *testing.T) {
	t.Parallel()
	r, _, _ := newTestRegister(t)
	_, err := r.Scan(context.Background(), "999")
	if pos.ErrorCode(err) != pos.ENotFound || !strings.Contains(pos.ErrorMessage(err), "999") {
		t.Fatalf("unknown barcode: %v", err)
	}
	if _, err := r.Scan(context.Background(), "2000000000008"); pos.ErrorCode(err) != pos.EInvalid {
		t.Fatalf("weighed item scanned without weight: %v", err)
	}
	if s, _ := r.Sale(); len(s.Lines) != 0 {
		t.Fatal("a failed scan added a line")
	}
}

func TestFailedCommitKeepsSaleOpen(t *testing.T) {
	t.Parallel()
	r, j, p := newTestRegister(t)
	ctx := context.Background()
	if _, err := r.Scan(ctx, "4006381333931"); err != nil {
		t.Fatal(err)
	}
	j.failNext = errDiskFull
	_, err := r.TenderExact(ctx)
	if !errors.Is(err, ErrNotCommitted) {
		t.Fatalf("err = %v", err)
	}
	s, tot := r.Sale()
	if len(s.Lines) != 1 || len(s.Tenders) != 1 || tot.Due != 0 {
		t.Fatalf("sale after failed commit: %+v %+v", s, tot)
	}
	if len(p.docs) != 0 || len(j.entries) != 0 {
		t.Fatal("something was printed or journaled")
	}
	// The cashier taps "Try again": the tenders are kept and the sale commits once.
	if rec, err := r.Complete(ctx); err != nil || rec.Totals.Gross != 899 {
		t.Fatalf("retry: %+v %v", rec, err)
	}
	if len(j.entries) != 1 {
		t.Fatal("retry did not commit exactly once")
	}
}

func TestPrinterFailureNeverLosesTheSale(t *testing.T) {
	t.Parallel()
	r, j, p := newTestRegister(t)
	ctx := context.Background()
	p.setFail(pos.Errorf(pos.EUnavailable, "Printer: out of paper"))
	for i := 0; i < 2; i++ {
		if _, err := r.Scan(ctx, "4006381333931"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.TenderExact(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(j.entries) != 2 {
		t.Fatalf("journal has %d sales", len(j.entries))
	}
	waitFor(t, func() bool { st := r.Spooler().Status(); return st.Err != nil && st.Pending == 2 })
	p.setFail(nil)
	r.Spooler().Retry()
	waitFor(t, func() bool { return r.Spooler().Status().Pending == 0 })
	if len(p.docs) != 2 || p.docs[0].ID != j.entries[0].ID || p.docs[1].ID != j.entries[1].ID {
		t.Fatalf("printed %d docs out of order or missing", len(p.docs))
	}
}

func TestReprintIsMarkedCopy(t *testing.T) {
	t.Parallel()
	r, _, p := newTestRegister(t)
	ctx := context.Background()
	if _, err := r.Scan(ctx, "4000417025005"); err != nil {
		t.Fatal(err)
	}
	pay, err := r.TenderExact(ctx)
	if err != nil {
		t.Fatal(err)
	}
	<-p.printed
	if err := r.Reprint(ctx, pay.Completed.SaleID); err != nil {
		t.Fatal(err)
	}
	if d := <-p.printed; !d.Copy || d.ID != pay.Completed.SaleID {
		t.Fatalf("reprint %+v", d)
	}
	if err := r.Reprint(ctx, "nope"); err == nil {
		t.Fatal("reprint of unknown sale accepted")
	}
}

func TestReceiptLayout(t *testing.T) {
	t.Parallel()
	r, j, _ := newTestRegister(t)
	ctx := context.Background()
	r.Scan(ctx, "4012345678901")
	r.Scan(ctx, "4012345678901")
	r.AddProduct(ctx, "apples", 1250)
	r.Scan(ctx, "4006381333931")
	if _, err := r.TenderCash(ctx, 5000); err != nil {
		t.Fatal(err)
	}
	var rec pos.SaleRecord
	json.Unmarshal(j.entries[0].Payload, &rec)
	d := ReceiptDoc(testCfg, rec, false)
	var text []string
	for _, b := range d.Blocks {
		text = append(text, b.Text+"|"+b.Right)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"Till Markt|", "Käsebrötchen|3.78 B", "  2 x 1.89|", "  1.25 kg x 2.99/kg|",
		"Riesling|8.99 A", "TOTAL EUR|16.51", "Cash|50.00", "Change|33.49", "A VAT 19% of 8.99|1.44", "B VAT 7% of 7.52|0.49", "Receipt|R01-000001", "R01-000001|"} {
		if !strings.Contains(all, want) {
			t.Errorf("receipt lacks %q:\n%s", want, all)
		}
	}
}

func TestCashSuggestions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		due  int64
		want []int64
	}{
		{1651, []int64{1700, 2000, 5000, 10000}},
		{500, []int64{1000, 2000, 5000, 10000}},
		{9, []int64{100, 500, 1000, 2000}},
		{0, nil},
	}
	for _, tt := range tests {
		got := CashSuggestions(tt.due, 4)
		if len(got) != len(tt.want) {
			t.Errorf("CashSuggestions(%d) = %v, want %v", tt.due, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("CashSuggestions(%d) = %v, want %v", tt.due, got, tt.want)
				break
			}
		}
	}
}

func TestWedgeDetector(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	feed := func(w *WedgeDetector, s string, gap time.Duration) (string, bool) {
		at := t0
		for _, r := range s {
			at = at.Add(gap)
			w.Rune(r, at)
		}
		return w.Enter(at.Add(gap))
	}
	w := NewWedgeDetector()
	if code, ok := feed(w, "4006381333931", 5*time.Millisecond); !ok || code != "4006381333931" {
		t.Fatalf("fast input not a scan: %q %v", code, ok)
	}
	if _, ok := feed(w, "4006381333931", 150*time.Millisecond); ok {
		t.Fatal("slow typing taken for a scan")
	}
	if _, ok := feed(w, "12", time.Millisecond); ok {
		t.Fatal("two characters taken for a scan")
	}
	// A person's slow keys followed by a fast scan: only the scan counts.
	w.Rune('x', t0)
	w.Rune('y', t0.Add(time.Second))
	at := t0.Add(2 * time.Second)
	for _, r := range "12345" {
		at = at.Add(time.Millisecond)
		w.Rune(r, at)
	}
	if code, ok := w.Enter(at.Add(time.Millisecond)); !ok || code != "12345" {
		t.Fatalf("scan after typing: %q %v", code, ok)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
