package store

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/tillpos/till/app/pos"
)

func TestCatalogLookups(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		lookup   func() (pos.Product, error)
		wantID   string
		wantCode string // pos.ErrorCode of the error
	}{
		{"barcode", func() (pos.Product, error) { return db.ProductByBarcode(ctx, "2168615649859") }, "bakery-02", ""},
		{"second barcode", func() (pos.Product, error) { return db.ProductByBarcode(ctx, "4007826823123") }, "drinks-01", ""},
		{"unknown barcode", func() (pos.Product, error) { return db.ProductByBarcode(ctx, "4000000000000") }, "", pos.ENotFound},
		{"empty barcode", func() (pos.Product, error) { return db.ProductByBarcode(ctx, "") }, "", pos.ENotFound},
		{"id", func() (pos.Product, error) { return db.Product(ctx, "dairy-03") }, "dairy-03", ""},
		{"weighed by id", func() (pos.Product, error) { return db.Product(ctx, "fruitveg-01") }, "fruitveg-01", ""},
		{"unknown id", func() (pos.Product, error) { return db.Product(ctx, "nope") }, "", pos.ENotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := tt.lookup()
			if got := pos.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("error code %q (%v), want %q", got, err, tt.wantCode)
			}
			if p.ID != tt.wantID {
				t.Errorf("product %q, want %q", p.ID, tt.wantID)
			}
		})
	}
}

func TestProductFields(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	ctx := context.Background()
	tests := []struct {
		id   string
		want pos.Product
	}{
		{"drinks-01", pos.Product{ID: "drinks-01", SKU: "10015", Name: "Apfelsaft naturtrüb 1 l",
			Barcodes: []string{"4002609718733", "4007826823123"}, Price: 199, TaxRateID: "std", CategoryID: "drinks"}},
		{"fruitveg-01", pos.Product{ID: "fruitveg-01", SKU: "10024", Name: "Bananen (kg)", Price: 199,
			TaxRateID: "red", CategoryID: "fruitveg", SoldByWeight: true, QuickKey: true}},
		{"dairy-03", pos.Product{ID: "dairy-03", SKU: "10034", Name: "Crème fraîche 150 g",
			Barcodes: []string{"4000239057840"}, Price: 99, TaxRateID: "red", CategoryID: "dairy"}},
	}
	for _, tt := range tests {
		got, err := db.Product(ctx, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if !productsEqual(got, tt.want) {
			t.Errorf("Product(%s) =\n %+v\nwant\n %+v", tt.id, got, tt.want)
		}
		for _, code := range tt.want.Barcodes {
			byCode, err := db.ProductByBarcode(ctx, code)
			// The scan path reads the tax rate with the product.
			if err != nil || byCode.Rate == nil || byCode.Rate.ID != tt.want.TaxRateID || byCode.Rate.BasisPoints == 0 {
				t.Errorf("ProductByBarcode(%s) = %+v (rate %+v), %v", code, byCode, byCode.Rate, err)
				continue
			}
			if rate, _ := db.TaxRate(ctx, byCode.TaxRateID); *byCode.Rate != rate {
				t.Errorf("ProductByBarcode(%s) rate %+v, TaxRate %+v", code, *byCode.Rate, rate)
			}
			byCode.Rate = nil
			if !productsEqual(byCode, tt.want) {
				t.Errorf("ProductByBarcode(%s) = %+v, %v", code, byCode, err)
			}
		}
	}
}

func productsEqual(a, b pos.Product) bool {
	ab, bb := a.Barcodes, b.Barcodes
	a.Barcodes, b.Barcodes = nil, nil
	return reflect.DeepEqual(a, b) && slices.Equal(ab, bb)
}

func TestTaxRates(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	ctx := context.Background()
	for _, tt := range []struct {
		id     string
		wantBP int64
		code   string
	}{
		{"std", 1900, ""},
		{"red", 700, ""},
		{"zero", 0, pos.ENotFound},
	} {
		r, err := db.TaxRate(ctx, tt.id)
		if pos.ErrorCode(err) != tt.code || r.BasisPoints != tt.wantBP {
			t.Errorf("TaxRate(%s) = %+v, %v; want %d bp, code %q", tt.id, r, err, tt.wantBP, tt.code)
		}
	}
	all, err := db.TaxRates(ctx)
	if err != nil || len(all) != 2 || all[0].ID != "std" {
		t.Errorf("TaxRates = %+v, %v", all, err)
	}
}

func TestCategoriesAndQuickKeys(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	ctx := context.Background()
	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cats {
		ids = append(ids, c.ID)
	}
	want := []string{"bakery", "coffee", "drinks", "fruitveg", "dairy", "snacks", "pantry", "household"}
	if !slices.Equal(ids, want) {
		t.Errorf("category order %v, want %v", ids, want)
	}
	total := 0
	for _, c := range cats {
		keys, err := db.QuickKeys(ctx, c.ID)
		if err != nil {
			t.Fatalf("QuickKeys(%s): %v", c.ID, err)
		}
		total += len(keys)
		for _, p := range keys {
			if !p.QuickKey || p.CategoryID != c.ID {
				t.Errorf("QuickKeys(%s) returned %+v", c.ID, p)
			}
		}
	}
	if total < 15 || total > 25 {
		t.Errorf("%d quick keys in the demo, want about 20", total)
	}
	bakery, _ := db.QuickKeys(ctx, "bakery")
	if len(bakery) == 0 || bakery[0].ID != "bakery-01" || bakery[1].ID != "bakery-02" {
		t.Errorf("bakery quick keys not in sort order: %+v", bakery)
	}
	if _, err := db.QuickKeys(ctx, "nope"); pos.ErrorCode(err) != pos.ENotFound {
		t.Errorf("QuickKeys(unknown) err = %v, want not_found", err)
	}
}
