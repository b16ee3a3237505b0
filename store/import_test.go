package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
)

func smallCatalog() catalogfile.File {
	return catalogfile.File{
		Version:    catalogfile.Version,
		Settings:   map[string]string{SettingCurrency: "EUR"},
		TaxRates:   []catalogfile.TaxRate{{ID: "std", Name: "MwSt 19 %", BasisPoints: 1900}, {ID: "red", Name: "MwSt 7 %", BasisPoints: 700}},
		Categories: []catalogfile.Category{{ID: "bakery", Name: "Bakery", Color: "#C8893B"}},
		Products: []catalogfile.Product{
			{ID: "p1", Name: "Käsebrötchen", Price: 189, TaxRate: "red", Category: "bakery", Barcodes: []string{"4006381333931"}},
			{ID: "p2", Name: "Apfelsaft naturtrüb", Price: 199, TaxRate: "std", Barcodes: []string{"4000000000006"}},
		},
	}
}

func catalogJSON(t testing.TB, f catalogfile.File) []byte {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fingerprint summarises the whole catalog so a test can see that a failed
// import changed nothing.
func fingerprint(t *testing.T, db *DB) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT key || '=' || value FROM settings ORDER BY key`,
		`SELECT id || '|' || name || '|' || basis_points FROM tax_rates ORDER BY id`,
		`SELECT id || '|' || name || '|' || color || '|' || sort FROM categories ORDER BY id`,
		`SELECT id || '|' || sku || '|' || name || '|' || price || '|' || tax_rate_id || '|' || coalesce(category_id, '-') FROM products ORDER BY id`,
		`SELECT code || '>' || product_id || '#' || pos FROM barcodes ORDER BY code`,
	} {
		rows, err := db.r.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			sb.WriteString(s + "\n")
		}
		rows.Close()
	}
	return sb.String()
}

func TestImportCatalogRejectsBadInput(t *testing.T) {
	t.Parallel()
	mod := func(f func(*catalogfile.File)) []byte {
		c := smallCatalog()
		c.Products = append(c.Products, catalogfile.Product{ID: "p3", Name: "Laugenbrezel", Price: 95, TaxRate: "red", Barcodes: []string{"4012345678901"}})
		f(&c)
		b, _ := json.Marshal(c)
		return b
	}
	tests := []struct {
		name  string
		input []byte
		want  string // part of the message
	}{
		{"corrupt JSON", []byte(`{"version": 1, "products": [{"id": "x", "name": "Br`), "not valid catalog JSON"},
		{"syntax error", []byte(`{"version": 1,, }`), "at byte"},
		{"empty", nil, "empty or cut short"},
		{"wrong type", []byte(`{"version": 1, "products": [{"id": "x", "price": "1,99"}]}`), `"products.price" must be a whole number`},
		{"unknown field", []byte(`{"version": 1, "prodcts": []}`), "prodcts"},
		{"trailing data", append(catalogJSON(t, smallCatalog()), []byte(`{}`)...), "data after"},
		{"wrong version", mod(func(c *catalogfile.File) { c.Version = 2 }), "version is 2"},
		{"unknown tax rate", mod(func(c *catalogfile.File) { c.Products[1].TaxRate = "vat19" }), `product "p2": unknown tax rate "vat19"`},
		{"unknown category", mod(func(c *catalogfile.File) { c.Products[1].Category = "deli" }), `unknown category "deli"`},
		{"barcode on two products", mod(func(c *catalogfile.File) { c.Products[2].Barcodes = []string{"4006381333931"} }),
			`barcode 4006381333931 is on both product "p1" and product "p3"`},
		{"barcode twice on one product", mod(func(c *catalogfile.File) { c.Products[0].Barcodes = append(c.Products[0].Barcodes, "4006381333931") }), "twice"},
		{"bad check digit", mod(func(c *catalogfile.File) { c.Products[2].Barcodes = []string{"4012345678902"} }), "should end in 1"},
		{"barcode with space", mod(func(c *catalogfile.File) { c.Products[2].Barcodes = []string{"40 12"} }), "spaces"},
		{"negative price", mod(func(c *catalogfile.File) { c.Products[0].Price = -1 }), "price -1"},
		{"no name", mod(func(c *catalogfile.File) { c.Products[0].Name = " " }), "has no name"},
		{"duplicate product", mod(func(c *catalogfile.File) { c.Products[2].ID = "p1"; c.Products[2].Barcodes = nil }), `"p1" appears twice`},
		{"bad colour", mod(func(c *catalogfile.File) { c.Categories[0].Color = "brown" }), "#RRGGBB"},
		{"tax out of range", mod(func(c *catalogfile.File) { c.TaxRates[0].BasisPoints = 19000 }), "outside 0..10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := MustSeedDemo(t)
			before := fingerprint(t, db)
			err := db.ImportCatalog(context.Background(), bytes.NewReader(tt.input))
			if err == nil {
				t.Fatal("import succeeded, want an error")
			}
			if pos.ErrorCode(err) != pos.EInvalid {
				t.Errorf("error code %q, want invalid (%v)", pos.ErrorCode(err), err)
			}
			if !strings.Contains(pos.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not mention %q", pos.ErrorMessage(err), tt.want)
			}
			var ie *catalogfile.ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Errorf("error %T is not an *catalogfile.ImportError with problems", err)
			}
			if after := fingerprint(t, db); after != before {
				t.Errorf("a failed import changed the catalog:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func TestImportCatalogBarcodeOwnedByAnotherProduct(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	ctx := context.Background()
	before := fingerprint(t, db)
	// Käsebrötchen's code, given to a new product: the demo product keeps it.
	c := smallCatalog()
	c.Products[0].Barcodes = []string{"2168615649859"}
	err := db.ImportCatalog(ctx, bytes.NewReader(catalogJSON(t, c)))
	if pos.ErrorCode(err) != pos.EInvalid || !strings.Contains(err.Error(), `already belongs to product "bakery-02"`) {
		t.Fatalf("err = %v, want invalid: already belongs to bakery-02", err)
	}
	if fingerprint(t, db) != before {
		t.Error("the failed import changed the catalog")
	}
}

func TestImportCatalogUpserts(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	c := smallCatalog()
	if err := db.ImportCatalog(ctx, bytes.NewReader(catalogJSON(t, c))); err != nil {
		t.Fatal(err)
	}
	// Second import: new price, p1's code moves to p2, p1 gets a new one,
	// a rate is renamed; products not in the file are kept.
	c2 := catalogfile.File{
		Version:  catalogfile.Version,
		TaxRates: []catalogfile.TaxRate{{ID: "red", Name: "ermäßigt", BasisPoints: 700}},
		Products: []catalogfile.Product{
			{ID: "p1", Name: "Käsebrötchen groß", Price: 229, TaxRate: "red", Category: "bakery", Barcodes: []string{"4012345678901"}},
			{ID: "p2", Name: "Apfelsaft naturtrüb", Price: 199, TaxRate: "std", Barcodes: []string{"4006381333931", "4000000000006"}},
		},
	}
	if err := db.ImportCatalog(ctx, bytes.NewReader(catalogJSON(t, c2))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		code, wantID string
		wantPrice    int64
	}{
		{"4012345678901", "p1", 229},
		{"4006381333931", "p2", 199},
		{"4000000000006", "p2", 199},
	} {
		p, err := db.ProductByBarcode(ctx, tt.code)
		if err != nil || p.ID != tt.wantID || p.Price != tt.wantPrice {
			t.Errorf("ProductByBarcode(%s) = %s %d, %v; want %s %d", tt.code, p.ID, p.Price, err, tt.wantID, tt.wantPrice)
		}
	}
	p2, _ := db.Product(ctx, "p2")
	if fmt.Sprint(p2.Barcodes) != "[4006381333931 4000000000006]" {
		t.Errorf("p2 barcodes %v, want file order", p2.Barcodes)
	}
	if r, _ := db.TaxRate(ctx, "red"); r.Name != "ermäßigt" {
		t.Errorf("tax rate not updated: %+v", r)
	}
	if n, _ := db.ProductCount(ctx); n != 2 {
		t.Errorf("%d products, want 2", n)
	}
}

func TestSeedDemoIfEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("fresh", func(t *testing.T) {
		t.Parallel()
		db := MustOpenDB(t)
		for range 2 {
			if err := db.SeedDemoIfEmpty(ctx); err != nil {
				t.Fatal(err)
			}
		}
		n, _ := db.ProductCount(ctx)
		if n < 50 || n > 70 {
			t.Errorf("%d demo products, want about 60", n)
		}
		if name, _ := db.Setting(ctx, SettingStoreName); name == "" {
			t.Error("demo did not set a store name")
		}
	})
	t.Run("not empty", func(t *testing.T) {
		t.Parallel()
		db := MustOpenDB(t)
		if err := db.ImportCatalog(ctx, bytes.NewReader(catalogJSON(t, smallCatalog()))); err != nil {
			t.Fatal(err)
		}
		if err := db.SeedDemoIfEmpty(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.ProductCount(ctx); n != 2 {
			t.Errorf("seed touched a non-empty catalog: %d products", n)
		}
	})
}

func FuzzImportCatalog(f *testing.F) {
	f.Add(catalogJSON(f, smallCatalog()))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{`))
	db := MustOpenDB(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		err := db.ImportCatalog(context.Background(), bytes.NewReader(b))
		if err != nil && pos.ErrorCode(err) != pos.EInvalid {
			t.Errorf("import error with code %q: %v", pos.ErrorCode(err), err)
		}
	})
}
