package pos

import "regexp"

// ErrPaymentPending: a card payment is in flight or its outcome is not known
// yet; the sale is locked until it is settled.
var ErrPaymentPending = Errorf(EConflict, "A card payment is not finished: the sale cannot change until it is settled.")

// A card number (PAN) never leaves the terminal (PCI DSS). These helpers are
// the last line of defence when a terminal misbehaves and sends one anyway:
// anything that looks like a PAN is masked before it is stored, printed or
// logged.

// panCandidate is 13 to 19 digits, optionally grouped by single spaces or
// dashes, as PANs are printed ("4111 1111 1111 1111").
var panCandidate = regexp.MustCompile(`[0-9](?:[ -]?[0-9]){12,18}`)

// Luhn reports whether digits (ASCII '0'-'9' only) pass the Luhn check.
func Luhn(digits string) bool {
	if len(digits) == 0 {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// FindPANs returns the PAN-like substrings of s: runs of 13-19 digits
// (grouped or not) that pass the Luhn check.
func FindPANs(s string) []string {
	var out []string
	for _, m := range panCandidate.FindAllString(s, -1) {
		if d := digitsOnly(m); len(d) >= 13 && len(d) <= 19 && Luhn(d) {
			out = append(out, m)
		}
	}
	return out
}

// MaskPANs replaces every digit but the last four of each PAN-like number in
// s with '*'.
func MaskPANs(s string) string {
	return panCandidate.ReplaceAllStringFunc(s, func(m string) string {
		d := digitsOnly(m)
		if len(d) < 13 || len(d) > 19 || !Luhn(d) {
			return m
		}
		return maskDigits(m, len(d)-4)
	})
}

// MaskPAN returns a masked card number fit to store: a string that already
// hides digits (with '*', 'X' ...) is kept; an all-digit number keeps only
// its last four digits.
//
// "Already masked" means at most ten digits show, the first six and last four
// PCI DSS allows; a value showing more (a malformed terminal field with a
// long digit tail, say) is masked down to its last four digits, because a
// Luhn-valid run could hide anywhere in it.
func MaskPAN(pan string) string {
	d := digitsOnly(pan)
	if len(d) <= 4 {
		return pan
	}
	if len(d) != len(pan) && len(d) <= 10 {
		return MaskPANs(pan)
	}
	return maskDigits(pan, len(d)-4)
}

func maskDigits(s string, n int) string {
	b := []byte(s)
	for i := range b {
		if n == 0 {
			break
		}
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '*'
			n--
		}
	}
	return string(b)
}

func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
