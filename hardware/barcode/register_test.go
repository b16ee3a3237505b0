package barcode_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/barcode"
)

// catalog is the least a register needs to scan.
type catalog map[string]pos.Product // by barcode as stored

func (c catalog) ProductByBarcode(_ context.Context, code string) (pos.Product, error) {
	if p, ok := c[code]; ok {
		return p, nil
	}
	return pos.Product{}, pos.Errorf(pos.ENotFound, "no product %s", code)
}

func (c catalog) Product(_ context.Context, id string) (pos.Product, error) {
	for _, p := range c {
		if p.ID == id {
			return p, nil
		}
	}
	return pos.Product{}, pos.Errorf(pos.ENotFound, "no product %s", id)
}

func (c catalog) TaxRate(context.Context, string) (pos.TaxRate, error) {
	return pos.TaxRate{ID: "red", BasisPoints: 700}, nil
}
func (c catalog) Categories(context.Context) ([]pos.Category, error)       { return nil, nil }
func (c catalog) QuickKeys(context.Context, string) ([]pos.Product, error) { return nil, nil }
func (c catalog) SearchProducts(context.Context, string, int) ([]pos.Product, error) {
	return nil, nil
}

type clock struct{}

func (clock) Now() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) }

func TestParseBarcodeKeys(t *testing.T) {
	t.Parallel()
	p := barcode.Parser{Rules: barcode.DefaultVariableRules()}
	for _, tt := range []struct {
		in   string
		want register.ScannedCode
	}{
		{"036000291452", register.ScannedCode{Keys: []string{"0036000291452", "036000291452", "00036000291452"}}},
		{"4006381333931", register.ScannedCode{Keys: []string{"4006381333931", "04006381333931"}}},
		{"2908157012502", register.ScannedCode{Keys: []string{"2908150000001", "0815"}, Weight: 1250, HasWeight: true}},
		{"2212345012992", register.ScannedCode{Keys: []string{"2212340000000", "1234"}, Price: 1299, HasPrice: true}},
		{"2908150000001", register.ScannedCode{Keys: []string{"2908150000001", "0815"}}},
		{"]C10104006381333931\x1d3103001250", register.ScannedCode{Keys: []string{"4006381333931", "04006381333931"}, Weight: 1250, HasWeight: true}},
		{"R01-000123", register.ScannedCode{Keys: []string{"R01-000123"}}},
	} {
		got, err := p.ParseBarcode(tt.in, 2)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseBarcode(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	if _, err := p.ParseBarcode("]C1010400638133393139329781299", 2); err == nil {
		t.Error("foreign-currency price: want an error")
	}
	if got, _ := p.ParseBarcode("2212345012992", 0); got.Price != 13 {
		t.Errorf("price in a currency without minor units: %d", got.Price)
	}
}

// The register with the real parser: canonical keys, variable-measure and
// GS1 weights and prices become the right lines.
func TestRegisterScansWithParser(t *testing.T) {
	t.Parallel()
	cat := catalog{
		"0036000291452": {ID: "cola", Name: "Cola 12oz", Price: 99, TaxRateID: "red"}, // UPC-A stored as EAN-13
		"96385074":      {ID: "gum", Name: "Gum", Price: 149, TaxRateID: "red"},       // EAN-8 stored short
		"2908150000001": {ID: "cheese", Name: "Gouda", Price: 1990, TaxRateID: "red", SoldByWeight: true},
		"1234":          {ID: "cake", Name: "Cake", Price: 500, TaxRateID: "red"}, // found by item number
		"4006381333931": {ID: "apples", Name: "Apples", Price: 299, TaxRateID: "red", SoldByWeight: true},
	}
	r := register.New(register.Config{RegisterID: "r1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: cat, Clock: clock{}, Barcodes: barcode.Parser{Rules: barcode.DefaultVariableRules()}})
	ctx := context.Background()
	for _, code := range []string{"036000291452", "0000096385074", "2908157012502", "2212345012992", "]e001040063813339313103000750"} {
		if _, err := r.Scan(ctx, code); err != nil {
			t.Fatalf("Scan(%q): %v", code, err)
		}
	}
	s, tot := r.Sale()
	type line struct {
		id      string
		qty     pos.Qty
		price   int64
		weighed bool
	}
	var got []line
	for _, l := range s.Lines {
		got = append(got, line{l.ProductID, l.Qty, l.UnitPrice, l.Weighed})
	}
	want := []line{{"cola", 1000, 99, false}, {"gum", 1000, 149, false}, {"cheese", 1250, 1990, true}, {"cake", 1000, 1299, false}, {"apples", 750, 299, true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lines %+v\nwant  %+v", got, want)
	}
	if wantGross := int64(99 + 149 + 2488 + 1299 + 224); tot.Gross != wantGross {
		t.Errorf("gross %d, want %d", tot.Gross, wantGross)
	}
	for _, tt := range []struct{ code, errCode string }{
		{"036000291453", pos.EInvalid},   // wrong check digit
		{"5901234123457", pos.ENotFound}, // valid, not in the catalog
		{"2908150000001", pos.EInvalid},  // weighed item without weight, no scale
		{"]C10104006381333931", pos.EInvalid},
	} {
		if _, err := r.Scan(ctx, tt.code); pos.ErrorCode(err) != tt.errCode {
			t.Errorf("Scan(%q): %v, want code %s", tt.code, err, tt.errCode)
		}
	}
}
