package hqstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/store/hqstore"
)

func record(t *testing.T, kind, id string, v any) hqstore.CatalogRecord {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return hqstore.CatalogRecord{Kind: kind, ID: id, Data: b}
}

// priceIn decodes the price of a product change.
func priceIn(t *testing.T, c hqstore.Change) int64 {
	t.Helper()
	var p catalogfile.Product
	if err := json.Unmarshal(c.Data, &p); err != nil {
		t.Fatalf("change %d: %v", c.Cursor, err)
	}
	return p.Price
}

func mustChanges(t *testing.T, st hqstore.Store, storeID string, after int64, limit int) hqstore.ChangePage {
	t.Helper()
	p, err := st.CatalogChanges(context.Background(), storeID, after, limit)
	if err != nil {
		t.Fatalf("CatalogChanges(%s, %d): %v", storeID, after, err)
	}
	return p
}

func testCatalog(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	for _, s := range []string{"S01", "S02"} {
		if err := st.AddStore(ctx, hqstore.StoreInfo{ID: s, Name: s}); err != nil {
			t.Fatal(err)
		}
	}
	if p := mustChanges(t, st, "S01", 0, 0); len(p.Changes) != 0 || p.NextCursor != 0 || p.More {
		t.Fatalf("empty feed = %+v", p)
	}
	base, err := st.ApplyCatalog(ctx, hqstore.CatalogBatch{Records: []hqstore.CatalogRecord{
		record(t, hqstore.KindTaxRate, "std", catalogfile.TaxRate{ID: "std", Name: "Standard", BasisPoints: 1900}),
		record(t, hqstore.KindCategory, "drinks", catalogfile.Category{ID: "drinks", Name: "Drinks"}),
		record(t, hqstore.KindProduct, "cola", catalogfile.Product{ID: "cola", Name: "Cola", Price: 129, TaxRate: "std",
			Category: "drinks", Barcodes: []string{"4000000000006"}}),
		record(t, hqstore.KindSetting, "currency", "EUR"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := mustChanges(t, st, "S01", 0, 0)
	if len(p.Changes) != 4 || p.More || p.NextCursor != base || p.Changes[3].Cursor != base {
		t.Fatalf("feed after import = %+v (cursor %d)", p, base)
	}
	for i := 1; i < len(p.Changes); i++ {
		if p.Changes[i].Cursor <= p.Changes[i-1].Cursor {
			t.Fatalf("cursors not increasing: %+v", p.Changes)
		}
	}
	// Paginated: two pages of two, then nothing.
	p1 := mustChanges(t, st, "S01", 0, 2)
	p2 := mustChanges(t, st, "S01", p1.NextCursor, 2)
	if len(p1.Changes) != 2 || !p1.More || len(p2.Changes) != 2 || p2.More || p2.NextCursor != base {
		t.Fatalf("pages %+v / %+v", p1, p2)
	}

	// Refused batches change nothing and append nothing.
	for name, b := range map[string]hqstore.CatalogBatch{
		"unknown tax rate": {Records: []hqstore.CatalogRecord{record(t, hqstore.KindProduct, "x",
			catalogfile.Product{ID: "x", Name: "X", Price: 1, TaxRate: "nope"})}},
		"barcode taken": {Records: []hqstore.CatalogRecord{record(t, hqstore.KindProduct, "y",
			catalogfile.Product{ID: "y", Name: "Y", Price: 1, TaxRate: "std", Barcodes: []string{"4000000000006"}})}},
		"price of unknown product": {Prices: []hqstore.StorePrice{{StoreID: "S01", ProductID: "nope", Price: 1}}},
		"price in unknown store":   {Prices: []hqstore.StorePrice{{StoreID: "S99", ProductID: "cola", Price: 1}}},
	} {
		var ce *hqstore.CatalogError
		if _, err := st.ApplyCatalog(ctx, b); !errors.As(err, &ce) {
			t.Errorf("%s: err = %v, want *CatalogError", name, err)
		}
	}
	if p := mustChanges(t, st, "S01", base, 0); len(p.Changes) != 0 || p.NextCursor != base {
		t.Fatalf("refused batches appended %+v", p)
	}

	// A store price reaches that store only, and outlives a base price change.
	c1, err := st.ApplyCatalog(ctx, hqstore.CatalogBatch{Prices: []hqstore.StorePrice{{StoreID: "S01", ProductID: "cola", Price: 99}}})
	if err != nil {
		t.Fatal(err)
	}
	if p := mustChanges(t, st, "S01", base, 0); len(p.Changes) != 1 || priceIn(t, p.Changes[0]) != 99 || p.NextCursor != c1 {
		t.Fatalf("S01 after its price = %+v", p)
	}
	if p := mustChanges(t, st, "S02", base, 0); len(p.Changes) != 0 || p.NextCursor != c1 {
		t.Fatalf("S02 saw S01's price: %+v", p)
	}
	c2, err := st.ApplyCatalog(ctx, hqstore.CatalogBatch{Records: []hqstore.CatalogRecord{
		record(t, hqstore.KindProduct, "cola", catalogfile.Product{ID: "cola", Name: "Cola", Price: 149, TaxRate: "std",
			Barcodes: []string{"4000000000006"}})}})
	if err != nil {
		t.Fatal(err)
	}
	if p := mustChanges(t, st, "S01", c1, 0); len(p.Changes) != 1 || priceIn(t, p.Changes[0]) != 99 {
		t.Fatalf("S01 after base change = %+v, want its own 99", p)
	}
	if p := mustChanges(t, st, "S02", c1, 0); len(p.Changes) != 1 || priceIn(t, p.Changes[0]) != 149 {
		t.Fatalf("S02 after base change = %+v, want 149", p)
	}
	c3, err := st.ApplyCatalog(ctx, hqstore.CatalogBatch{Prices: []hqstore.StorePrice{{StoreID: "S01", ProductID: "cola", Clear: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if p := mustChanges(t, st, "S01", c2, 0); len(p.Changes) != 1 || priceIn(t, p.Changes[0]) != 149 || p.NextCursor != c3 {
		t.Fatalf("S01 after clearing = %+v", p)
	}

	// The snapshot is the current catalog, priced per store, at the last cursor.
	if _, err := st.ApplyCatalog(ctx, hqstore.CatalogBatch{Prices: []hqstore.StorePrice{{StoreID: "S02", ProductID: "cola", Price: 111}}}); err != nil {
		t.Fatal(err)
	}
	snap, err := st.CatalogSnapshot(ctx, "S02")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range snap.Records {
		kinds = append(kinds, r.Kind)
		if r.Kind == hqstore.KindProduct && priceIn(t, r) != 111 {
			t.Errorf("snapshot price = %d, want 111", priceIn(t, r))
		}
	}
	if want := []string{"tax_rate", "category", "product", "setting"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("snapshot kinds %v, want %v", kinds, want)
	}
	if snap.Cursor != mustChanges(t, st, "S02", 0, 0).NextCursor {
		t.Errorf("snapshot cursor %d is not the feed's end", snap.Cursor)
	}

	// Pruning: a cursor behind the horizon, or beyond the end, is gone.
	horizon, err := st.PruneCatalogChanges(ctx, time.Now().Add(time.Hour))
	if err != nil || horizon != snap.Cursor {
		t.Fatalf("prune = %d, %v; want %d", horizon, err, snap.Cursor)
	}
	for _, after := range []int64{0, base, horizon + 1} {
		if _, err := st.CatalogChanges(ctx, "S01", after, 0); !errors.Is(err, hqstore.ErrCursorGone) {
			t.Errorf("changes after %d (horizon %d): %v, want ErrCursorGone", after, horizon, err)
		}
	}
	if p := mustChanges(t, st, "S01", horizon, 0); len(p.Changes) != 0 || p.NextCursor != horizon {
		t.Errorf("feed at the horizon = %+v", p)
	}
	c4, err := st.ApplyCatalog(ctx, hqstore.CatalogBatch{Records: []hqstore.CatalogRecord{record(t, hqstore.KindSetting, "store_name", "Till")}})
	if err != nil || c4 <= horizon {
		t.Fatalf("cursor after prune = %d, %v (horizon %d)", c4, err, horizon)
	}
}

func testRegisterHealth(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	h := hqstore.RegisterHealth{RegisterID: "R1", ReceivedAt: Epoch.Truncate(time.Millisecond), AppVersion: "1.2.3",
		OutboxDepth: 7, OldestUnsynced: 90 * time.Second, ClockOffset: -2 * time.Second,
		Devices:   map[string]string{"printer": "paper out"},
		Counters:  map[string]int64{"sales_completed": 10},
		Latencies: map[string]hqstore.LatencySummary{"commit": {Count: 10, P50: time.Millisecond, P99: 3 * time.Millisecond}}}
	if err := st.PutRegisterHealth(ctx, h); err != nil {
		t.Fatal(err)
	}
	h.OutboxDepth = 0
	if err := st.PutRegisterHealth(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := st.PutRegisterHealth(ctx, hqstore.RegisterHealth{RegisterID: "R0", ReceivedAt: Epoch.UTC()}); err != nil {
		t.Fatal(err)
	}
	got, err := st.RegisterHealth(ctx)
	if err != nil || len(got) != 2 || got[0].RegisterID != "R0" {
		t.Fatalf("RegisterHealth = %+v, %v", got, err)
	}
	if !got[1].ReceivedAt.Equal(h.ReceivedAt) {
		t.Errorf("received at %v, want %v", got[1].ReceivedAt, h.ReceivedAt)
	}
	got[1].ReceivedAt = h.ReceivedAt
	if !reflect.DeepEqual(got[1], h) {
		t.Errorf("health = %+v, want the latest %+v", got[1], h)
	}
}
