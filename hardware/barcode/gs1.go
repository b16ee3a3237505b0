package barcode

import (
	"fmt"
	"strings"
)

// GS is the group separator scanners send for FNC1 inside a GS1 code; it
// ends a variable-length element.
const GS = '\x1d'

// Element is one Application Identifier and its data.
type Element struct {
	AI    string // "01", "3103"
	Value string
}

// aiSpec says how long an AI's data is: Fixed digits, or up to Max
// characters ended by GS or the end of the code.
type aiSpec struct {
	Fixed   int
	Max     int
	Numeric bool
}

// aiSpecs holds the AIs a shop meets on goods (GS1 General Specifications
// 3.2). Keys are the AI, with 4-digit AIs whose last digit is the decimal
// count (310n, 392n ...) listed by their first three digits plus "n".
var aiSpecs = map[string]aiSpec{
	"00":  {Fixed: 18, Numeric: true}, // SSCC
	"01":  {Fixed: 14, Numeric: true}, // GTIN
	"02":  {Fixed: 14, Numeric: true}, // GTIN of contained items
	"10":  {Max: 20},                  // batch/lot
	"11":  {Fixed: 6, Numeric: true},  // production date YYMMDD
	"12":  {Fixed: 6, Numeric: true},  // due date
	"13":  {Fixed: 6, Numeric: true},  // packaging date
	"15":  {Fixed: 6, Numeric: true},  // best before
	"16":  {Fixed: 6, Numeric: true},  // sell by
	"17":  {Fixed: 6, Numeric: true},  // expiry
	"20":  {Fixed: 2, Numeric: true},  // variant
	"21":  {Max: 20},                  // serial
	"22":  {Max: 20},                  // consumer product variant
	"30":  {Max: 8, Numeric: true},    // variable count
	"37":  {Max: 8, Numeric: true},    // count of trade items
	"240": {Max: 30}, "241": {Max: 30}, "250": {Max: 30}, "251": {Max: 30},
	"400": {Max: 30}, "401": {Max: 30}, "403": {Max: 30},
	"402": {Fixed: 17, Numeric: true},
	"410": {Fixed: 13, Numeric: true}, "411": {Fixed: 13, Numeric: true}, "412": {Fixed: 13, Numeric: true},
	"413": {Fixed: 13, Numeric: true}, "414": {Fixed: 13, Numeric: true}, "415": {Fixed: 13, Numeric: true},
	"420":  {Max: 20},
	"422":  {Fixed: 3, Numeric: true},
	"7003": {Fixed: 10, Numeric: true},
	"8020": {Max: 25},
	"310n": {Fixed: 6, Numeric: true}, // net weight, kg
	"320n": {Fixed: 6, Numeric: true}, // net weight, lb
	"330n": {Fixed: 6, Numeric: true}, // gross weight, kg
	"390n": {Max: 15, Numeric: true},  // amount payable, local currency
	"391n": {Max: 18, Numeric: true},  // amount payable with ISO currency
	"392n": {Max: 15, Numeric: true},  // amount payable for a variable-measure item, local currency
	"393n": {Max: 18, Numeric: true},  // the same with ISO 4217 numeric currency first
}

// lookupAI finds the AI at the start of s and its spec.
func lookupAI(s string) (string, aiSpec, bool) {
	if len(s) >= 2 {
		if sp, ok := aiSpecs[s[:2]]; ok {
			return s[:2], sp, true
		}
		if s[:2] >= "90" && s[:2] <= "99" { // company internal
			return s[:2], aiSpec{Max: 90}, true
		}
	}
	if len(s) >= 3 {
		if sp, ok := aiSpecs[s[:3]]; ok {
			return s[:3], sp, true
		}
	}
	if len(s) >= 4 {
		if sp, ok := aiSpecs[s[:4]]; ok {
			return s[:4], sp, true
		}
		if s[3] >= '0' && s[3] <= '9' {
			if sp, ok := aiSpecs[s[:3]+"n"]; ok {
				return s[:4], sp, true
			}
		}
	}
	return "", aiSpec{}, false
}

// parseElements splits a GS1 element string: concatenated AIs, with GS after
// every variable-length element that is not last.
func parseElements(s string) ([]Element, error) {
	var out []Element
	for s != "" {
		if s[0] == GS { // FNC1 after a fixed element, or a leading FNC1
			s = s[1:]
			continue
		}
		ai, sp, ok := lookupAI(s)
		if !ok {
			return nil, fmt.Errorf("%w at %q", ErrUnknownAI, truncate(s, 8))
		}
		s = s[len(ai):]
		var v string
		if sp.Fixed > 0 {
			if len(s) < sp.Fixed {
				return nil, fmt.Errorf("%w: AI (%s) needs %d digits", ErrSyntax, ai, sp.Fixed)
			}
			v, s = s[:sp.Fixed], s[sp.Fixed:]
		} else {
			end := strings.IndexByte(s, GS)
			if end < 0 {
				end = len(s)
			}
			v, s = s[:end], s[end:]
			if v == "" || len(v) > sp.Max {
				return nil, fmt.Errorf("%w: AI (%s) takes 1 to %d characters", ErrSyntax, ai, sp.Max)
			}
		}
		e, err := checkElement(ai, sp, v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty GS1 code", ErrSyntax)
	}
	return out, nil
}

// parseBracketed reads the human-readable form "(01)04006381333931(3103)001250".
func parseBracketed(s string) ([]Element, error) {
	var out []Element
	for s != "" {
		if s[0] != '(' {
			return nil, fmt.Errorf("%w: expected ( at %q", ErrSyntax, truncate(s, 8))
		}
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return nil, fmt.Errorf("%w: unclosed (", ErrSyntax)
		}
		ai := s[1:end]
		got, sp, ok := lookupAI(ai)
		if !ok || got != ai {
			return nil, fmt.Errorf("%w (%s)", ErrUnknownAI, truncate(ai, 8))
		}
		s = s[end+1:]
		next := strings.IndexByte(s, '(')
		if next < 0 {
			next = len(s)
		}
		v := s[:next]
		s = s[next:]
		if (sp.Fixed > 0 && len(v) != sp.Fixed) || (sp.Fixed == 0 && (v == "" || len(v) > sp.Max)) {
			return nil, fmt.Errorf("%w: AI (%s) has a value of the wrong length", ErrSyntax, ai)
		}
		e, err := checkElement(ai, sp, v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func checkElement(ai string, sp aiSpec, v string) (Element, error) {
	if sp.Numeric && !allDigits(v) {
		return Element{}, fmt.Errorf("%w: AI (%s) takes digits only", ErrSyntax, ai)
	}
	if dateAIs[ai] && !validYYMMDD(v) {
		return Element{}, fmt.Errorf("%w: AI (%s) %s is not a date YYMMDD", ErrSyntax, ai, v)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return Element{}, fmt.Errorf("%w: AI (%s) has a control or non-ASCII byte", ErrSyntax, ai)
		}
	}
	return Element{AI: ai, Value: v}, nil
}

// applyElements fills c from its elements.
func applyElements(c *Code, els []Element) error {
	c.Elements = els
	for _, e := range els {
		switch {
		case e.AI == "01":
			g, err := GTIN14(e.Value)
			if err != nil {
				return fmt.Errorf("AI (01): %w", err)
			}
			c.GTIN = g
		case e.AI == "10":
			c.Batch = e.Value
		case e.AI == "17":
			c.Expiry = e.Value
		case e.AI == "15":
			c.BestBefore = e.Value
		case e.AI == "21":
			c.Serial = e.Value
		case e.AI == "22":
			c.Variant = e.Value
		case len(e.AI) != 2 && len(e.AI) != 4:
			// a 3-digit AI this switch does not read; a Digital Link may
			// carry an unknown "310" that must not pass for 310n
		case strings.HasPrefix(e.AI, "310"):
			g, err := Decimal{Value: parseUint(e.Value), Decimals: int(e.AI[3] - '0')}.Scaled(3)
			if err != nil {
				return fmt.Errorf("AI (%s): %w", e.AI, err)
			}
			c.WeightGrams, c.HasWeight = g, true
		case strings.HasPrefix(e.AI, "392"), strings.HasPrefix(e.AI, "393"):
			v := e.Value
			if e.AI[2] == '3' {
				if len(v) < 4 {
					return fmt.Errorf("%w: AI (%s) needs a currency and an amount", ErrSyntax, e.AI)
				}
				c.PriceCurrency, v = v[:3], v[3:]
			}
			c.Price, c.HasPrice = Decimal{Value: parseUint(v), Decimals: int(e.AI[3] - '0')}, true
			if _, err := c.Price.Scaled(3); err != nil { // any currency's minor units
				return fmt.Errorf("AI (%s): %w", e.AI, err)
			}
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// dateAIs hold a YYMMDD date; day 00 means the end of the month.
var dateAIs = map[string]bool{"11": true, "12": true, "13": true, "15": true, "16": true, "17": true}

// validYYMMDD checks month and day without knowing the century: the GS1
// window (GS1Date) puts YY between 1977 and 2076 now, where every year
// divisible by 4 is a leap year.
func validYYMMDD(v string) bool {
	if len(v) != 6 || !allDigits(v) {
		return false
	}
	yy := int(v[0]-'0')*10 + int(v[1]-'0')
	mm := int(v[2]-'0')*10 + int(v[3]-'0')
	dd := int(v[4]-'0')*10 + int(v[5]-'0')
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if yy%4 == 0 {
		days[2] = 29
	}
	return mm >= 1 && mm <= 12 && dd <= days[mm]
}
