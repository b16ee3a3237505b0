package headoffice_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/headoffice/books"
)

// FactTotals answers from f.totals by the period's start; it records what
// was asked.
func (f *fakeStore) FactTotals(_ context.Context, q headoffice.FactQuery) ([]headoffice.FactTotal, error) {
	f.factQueries = append(f.factQueries, q)
	return f.totals[q.From.Format(time.DateOnly)+"/"+string(q.By)], nil
}

func (f *fakeStore) Events(_ context.Context, q headoffice.FactQuery, kind headoffice.EventKind) ([]headoffice.EventFact, error) {
	var out []headoffice.EventFact
	for _, e := range f.events {
		if e.Kind == kind && !e.At.Before(q.From) && e.At.Before(q.To) {
			out = append(out, e)
		}
	}
	return out, nil
}

func record(t *testing.T, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A category report folds products into the catalog's categories and sets
// each beside the same number of days just before.
func TestSalesReportByCategoryComparesWithPreviousPeriod(t *testing.T) {
	t.Parallel()
	f := &fakeStore{totals: map[string][]headoffice.FactTotal{
		"2026-03-08/product": {
			{Key: "P1", Currency: "EUR", Count: 2, Qty: 2000, Net: 187, Tax: 13, Gross: 200},
			{Key: "P2", Currency: "EUR", Count: 1, Qty: 1000, Net: 93, Tax: 7, Gross: 100},
			{Key: "P9", Currency: "EUR", Count: 1, Qty: 1000, Net: 84, Tax: 16, Gross: 100},
		},
		"2026-03-01/product": {{Key: "P2", Currency: "EUR", Count: 1, Qty: 1000, Net: 93, Tax: 7, Gross: 100}},
	}}
	f.snapshot.Records = []headoffice.Change{
		{Kind: "category", ID: "bakery", Data: record(t, map[string]string{"name": "Bakery"})},
		{Kind: "product", ID: "P1", Data: record(t, map[string]string{"name": "Bread", "category": "bakery"})},
		{Kind: "product", ID: "P2", Data: record(t, map[string]string{"name": "Rolls", "category": "bakery"})},
	}
	ho := newHeadOffice(t, f, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), nil)
	p, err := ho.Period("2026-03-08", "2026-03-14")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ho.SalesReport(context.Background(), p, "", headoffice.ByCategory)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Previous.From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || !rep.Previous.To.Equal(p.From) {
		t.Errorf("previous period %v", rep.Previous)
	}
	if len(rep.Rows) != 2 {
		t.Fatalf("rows %+v", rep.Rows)
	}
	if r := rep.Rows[0]; r.Key != "bakery" || r.Label != "Bakery" || r.Gross != 300 || r.Qty != 3000 || r.Net != 280 || r.PrevGross != 100 {
		t.Errorf("bakery row %+v", r)
	}
	if r := rep.Rows[1]; r.Key != "" || r.Label != "(no category)" || r.Gross != 100 || r.PrevGross != 0 {
		t.Errorf("uncategorised row %+v", r)
	}
	if len(rep.Totals) != 1 || rep.Totals[0].Gross != 400 || rep.Totals[0].PrevGross != 100 {
		t.Errorf("totals %+v", rep.Totals)
	}
	for _, q := range f.factQueries {
		if q.By != headoffice.ByProduct || q.Loc != time.UTC {
			t.Errorf("asked the store %+v", q)
		}
	}
}

func TestPeriodRefusesBadDates(t *testing.T) {
	t.Parallel()
	ho := newHeadOffice(t, &fakeStore{}, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), nil)
	for _, c := range [][2]string{{"2026-3-1", ""}, {"2026-03-10", "2026-03-01"}, {"2025-01-01", "2026-03-01"}, {"x", "y"}} {
		if _, err := ho.Period(c[0], c[1]); err == nil {
			t.Errorf("Period(%q, %q) accepted", c[0], c[1])
		}
	}
	p, err := ho.Period("", "")
	if err != nil || p.Days() != 1 || !p.From.Equal(time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("today: %v %v", p, err)
	}
	if _, err := ho.SalesReport(context.Background(), p, "", "colour"); err == nil {
		t.Error("an unknown dimension was accepted")
	}
}

func (f *fakeStore) BookedDays(_ context.Context, storeID string) (map[string][]books.Posting, error) {
	out := map[string][]books.Posting{}
	for k, v := range f.booked[storeID] {
		out[k] = v
	}
	return out, nil
}

func (f *fakeStore) SaveBookedDays(_ context.Context, storeID string, days map[string][]books.Posting) error {
	if f.booked == nil {
		f.booked = map[string]map[string][]books.Posting{}
	}
	if f.booked[storeID] == nil {
		f.booked[storeID] = map[string][]books.Posting{}
	}
	for k, v := range days {
		f.booked[storeID][k] = v
	}
	return nil
}
