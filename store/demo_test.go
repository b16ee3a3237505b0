package store

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/assets"
)

// checkDigit is written out again here, independently of ean13CheckDigit:
// from the right, data digits weigh 3, 1, 3, ...; the check digit makes the
// sum a multiple of ten.
func checkDigit(t *testing.T, code string) bool {
	t.Helper()
	if len(code) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(code[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 { // counted from the left, odd positions are 3 from the right
			d *= 3
		}
		sum += d
	}
	return int(code[12]-'0') == (10-sum%10)%10
}

func demoCatalog(t *testing.T) catalogfile.File {
	t.Helper()
	f, err := catalogfile.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		t.Fatalf("demo catalog: %v", err)
	}
	return f
}

func TestDemoCatalogBarcodesAreValidEAN13(t *testing.T) {
	t.Parallel()
	f := demoCatalog(t)
	n := 0
	for _, p := range f.Products {
		for _, code := range p.Barcodes {
			n++
			if !checkDigit(t, code) {
				t.Errorf("%s (%s): %s is not a valid EAN-13", p.ID, p.Name, code)
			}
		}
		if len(p.Barcodes) == 0 && !p.SoldByWeight {
			t.Errorf("%s (%s) has no barcode and is not sold by weight", p.ID, p.Name)
		}
	}
	if n < 50 {
		t.Errorf("only %d demo barcodes", n)
	}
}

func TestDemoCatalogShape(t *testing.T) {
	t.Parallel()
	f := demoCatalog(t)
	if problems := f.Problems(pinhash.Valid); len(problems) > 0 {
		t.Fatalf("demo catalog problems: %v", problems)
	}
	rates := map[string]int64{}
	for _, r := range f.TaxRates {
		rates[r.ID] = r.BasisPoints
	}
	if rates["std"] != 1900 || rates["red"] != 700 || len(rates) != 2 {
		t.Errorf("tax rates %v, want std 1900 and red 700", rates)
	}
	colours := map[string]string{}
	for _, c := range f.Categories {
		if other, dup := colours[strings.ToUpper(c.Color)]; dup {
			t.Errorf("categories %s and %s share colour %s", other, c.ID, c.Color)
		}
		colours[strings.ToUpper(c.Color)] = c.ID
	}
	var quick, weighed int
	names := map[string]bool{}
	for _, p := range f.Products {
		names[p.Name] = true
		if p.QuickKey {
			quick++
		}
		if p.SoldByWeight {
			weighed++
		}
	}
	for _, check := range []struct {
		what      string
		n, lo, hi int
	}{
		{"products", len(f.Products), 55, 70},
		{"quick keys", quick, 18, 24},
		{"weighed products", weighed, 3, 10},
		{"categories", len(f.Categories), 6, 10},
	} {
		if check.n < check.lo || check.n > check.hi {
			t.Errorf("%d %s, want %d..%d", check.n, check.what, check.lo, check.hi)
		}
	}
	for _, name := range []string{"Käsebrötchen", "Apfelsaft naturtrüb 1 l", "Crème fraîche 150 g", "Bananen (kg)"} {
		if !names[name] {
			t.Errorf("demo catalog lacks %q", name)
		}
	}
	if f.Settings[SettingCurrency] != "EUR" || f.Settings[SettingTaxMode] != "inclusive" {
		t.Errorf("demo settings %v, want EUR inclusive", f.Settings)
	}
}

func TestGenerateCatalog(t *testing.T) {
	t.Parallel()
	a, b := GenerateCatalog(2000, 7), GenerateCatalog(2000, 7)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("same seed gave different catalogs")
	}
	if c, _ := json.Marshal(GenerateCatalog(2000, 8)); bytes.Equal(ja, c) {
		t.Error("different seeds gave the same catalog")
	}
	if len(a.Products) != 2000 {
		t.Fatalf("%d products, want 2000", len(a.Products))
	}
	if problems := a.Problems(pinhash.Valid); len(problems) > 0 {
		t.Fatalf("generated catalog problems: %v", problems[:min(5, len(problems))])
	}
	for _, p := range a.Products {
		for _, code := range p.Barcodes {
			if !checkDigit(t, code) {
				t.Fatalf("%s: %s is not a valid EAN-13", p.ID, code)
			}
		}
	}
}
