package store

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/app/register"
)

func TestSearchProducts(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	f := GenerateCatalog(2000, 7)
	if err := db.importFile(ctx, f); err != nil {
		t.Fatal(err)
	}
	first := f.Products[0]
	for _, tc := range []struct {
		name, q string
		want    func(pos.Product) bool
	}{
		{"word prefix, any case", "BREZ", func(p pos.Product) bool { return strings.Contains(strings.ToLower(p.Name), "brez") }},
		{"two words", "bio brez", func(p pos.Product) bool {
			n := strings.ToLower(p.Name)
			return strings.Contains(n, "bio") && strings.Contains(n, "brez")
		}},
		{"accents folded", "kase", func(p pos.Product) bool { return strings.Contains(p.Name, "Käse") }},
		{"sku prefix", first.SKU[:6], func(p pos.Product) bool { return strings.HasPrefix(p.SKU, first.SKU[:6]) }},
		{"fts syntax is text", `"bio*(`, func(p pos.Product) bool { return strings.Contains(strings.ToLower(p.Name), "bio") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.SearchProducts(ctx, tc.q, 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				t.Fatalf("%q found nothing", tc.q)
			}
			if len(got) > 20 {
				t.Fatalf("%d results over the limit", len(got))
			}
			for _, p := range got {
				if !tc.want(p) {
					t.Errorf("%q found %s %q", tc.q, p.SKU, p.Name)
				}
			}
		})
	}
	got, err := db.SearchProducts(ctx, first.Barcodes[0], 5)
	if err != nil || len(got) == 0 || got[0].ID != first.ID {
		t.Fatalf("barcode search: %v %+v", err, got)
	}
	if got, _ := db.SearchProducts(ctx, "   ", 5); len(got) != 0 {
		t.Error("blank query found products")
	}
	if got, _ := db.SearchProducts(ctx, "zzzqqq", 5); len(got) != 0 {
		t.Error("nonsense found products")
	}
	// A renamed product is found by its new name (the FTS index follows).
	f.Products[0].Name = "Quittengelee 450 g"
	if err := db.importFile(ctx, catalogfile.File{Version: catalogfile.Version, TaxRates: f.TaxRates, Categories: f.Categories,
		Products: f.Products[:1]}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.SearchProducts(ctx, "quitt", 5); len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("renamed product: %+v", got)
	}
}

func (db *DB) importFile(ctx context.Context, f catalogfile.File) error {
	_, err := db.importCatalog(ctx, f, false)
	return err
}

func TestParkedSalesSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "till.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for i, id := range []string{"b", "a"} {
		p := register.ParkedSale{ID: id, ParkedAt: at.Add(time.Duration(i) * time.Minute), Cashier: "Ana", Gross: int64(100 * (i + 1)),
			Items: 2000, Label: "Frau " + id, Sale: []byte(`{"ID":"` + id + `"}`)}
		if err := db.Park(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = mustOpenPath(t, path)
	ps, err := db.ParkedSales(ctx)
	if err != nil || len(ps) != 2 || ps[0].ID != "b" || ps[1].Gross != 200 || ps[0].Items != 2000 || !ps[0].ParkedAt.Equal(at) {
		t.Fatalf("after reopen: %v %+v", err, ps)
	}
	p, err := db.Unpark(ctx, "b")
	if err != nil || string(p.Sale) != `{"ID":"b"}` || p.Label != "Frau b" {
		t.Fatalf("unpark: %v %+v", err, p)
	}
	if _, err := db.Unpark(ctx, "b"); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("second unpark: %v", err)
	}
}

// BenchmarkSearchCatalog is one keystroke of the search screen over 100k
// products: a random 3-letter prefix of a word of the catalog's names, 20
// results.
func BenchmarkSearchCatalog(b *testing.B) {
	path, _ := bigCatalogPath(b)
	db := mustOpenPath(b, path)
	ctx := context.Background()
	f := GenerateCatalog(200, 1)
	var prefixes []string
	for _, p := range f.Products {
		for _, w := range strings.Fields(p.Name) {
			if r := []rune(w); len(r) >= 3 && !allDigits(string(r[:1])) {
				prefixes = append(prefixes, strings.ToLower(string(r[:3])))
			}
		}
	}
	rng := rand.New(rand.NewPCG(4, 5))
	lat := make(latencies, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := prefixes[rng.IntN(len(prefixes))]
		start := time.Now()
		ps, err := db.SearchProducts(ctx, q, 20)
		if err != nil {
			b.Fatal(err)
		}
		if len(ps) == 0 {
			b.Fatalf("%q found nothing", q)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	lat.report(b)
}
