package barcode

import (
	"fmt"
	"slices"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.BarcodeParser = Parser{}

// ParseBarcode implements register.BarcodeParser: the catalog keys to try
// and any embedded weight or price, scaled to the currency's minor units.
// A variable-measure code is looked up by its base code, then by its item
// number; one with a zero value (a catalog sheet's base code) carries no
// measure. A price in a foreign currency (AI 393n) is refused.
func (p Parser) ParseBarcode(code string, currencyDigits int) (register.ScannedCode, error) {
	c, err := p.Parse(code)
	if err != nil {
		return register.ScannedCode{}, err
	}
	var sc register.ScannedCode
	switch {
	case c.Variable != nil:
		sc.Keys = []string{c.Variable.BaseCode, c.Variable.ItemNumber}
		if c.Variable.Zero {
			return sc, nil
		}
	case c.GTIN != "":
		sc.Keys = Keys(c.GTIN)
		if c.Symbology != GS1 && c.Symbology != DigitalLink && !slices.Contains(sc.Keys, c.Data) {
			sc.Keys = append(sc.Keys, c.Data)
		}
	default:
		sc.Keys = []string{c.Data}
	}
	if c.HasWeight {
		if c.WeightGrams <= 0 || pos.Qty(c.WeightGrams) > pos.MaxQty {
			return sc, fmt.Errorf("%w: weight %d g", ErrOutOfBounds, c.WeightGrams)
		}
		sc.Weight, sc.HasWeight = pos.Qty(c.WeightGrams), true
	}
	if c.HasPrice {
		if c.PriceCurrency != "" {
			return sc, fmt.Errorf("%w: price in currency %s", ErrSyntax, c.PriceCurrency)
		}
		v, err := c.Price.Scaled(currencyDigits)
		if err != nil {
			return sc, err
		}
		sc.Price, sc.HasPrice = v, true
	}
	return sc, nil
}
