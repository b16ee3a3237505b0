package catalogfile

// EAN13CheckDigit returns the check digit for the first 12 digits of an
// EAN-13: weights 3 and 1 alternate from the rightmost data digit (which
// weighs 3), and the digit brings the weighted sum to a multiple of 10.
func EAN13CheckDigit(first12 string) (byte, bool) {
	if len(first12) != 12 {
		return 0, false
	}
	sum := 0
	for i := 11; i >= 0; i-- {
		c := first12[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int(c - '0')
		if (11-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10), true
}

// validEAN13 reports whether code is 13 digits with a correct check digit.
func validEAN13(code string) bool {
	if len(code) != 13 {
		return false
	}
	d, ok := EAN13CheckDigit(code[:12])
	return ok && code[12] == d
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
