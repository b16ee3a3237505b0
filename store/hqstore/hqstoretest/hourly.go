package hqstoretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
)

// saleAt appends a sale completed at when to c and returns its gross.
func saleAt(c *Chain, when time.Time, out *[]pos.Entry) int64 {
	seq, _ := c.Last()
	*out = append(*out, c.Next(pos.EntrySale, SalePayload(c.RegisterID, c.StoreID, c.Currency, seq+1, when)))
	return 100 * (seq + 1)
}

func testSalesByHour(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	// India is UTC+5:30: a UTC hour spans two local hours there, so the
	// grouping must not be by UTC hour.
	for _, loc := range []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800)} {
		t.Run(loc.String(), func(t *testing.T) {
			day := time.Date(2026, 3, 12, 0, 0, 0, 0, loc)
			at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
			r1, r2, r3 := NewChain("H1-"+loc.String()), NewChain("H2-"+loc.String()), NewChain("H3-"+loc.String())
			r1.StoreID, r2.StoreID, r3.StoreID = "HS1-"+loc.String(), "HS2-"+loc.String(), "HS1-"+loc.String()
			r3.Currency = "CHF"
			var b1, b2, b3 []pos.Entry
			saleAt(r1, day.Add(-time.Second), &b1) // yesterday
			g1 := saleAt(r1, at(8, 10), &b1)
			g1 += saleAt(r1, at(8, 59), &b1)
			g2 := saleAt(r1, at(9, 0), &b1)
			g3 := saleAt(r2, at(8, 20), &b2)
			g4 := saleAt(r3, at(17, 59), &b3)
			saleAt(r3, day.AddDate(0, 0, 1), &b3) // tomorrow
			for _, b := range [][]pos.Entry{b1, b2, b3} {
				if _, acked, err := st.IngestBatch(ctx, b[0].RegisterID, b); err != nil || acked != int64(len(b)) {
					t.Fatalf("ingest: acked %d of %d, %v", acked, len(b), err)
				}
			}
			got, err := st.SalesByHour(ctx, day, day.AddDate(0, 0, 1), loc)
			if err != nil {
				t.Fatal(err)
			}
			// Only this location's stores: the subtests share the store.
			got = slices.DeleteFunc(got, func(h hqstore.HourlySales) bool {
				return h.StoreID != r1.StoreID && h.StoreID != r2.StoreID
			})
			want := []hqstore.HourlySales{
				{StoreID: r1.StoreID, Hour: 8, Currency: "EUR", Sales: 2, Gross: g1},
				{StoreID: r1.StoreID, Hour: 9, Currency: "EUR", Sales: 1, Gross: g2},
				{StoreID: r1.StoreID, Hour: 17, Currency: "CHF", Sales: 1, Gross: g4},
				{StoreID: r2.StoreID, Hour: 8, Currency: "EUR", Sales: 1, Gross: g3},
			}
			if !slices.Equal(got, want) {
				t.Errorf("sales by hour in %s:\n got %+v\nwant %+v", loc, got, want)
			}
		})
	}
	if got, err := st.SalesByHour(ctx, Epoch, Epoch.Add(time.Hour), time.UTC); err != nil || len(got) != 0 {
		t.Errorf("hour without sales: %+v, %v", got, err)
	}
}
