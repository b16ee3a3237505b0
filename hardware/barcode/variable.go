package barcode

import (
	"fmt"
	"sort"
	"strings"
)

// Measure is what a variable-measure code embeds.
type Measure string

const (
	MeasurePrice  Measure = "price"  // the label's price, Decimals after the point
	MeasureWeight Measure = "weight" // net weight in kg, Decimals after the point
)

// VariableRule is one in-store variable-measure layout of an EAN-13 (a UPC-A
// is seen as the EAN-13 with a leading 0, so US number system 2 is prefix
// "02"). Reading the 13 digits left to right:
//
//	Prefix | ItemDigits item number | price check digit if PriceCheck | ValueDigits value | EAN check digit
//
// The lengths must add up to 12. The price check digit is GS1's 4- or
// 5-digit price/weight check (GS1 General Specifications 7.9.2/7.9.3), so a
// rule with PriceCheck needs ValueDigits 4 or 5.
type VariableRule struct {
	Prefix      string  // "2", "20", "28", "02"; the longest matching prefix wins
	ItemDigits  int     // digits of the in-store item number (PLU)
	Measure     Measure // price or weight
	ValueDigits int     // digits of the embedded value
	Decimals    int     // digits of the value after the decimal point (price: 2 for cents; weight: 3 for grams)
	PriceCheck  bool    // a price/weight check digit precedes the value
}

// VariableRules is an ordered set of layouts, one per prefix.
type VariableRules []VariableRule

// DefaultVariableRules are the layouts Till assumes until a store configures
// its scales' format: GS1 Germany's (22, 23 price and 28, 29 weight, each
// with a price check digit), a plain price layout for the prefixes GS1
// Germany leaves to the store (20, 21, 24, 27), and US/Canada UPC-A number
// system 2. Prefixes 25 and 26 (counts in Germany) are left out: such codes
// are looked up whole.
//
//	20 21 24 27  2X IIIII PPPPP C   item 5, price 5 (0.01), no price check
//	22 23        2X IIII V PPPPP C  item 4, price check, price 5 (0.01)
//	28 29        2X IIII V WWWWW C  item 4, price check, weight 5 (0.001 kg)
//	02           0 2 IIIII V PPPP C UPC-A 2 IIIII V PPPP C: item 5, price check, price 4 (0.01)
func DefaultVariableRules() VariableRules {
	var rules VariableRules
	for _, p := range []string{"20", "21", "24", "27"} {
		rules = append(rules, VariableRule{Prefix: p, ItemDigits: 5, Measure: MeasurePrice, ValueDigits: 5, Decimals: 2})
	}
	for _, p := range []string{"22", "23"} {
		rules = append(rules, VariableRule{Prefix: p, ItemDigits: 4, Measure: MeasurePrice, ValueDigits: 5, Decimals: 2, PriceCheck: true})
	}
	for _, p := range []string{"28", "29"} {
		rules = append(rules, VariableRule{Prefix: p, ItemDigits: 4, Measure: MeasureWeight, ValueDigits: 5, Decimals: 3, PriceCheck: true})
	}
	return append(rules, VariableRule{Prefix: "02", ItemDigits: 5, Measure: MeasurePrice, ValueDigits: 4, Decimals: 2, PriceCheck: true})
}

// Validate checks every rule's layout and that no prefix repeats.
func (rs VariableRules) Validate() error {
	seen := map[string]bool{}
	for i, r := range rs {
		where := fmt.Sprintf("variable-measure rule %d (prefix %q)", i+1, r.Prefix)
		switch {
		case r.Prefix == "" || !allDigits(r.Prefix):
			return fmt.Errorf("%s: the prefix must be digits", where)
		case r.Prefix[0] != '2' && !strings.HasPrefix(r.Prefix, "02"):
			return fmt.Errorf("%s: in-store codes start with 2 (EAN-13) or 02 (UPC-A)", where)
		case seen[r.Prefix]:
			return fmt.Errorf("%s: prefix listed twice", where)
		case r.Measure != MeasurePrice && r.Measure != MeasureWeight:
			return fmt.Errorf("%s: measure must be %q or %q", where, MeasurePrice, MeasureWeight)
		case r.ItemDigits < 1 || r.ValueDigits < 1:
			return fmt.Errorf("%s: item and value need at least one digit", where)
		case r.Decimals < 0 || r.Decimals > r.ValueDigits+3:
			return fmt.Errorf("%s: %d decimals is out of range", where, r.Decimals)
		case r.PriceCheck && r.ValueDigits != 4 && r.ValueDigits != 5:
			return fmt.Errorf("%s: a price check digit needs a 4- or 5-digit value", where)
		}
		n := len(r.Prefix) + r.ItemDigits + r.ValueDigits
		if r.PriceCheck {
			n++
		}
		if n != 12 {
			return fmt.Errorf("%s: prefix, item, price check and value make %d digits, want 12", where, n)
		}
		seen[r.Prefix] = true
	}
	return nil
}

// match returns the rule with the longest prefix of ean13.
func (rs VariableRules) match(ean13 string) (VariableRule, bool) {
	best, ok := VariableRule{}, false
	for _, r := range rs {
		if strings.HasPrefix(ean13, r.Prefix) && (!ok || len(r.Prefix) > len(best.Prefix)) {
			best, ok = r, true
		}
	}
	return best, ok
}

// Prefixes lists the rules' prefixes, sorted (for messages and settings).
func (rs VariableRules) Prefixes() []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Prefix)
	}
	sort.Strings(out)
	return out
}

// Variable is what a variable-measure code says besides its measure.
type Variable struct {
	Rule       VariableRule
	ItemNumber string // the in-store item number (PLU), digits as printed
	// BaseCode is the EAN-13 with the price check and value zeroed and the
	// check digit recomputed: the code a catalog stores for the item (e.g.
	// 2912345000003 for every label of item 12345 under prefix 29).
	BaseCode string
	// Zero reports an embedded value of 0: the base code itself, scanned
	// from a catalog sheet rather than a scale label.
	Zero bool
}

// decode reads ean13 under rule r into c.
func (r VariableRule) decode(ean13 string, c *Code) error {
	i := len(r.Prefix)
	item := ean13[i : i+r.ItemDigits]
	i += r.ItemDigits
	check := byte(0)
	if r.PriceCheck {
		check = ean13[i]
		i++
	}
	val := ean13[i : i+r.ValueDigits]
	if r.PriceCheck {
		want, err := PriceCheckDigit(val)
		if err != nil {
			return err
		}
		if want != check {
			return fmt.Errorf("%w: %s (value %s wants %c)", ErrPriceCheck, ean13, val, want)
		}
	}
	n := parseUint(val)
	base := r.Prefix + item + strings.Repeat("0", 12-len(r.Prefix)-len(item))
	cd, _ := CheckDigit(base)
	c.Variable = &Variable{Rule: r, ItemNumber: item, BaseCode: base + string(cd), Zero: n == 0}
	switch r.Measure {
	case MeasurePrice:
		c.Price, c.HasPrice = Decimal{Value: n, Decimals: r.Decimals}, true
	case MeasureWeight:
		g, err := Decimal{Value: n, Decimals: r.Decimals}.Scaled(3)
		if err != nil {
			return err
		}
		c.WeightGrams, c.HasWeight = g, true
	}
	return nil
}

// parseUint reads at most 18 digits, already checked to be digits.
func parseUint(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

// The weighting tables of GS1's price check digit: a digit's product under
// weight 2-, 3, 5+ and 5- (7.9.1).
var (
	w2minus = [10]int{0, 2, 4, 6, 8, 9, 1, 3, 5, 7}
	w3      = [10]int{0, 3, 6, 9, 2, 5, 8, 1, 4, 7}
	w5plus  = [10]int{0, 5, 1, 6, 2, 7, 3, 8, 4, 9}
	w5minus = [10]int{0, 5, 9, 4, 8, 3, 7, 2, 6, 1}
)

// PriceCheckDigit is GS1's check digit over a 4-digit (weights 2-, 2-, 3, 5-;
// sum times 3) or 5-digit (weights 5+, 2-, 5-, 5+, 2-; the digit whose 5-
// product brings the sum to a multiple of 10) price or weight field.
func PriceCheckDigit(value string) (byte, error) {
	if !allDigits(value) {
		return 0, fmt.Errorf("%w: price %q", ErrSyntax, value)
	}
	d := func(i int) int { return int(value[i] - '0') }
	switch len(value) {
	case 4:
		sum := w2minus[d(0)] + w2minus[d(1)] + w3[d(2)] + w5minus[d(3)]
		return byte('0' + sum*3%10), nil
	case 5:
		sum := w5plus[d(0)] + w2minus[d(1)] + w5minus[d(2)] + w5plus[d(3)] + w2minus[d(4)]
		want := (10 - sum%10) % 10
		for c, p := range w5minus {
			if p == want {
				return byte('0' + c), nil
			}
		}
	}
	return 0, fmt.Errorf("%w: a price check covers 4 or 5 digits, not %d", ErrSyntax, len(value))
}
