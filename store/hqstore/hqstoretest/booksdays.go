package hqstoretest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tillpos/till/app/headoffice/books"
	"github.com/tillpos/till/store/hqstore"
)

// testBookedDays: closed days keep their postings as saved, per store, and
// saving a day again replaces it (a correction appended).
func testBookedDays(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	p := books.Posting{Date: "2026-03-02", Store: "S1", Doc: "Z20260302-S1", Text: "Umsatz 19 %", Debit: books.SalesClearing,
		Credit: books.RevenueKey(1900), Amount: 11900, Side: books.TaxOut, RateBP: 1900, Tax: 1900}
	if err := st.SaveBookedDays(ctx, "S1", map[string][]books.Posting{"2026-03-02": {p}}); err != nil {
		t.Fatal(err)
	}
	corr := p
	corr.Date, corr.Amount, corr.Tax = "2026-03-09", 119, 19
	if err := st.SaveBookedDays(ctx, "S1", map[string][]books.Posting{"2026-03-02": {p, corr}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.BookedDays(ctx, "S1")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(map[string][]books.Posting{"2026-03-02": {p, corr}}) {
		t.Errorf("booked days %+v", got)
	}
	if other, err := st.BookedDays(ctx, "S2"); err != nil || len(other) != 0 {
		t.Errorf("S2 has booked days %v %v", other, err)
	}
}
