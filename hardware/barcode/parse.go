package barcode

import (
	"fmt"
	"strings"
)

// Symbology is the kind of code a string was read as.
type Symbology string

const (
	EAN13  Symbology = "EAN-13"
	EAN8   Symbology = "EAN-8"
	UPCA   Symbology = "UPC-A"
	UPCE   Symbology = "UPC-E"
	ITF14  Symbology = "GTIN-14" // ITF-14 or a bare 14-digit GTIN
	GS1    Symbology = "GS1"     // GS1-128, DataBar, GS1 DataMatrix or QR element string
	Other  Symbology = "other"   // not a GS1 code: an in-house code, a receipt number ...
	maxLen           = 256       // longer input is not a barcode
)

// Code is a parsed scan.
type Code struct {
	Raw       string    // as scanned, symbology identifier included
	Symbology Symbology //
	// Data is Raw without the symbology identifier and surrounding spaces:
	// what a catalog stores for an Other code.
	Data string
	// GTIN is the 14-digit GTIN of an EAN/UPC/GTIN-14, or of AI (01); ""
	// for variable-measure and Other codes.
	GTIN string
	// Variable is set for an in-store variable-measure code.
	Variable *Variable

	WeightGrams int64 // net weight in thousandths of a kg, when HasWeight
	HasWeight   bool
	Price       Decimal // embedded price, when HasPrice
	HasPrice    bool
	// PriceCurrency is the ISO 4217 numeric code of AI (393n); "" means the
	// shop's own currency.
	PriceCurrency string
	Batch         string    // AI (10)
	Expiry        string    // AI (17), YYMMDD (see GS1Date)
	BestBefore    string    // AI (15), YYMMDD
	Serial        string    // AI (21)
	Variant       string    // AI (22), consumer product variant
	Elements      []Element // every AI of a GS1 code, in order
}

// Key is the canonical catalog key of the code's GTIN (see Key), or "".
func (c Code) Key() string {
	if c.GTIN == "" {
		return ""
	}
	return Key(c.GTIN)
}

// Parser reads scans under a shop's variable-measure rules.
type Parser struct {
	Rules VariableRules
}

// Parse reads s with DefaultVariableRules.
func Parse(s string) (Code, error) { return defaultParser.Parse(s) }

var defaultParser = Parser{Rules: DefaultVariableRules()}

// aimIDs are the AIM symbology identifiers of GS1 element strings.
var aimGS1 = map[string]bool{"]C1": true, "]e0": true, "]d2": true, "]Q3": true, "]J1": true}

// Parse reads one scan. Digits of a GTIN length are checked and, with
// prefix 2 (or UPC-A number system 2), read under the variable-measure
// rules; GS1 element strings are recognised by their AIM identifier (]C1,
// ]e0, ]d2, ]Q3), a GS separator or the bracketed human-readable form; any
// other text is an Other code; an http(s) URI is read as a GS1 Digital
// Link (see ParseDigitalLink). Errors wrap ErrSyntax, ErrCheckDigit,
// ErrPriceCheck, ErrUnknownAI or ErrOutOfBounds.
func (p Parser) Parse(s string) (Code, error) {
	c := Code{Raw: s}
	if len(s) > MaxDigitalLinkLen {
		return c, fmt.Errorf("%w: %d characters is too long for a barcode", ErrSyntax, len(s))
	}
	s = strings.TrimSpace(s)
	aim := ""
	if len(s) >= 3 && s[0] == ']' {
		aim, s = s[:3], s[3:]
	}
	if IsDigitalLink(s) { // a QR or DataMatrix holding a GS1 Digital Link URI
		dl, err := ParseDigitalLink(s)
		dl.Raw = c.Raw
		return dl, err
	}
	if len(c.Raw) > maxLen {
		return c, fmt.Errorf("%w: %d characters is too long for a barcode", ErrSyntax, len(c.Raw))
	}
	c.Data = s
	switch {
	case s == "":
		return c, fmt.Errorf("%w: empty", ErrSyntax)
	case aimGS1[aim] || strings.IndexByte(s, GS) >= 0:
		return p.gs1(c, func() ([]Element, error) { return parseElements(s) })
	case s[0] == '(':
		return p.gs1(c, func() ([]Element, error) { return parseBracketed(s) })
	case !allDigits(s):
		c.Symbology = Other
		return c, nil
	}
	switch len(s) {
	case 8:
		if aim == "]E0" || (aim != "]E4" && !ValidCheckDigit(s) && (s[0] == '0' || s[0] == '1')) {
			upca, err := ExpandUPCE(s)
			if err != nil {
				return c, err
			}
			c.Symbology = UPCE
			return p.gtin(c, upca)
		}
		c.Symbology = EAN8
		return p.gtin(c, s)
	case 12:
		c.Symbology = UPCA
		return p.gtin(c, s)
	case 13:
		c.Symbology = EAN13
		return p.gtin(c, s)
	case 14:
		c.Symbology = ITF14
		return p.gtin(c, s)
	}
	// A GS1-128 whose scanner strips the AIM identifier: all digits, (01)
	// first and longer than a GTIN.
	if len(s) > 16 && s[:2] == "01" {
		if els, err := parseElements(s); err == nil {
			return p.gs1(c, func() ([]Element, error) { return els, nil })
		}
	}
	c.Symbology = Other
	return c, nil
}

func (p Parser) gtin(c Code, digits string) (Code, error) {
	g, err := GTIN14(digits)
	if err != nil {
		return c, err
	}
	if ean13 := g[1:]; g[0] == '0' && (ean13[0] == '2' || ean13[:2] == "02") {
		if r, ok := p.Rules.match(ean13); ok {
			if err := r.decode(ean13, &c); err != nil {
				return c, err
			}
			return c, nil
		}
	}
	c.GTIN = g
	return c, nil
}

func (p Parser) gs1(c Code, elements func() ([]Element, error)) (Code, error) {
	c.Symbology = GS1
	els, err := elements()
	if err != nil {
		return c, err
	}
	if err := applyElements(&c, els); err != nil {
		return c, err
	}
	return c, nil
}
