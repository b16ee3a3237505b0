package register

import (
	"context"
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// ScannedCode is what a barcode says, as a BarcodeParser read it.
type ScannedCode struct {
	// Keys are the catalog barcodes to try, best first: the canonical
	// GTIN-13/14 and its shorter stored forms (so a UPC-A scan finds the
	// EAN-13 with a leading 0), a variable-measure code's base code and item
	// number, or an in-house code as scanned.
	Keys []string
	// Weight is the embedded net weight (variable-measure or GS1 (310n)).
	Weight    pos.Qty
	HasWeight bool
	// Price is the embedded price in the shop currency's minor units.
	Price    int64
	HasPrice bool
}

// BarcodeParser reads a scanned code (hardware/barcode, configured with the
// shop's variable-measure rules, implements it). Errors are for codes that
// are no valid barcode: a wrong check digit, a broken GS1 string.
type BarcodeParser interface {
	ParseBarcode(code string, currencyDigits int) (ScannedCode, error)
}

// scanParsed is Scan. With a BarcodeParser a GTIN is looked up by its
// canonical key, a variable-measure or GS1 code with a weight adds a
// weighed line, one with a price a line at that price; without one the
// code is looked up as scanned. A product sold by weight is weighed on the
// scale when there is one.
func (r *Register) scanParsed(ctx context.Context, code string) (int, error) {
	if r.deps.Barcodes == nil {
		return r.scanKeys(ctx, code, ScannedCode{Keys: []string{code}})
	}
	sc, err := r.deps.Barcodes.ParseBarcode(code, r.cfg.Currency.Digits)
	if err != nil {
		// An in-house code the catalog holds verbatim still sells.
		if p, lerr := r.deps.Catalog.ProductByBarcode(ctx, strings.TrimSpace(code)); lerr == nil {
			return r.addScanned(ctx, p, ScannedCode{}, code)
		}
		r.deps.Log.Info("scan: unreadable barcode", "code", code, "err", err)
		return -1, pos.Errorf(pos.EInvalid, "Barcode %s is not valid: scan it again or type it.", strings.TrimSpace(code))
	}
	return r.scanKeys(ctx, code, sc)
}

// scanKeys looks sc's keys up in order and adds the first product found.
func (r *Register) scanKeys(ctx context.Context, code string, sc ScannedCode) (int, error) {
	var p pos.Product
	var err error
	found := false
	for _, k := range sc.Keys {
		p, err = r.deps.Catalog.ProductByBarcode(ctx, k)
		if err == nil {
			found = true
			break
		}
		if pos.ErrorCode(err) != pos.ENotFound {
			return -1, fmt.Errorf("scan %q: %w", code, err)
		}
	}
	if !found {
		return -1, pos.Errorf(pos.ENotFound, "Unknown barcode %s", strings.TrimSpace(code))
	}
	return r.addScanned(ctx, p, sc, code)
}

func (r *Register) addScanned(ctx context.Context, p pos.Product, sc ScannedCode, code string) (int, error) {
	code = strings.TrimSpace(code)
	switch {
	case sc.HasWeight:
		if !p.SoldByWeight {
			return -1, pos.Errorf(pos.EInvalid, "%s is not sold by weight, but the label has a weight: call a manager.", p.Name)
		}
		return r.add(ctx, p, sc.Weight, code)
	case sc.HasPrice:
		// A price label: one piece at the label's price, whatever the
		// catalog price per kg or piece says.
		p.Price, p.SoldByWeight = sc.Price, false
		return r.add(ctx, p, pos.QtyOne, code)
	case p.SoldByWeight:
		if r.deps.Scale != nil {
			return r.weighAndAdd(ctx, p, code)
		}
		return -1, pos.Errorf(pos.EInvalid, "%s is sold by weight: put it on the scale", p.Name)
	}
	return r.add(ctx, p, pos.QtyOne, code)
}

// ProductForCode finds the product a scanned code names without adding it
// to the sale (a return without a receipt takes goods back by scan): the
// parser's keys in order, or the code as scanned.
func (r *Register) ProductForCode(ctx context.Context, code string) (pos.Product, error) {
	code = strings.TrimSpace(code)
	keys := []string{code}
	if r.deps.Barcodes != nil {
		if sc, err := r.deps.Barcodes.ParseBarcode(code, r.cfg.Currency.Digits); err == nil {
			keys = append(sc.Keys, code)
		}
	}
	for _, k := range keys {
		p, err := r.deps.Catalog.ProductByBarcode(ctx, k)
		if err == nil {
			return p, nil
		}
		if pos.ErrorCode(err) != pos.ENotFound {
			return pos.Product{}, fmt.Errorf("product for %q: %w", code, err)
		}
	}
	return pos.Product{}, pos.Errorf(pos.ENotFound, "Unknown barcode %s", code)
}
