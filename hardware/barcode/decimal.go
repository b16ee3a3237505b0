package barcode

import "fmt"

// Decimal is Value / 10^Decimals, as GS1 and scales encode amounts; the
// barcode does not know the shop's currency, so prices stay decimals until
// the register scales them to minor units.
type Decimal struct {
	Value    int64
	Decimals int
}

// maxValue keeps every Decimal far below int64's limit, like pos.MaxAmount.
const maxValue = 1_000_000_000_000_000

// Scaled returns the value as a count of 10^-digits units (digits 2 turns
// 12.345 into 1235 cents), rounding half away from zero.
func (d Decimal) Scaled(digits int) (int64, error) {
	if d.Value < 0 || d.Value > maxValue || d.Decimals < 0 || d.Decimals > 18 || digits < 0 || digits > 18 {
		return 0, fmt.Errorf("%w: %d / 10^%d", ErrOutOfBounds, d.Value, d.Decimals)
	}
	v := d.Value
	for n := d.Decimals; n < digits; n++ {
		if v > maxValue/10 {
			return 0, fmt.Errorf("%w: %d / 10^%d", ErrOutOfBounds, d.Value, d.Decimals)
		}
		v *= 10
	}
	if d.Decimals > digits {
		div := int64(1)
		for n := digits; n < d.Decimals; n++ {
			div *= 10
		}
		v = (v + div/2) / div
	}
	return v, nil
}

func (d Decimal) String() string {
	s := fmt.Sprintf("%0*d", d.Decimals+1, d.Value)
	if d.Decimals == 0 {
		return s
	}
	return s[:len(s)-d.Decimals] + "." + s[len(s)-d.Decimals:]
}
