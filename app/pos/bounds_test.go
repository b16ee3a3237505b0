package pos

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckCanonicalJSON(t *testing.T) {
	t.Parallel()
	good := []string{
		`{}`, `[]`, `{"a":1}`, `{"store_id":"S01","n":-5,"l":[1,2,{"x":null}],"b":true,"f":false}`,
		`{"s":"\u00e9\ud83d\ude00\n"}`, `{"max":9223372036854775807,"min":-9223372036854775808}`, `0`, `"x"`,
	}
	for _, p := range good {
		if err := CheckCanonicalJSON([]byte(p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	bad := []string{
		` {"a":1}`, `{"a":1} `, "\ufeff{\"a\":1}", "\n{}", `{"a": 1}`, `{"a":1,"a":2}`, `{"o":{"a":1,"a":2}}`,
		`[{"a":1,"a":1}]`, `{"a":1}{"a":2}`, `{"a":1}x`, `{"a":01}`, `{"a":1e3}`, `{"a":1.0}`, `{"a":-0}`,
		`{"a":1E3}`, `{"a":9223372036854775808}`, `{"a":-9223372036854775809}`, "{\"a\":\"\xff\"}",
		`{"a":"\ud800"}`, `{"a":"\udc00"}`, `{"A":1}`, `{"Store_ID":"S02"}`, `{"a":"\x"}`, `{"a":1,}`,
		`{"a"}`, `{"a":tru}`, ``, `{`, `"`, `{"":1}`,
		strings.Repeat("[", MaxJSONDepth+1) + strings.Repeat("]", MaxJSONDepth+1),
	}
	for _, p := range bad {
		if err := CheckCanonicalJSON([]byte(p)); !errors.Is(err, ErrNotCanonical) {
			t.Errorf("%q: got %v, want ErrNotCanonical", p, err)
		}
	}
}

func FuzzCheckCanonicalJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":[1,{"b":"c"}]}`, ` {}`, `{"a":1,"a":1}`, `-0`, `"\ud800\udc00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		if CheckCanonicalJSON(p) != nil {
			return
		}
		// Whatever passes must already be what encoding/json would write
		// back for the same value (up to HTML escaping): compact and unique.
		var v any
		if err := DecodeCanonical(p, &v); err != nil {
			t.Fatalf("canonical %q does not decode: %v", p, err)
		}
	})
}

func TestSaleRecordCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ok := func() SaleRecord {
		return SaleRecord{Completed: now, StartedAt: now.Add(-time.Minute), Totals: Totals{Gross: 100, Paid: 100},
			Lines:   []RecordLine{{Line: Line{Qty: 1000, UnitPrice: 100}, Amount: 100, Gross: 100}},
			Tenders: []Tender{{Kind: "cash", Amount: 100}}}
	}
	if err := ok().Check(now); err != nil {
		t.Fatalf("good record: %v", err)
	}
	cases := map[string]func(*SaleRecord){
		"gross max int64":  func(r *SaleRecord) { r.Totals.Gross = 1<<63 - 1 },
		"gross below -max": func(r *SaleRecord) { r.Totals.Gross = -MaxAmount - 1 },
		"line gross":       func(r *SaleRecord) { r.Lines[0].Gross = MaxAmount + 1 },
		"line qty 0":       func(r *SaleRecord) { r.Lines[0].Qty = 0 },
		"line qty huge":    func(r *SaleRecord) { r.Lines[0].Qty = MaxQty + 1 },
		"tender":           func(r *SaleRecord) { r.Tenders[0].Amount = -1 << 63 },
		"completed 2099":   func(r *SaleRecord) { r.Completed = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) },
		"completed 1970":   func(r *SaleRecord) { r.Completed = time.Unix(0, 0) },
		"completed zero":   func(r *SaleRecord) { r.Completed = time.Time{} },
		"started 2300":     func(r *SaleRecord) { r.StartedAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC) },
		"too many lines":   func(r *SaleRecord) { r.Lines = make([]RecordLine, MaxLines+1) },
		"too many tenders": func(r *SaleRecord) { r.Tenders = make([]Tender, MaxTenders+1) },
		"tax line":         func(r *SaleRecord) { r.Totals.Taxes = []TaxLine{{Gross: MaxAmount + 1}} },
	}
	for name, mut := range cases {
		r := ok()
		mut(&r)
		if err := r.Check(now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The register checks the window only: its own clock is "now".
	r := ok()
	r.Completed = now.Add(72 * time.Hour)
	if err := r.Check(time.Time{}); err != nil {
		t.Errorf("register-side check refused its own clock: %v", err)
	}
	if err := r.Check(now); err == nil {
		t.Errorf("72 h ahead accepted at the head office")
	}
}

func TestAddProductStopsAtMaxLines(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", MustCurrency("EUR"), TaxInclusive, time.Now())
	for i := range MaxLines {
		if _, err := s.AddProduct(Product{ID: "p" + string(rune('a'+i%26)), Price: 1, SoldByWeight: true}, 1000, 0, ""); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	if _, err := s.AddProduct(Product{ID: "x", Price: 1}, 1000, 0, ""); err == nil {
		t.Fatalf("line %d accepted", MaxLines+1)
	}
}

// TestRecordRefusesOutOfBounds: the register applies the same bounds as the
// head office when it freezes a sale, so it never seals what ingest refuses.
func TestRecordRefusesOutOfBounds(t *testing.T) {
	t.Parallel()
	s := NewSale("s", "r", MustCurrency("EUR"), TaxInclusive, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := s.AddProduct(Product{ID: "p", Price: 100}, 1000, 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddTender(Tender{Kind: TenderCash, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record("1", time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)); err != nil {
		t.Fatalf("good sale: %v", err)
	}
	for _, at := range []time.Time{time.Unix(0, 0), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if _, err := s.Record("1", at); !errors.Is(err, ErrTimeOutOfRange) {
			t.Errorf("Record at %v: %v, want ErrTimeOutOfRange", at, err)
		}
	}
}
