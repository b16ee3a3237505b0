package pos

import (
	"math/bits"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 currency with the number of minor-unit digits.
type Currency struct {
	Code   string // "EUR"
	Digits int    // 2 for EUR, 0 for JPY
	Symbol string // "€"
}

var currencies = map[string]Currency{
	"EUR": {"EUR", 2, "€"},
	"USD": {"USD", 2, "$"},
	"GBP": {"GBP", 2, "£"},
	"CHF": {"CHF", 2, "CHF"},
	"JPY": {"JPY", 0, "¥"},
	"SEK": {"SEK", 2, "kr"},
	"PLN": {"PLN", 2, "zł"},
}

// LookupCurrency returns the currency for an ISO 4217 code.
func LookupCurrency(code string) (Currency, error) {
	c, ok := currencies[strings.ToUpper(code)]
	if !ok {
		return Currency{}, Errorf(EInvalid, "unknown currency %q", code)
	}
	return c, nil
}

// MustCurrency is LookupCurrency for codes known at compile time.
func MustCurrency(code string) Currency {
	c, err := LookupCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

// MaxAmount bounds every amount Till accepts: 10^15 minor units (10 trillion
// euros). Staying far below int64's limit means sums of many lines, tax and
// quantities can be computed with simple checks and never wrap.
const MaxAmount int64 = 1_000_000_000_000_000

// ErrAmountTooLarge is returned when a price, line or total exceeds MaxAmount.
var ErrAmountTooLarge = Errorf(EInvalid, "amount is too large")

// FormatMinor formats minor units of a currency for a locale ("en", "de", ...).
func FormatMinor(amount int64, c Currency, locale string) string {
	num := formatNumber(amount, c.Digits, locale)
	sym := c.Symbol
	if sym == "" {
		sym = c.Code
	}
	if strings.HasPrefix(locale, "de") || strings.HasPrefix(locale, "fr") {
		return num + " " + sym
	}
	if strings.HasPrefix(num, "-") {
		return "-" + sym + num[1:]
	}
	return sym + num
}

// FormatPlain renders minor units as a plain decimal with a point and no
// grouping ("1234.56"), for receipts and exports.
func FormatPlain(amount int64, digits int) string {
	return formatNumber(amount, digits, "plain")
}

func formatNumber(amount int64, digits int, locale string) string {
	neg := amount < 0
	u := uint64(amount)
	if neg {
		u = uint64(-amount)
	}
	s := strconv.FormatUint(u, 10)
	for len(s) <= digits {
		s = "0" + s
	}
	intPart, frac := s[:len(s)-digits], s[len(s)-digits:]
	group, dec := ",", "."
	switch {
	case locale == "plain":
		group = ""
	case strings.HasPrefix(locale, "de"):
		group, dec = ".", ","
	case strings.HasPrefix(locale, "fr"):
		group, dec = "\u202f", ","
	}
	if group != "" {
		var b strings.Builder
		for i, r := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(r)
		}
		intPart = b.String()
	}
	out := intPart
	if digits > 0 {
		out += dec + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// ParseAmount parses a decimal typed by a person ("12", "12.5", "12,50") into
// minor units. It rejects more fraction digits than the currency has.
func ParseAmount(s string, digits int) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return 0, Errorf(EInvalid, "enter an amount")
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" || strings.Contains(frac, ".") || len(frac) > digits {
		return 0, Errorf(EInvalid, "%q is not a valid amount", s)
	}
	for len(frac) < digits {
		frac += "0"
	}
	if intPart == "" {
		intPart = "0"
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, Errorf(EInvalid, "%q is not a valid amount", s)
		}
	}
	v, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || v > MaxAmount {
		return 0, ErrAmountTooLarge
	}
	if neg {
		v = -v
	}
	return v, nil
}

// addChecked adds two amounts, failing beyond MaxAmount.
func addChecked(a, b int64) (int64, error) {
	s := a + b
	if s > MaxAmount || s < -MaxAmount {
		return 0, ErrAmountTooLarge
	}
	return s, nil
}

// mulDivRound returns round(a*b/d) with halves rounded away from zero, using
// 128-bit intermediates so a*b never wraps. d must be positive.
func mulDivRound(a, b, d int64) (int64, error) {
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi >= uint64(d) {
		return 0, ErrAmountTooLarge
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if r*2 >= uint64(d) { // half away from zero
		q++
	}
	if q > uint64(MaxAmount) {
		return 0, ErrAmountTooLarge
	}
	v := int64(q)
	if neg {
		v = -v
	}
	return v, nil
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// String for Currency is its code.
func (c Currency) String() string { return c.Code }
