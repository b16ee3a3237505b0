package barcode

import (
	"errors"
	"fmt"
)

// Errors Parse wraps; compare with errors.Is.
var (
	ErrSyntax      = errors.New("barcode: not a valid code")
	ErrCheckDigit  = errors.New("barcode: wrong check digit")
	ErrPriceCheck  = errors.New("barcode: wrong price check digit")
	ErrUnknownAI   = errors.New("barcode: unknown GS1 application identifier")
	ErrOutOfBounds = errors.New("barcode: value too large")
)

// CheckDigit returns the GS1 mod-10 check digit of the data digits: weights
// 3 and 1 alternate from the rightmost data digit, which weighs 3.
func CheckDigit(data string) (byte, error) {
	if data == "" {
		return 0, fmt.Errorf("%w: no digits", ErrSyntax)
	}
	sum := 0
	for i := len(data) - 1; i >= 0; i-- {
		c := data[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q is not a digit", ErrSyntax, c)
		}
		d := int(c - '0')
		if (len(data)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10), nil
}

// ValidCheckDigit reports whether code (data digits then check digit) is
// all digits with a correct last digit.
func ValidCheckDigit(code string) bool {
	if len(code) < 2 {
		return false
	}
	c, err := CheckDigit(code[:len(code)-1])
	return err == nil && c == code[len(code)-1]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// GTIN14 pads a GTIN-8, -12, -13 or -14 with leading zeros to 14 digits and
// checks its check digit.
func GTIN14(code string) (string, error) {
	switch len(code) {
	case 8, 12, 13, 14:
	default:
		return "", fmt.Errorf("%w: a GTIN has 8, 12, 13 or 14 digits, not %d", ErrSyntax, len(code))
	}
	if !allDigits(code) {
		return "", fmt.Errorf("%w: %q has non-digits", ErrSyntax, code)
	}
	if !ValidCheckDigit(code) {
		return "", fmt.Errorf("%w: %s", ErrCheckDigit, code)
	}
	return "00000000000000"[:14-len(code)] + code, nil
}

// Key is the canonical catalog key of a 14-digit GTIN: the GTIN-13 when the
// first digit is 0 (so UPC-A 036000291452 and EAN-13 0036000291452 are one
// key, and EAN-8 96385074 is 0000096385074), else the GTIN-14.
func Key(gtin14 string) string {
	if len(gtin14) == 14 && gtin14[0] == '0' {
		return gtin14[1:]
	}
	return gtin14
}

// Keys lists the forms a catalog may have stored a 14-digit GTIN under,
// canonical key first: GTIN-13, then UPC-A (12 digits) and EAN-8 when the
// leading zeros allow, then GTIN-14.
func Keys(gtin14 string) []string {
	if len(gtin14) != 14 {
		return nil
	}
	keys := []string{Key(gtin14)}
	if gtin14[:2] == "00" {
		keys = append(keys, gtin14[2:])
	}
	if gtin14[:6] == "000000" {
		keys = append(keys, gtin14[6:])
	}
	if gtin14[0] == '0' {
		keys = append(keys, gtin14)
	}
	return keys
}

// ExpandUPCE turns an 8-digit UPC-E (number system 0 or 1, six digits, check
// digit) into its 12-digit UPC-A, checking the check digit.
func ExpandUPCE(upce string) (string, error) {
	if len(upce) != 8 || !allDigits(upce) {
		return "", fmt.Errorf("%w: UPC-E has 8 digits", ErrSyntax)
	}
	ns := upce[0]
	if ns != '0' && ns != '1' {
		return "", fmt.Errorf("%w: UPC-E number system must be 0 or 1", ErrSyntax)
	}
	d := upce[1:7]
	var body string // the 10 digits between number system and check digit
	switch last := d[5]; last {
	case '0', '1', '2':
		body = d[0:2] + string(last) + "0000" + d[2:5]
	case '3':
		body = d[0:3] + "00000" + d[3:5]
	case '4':
		body = d[0:4] + "00000" + d[4:5]
	default:
		body = d[0:5] + "0000" + string(last)
	}
	upca := string(ns) + body + upce[7:]
	if !ValidCheckDigit(upca) {
		return "", fmt.Errorf("%w: UPC-E %s", ErrCheckDigit, upce)
	}
	return upca, nil
}
