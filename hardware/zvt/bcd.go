package zvt

import (
	"errors"
	"strconv"
)

var errBCD = errors.New("zvt: bad BCD digit")

// bcd encodes n as size bytes of packed BCD, most significant digit first
// (amounts, trace and receipt numbers, passwords: PA00P015 ch. 1.3 "BCD").
func bcd(n uint64, size int) []byte {
	b := make([]byte, size)
	for i := size - 1; i >= 0; i-- {
		lo := n % 10
		n /= 10
		hi := n % 10
		n /= 10
		b[i] = byte(hi<<4 | lo)
	}
	return b
}

// bcdDigits decodes packed BCD into its digit string.
func bcdDigits(b []byte) (string, error) {
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		hi, lo := c>>4, c&0x0F
		if hi > 9 || lo > 9 {
			return "", errBCD
		}
		s = append(s, '0'+hi, '0'+lo)
	}
	return string(s), nil
}

// bcdValue decodes packed BCD into a number (at most 18 digits).
func bcdValue(b []byte) (int64, error) {
	s, err := bcdDigits(b)
	if err != nil {
		return 0, err
	}
	if len(s) > 18 {
		return 0, errBCD
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errBCD
	}
	return v, nil
}

// bcdDigitString encodes a decimal digit string into size BCD bytes
// (left-padded with zeros).
func bcdDigitString(s string, size int) ([]byte, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || len(s) > 2*size {
		return nil, errBCD
	}
	return bcd(v, size), nil
}

// llvarLen reads the FxFy (LLVAR, n=2) or FxFyFz (LLLVAR, n=3) length prefix
// (PA00P015 ch. 1.4: each length digit as 0xF0 | digit).
func llvarLen(b []byte, n int) (int, error) {
	if len(b) < n {
		return 0, errTruncate
	}
	l := 0
	for _, c := range b[:n] {
		if c>>4 != 0xF || c&0x0F > 9 {
			return 0, errBCD
		}
		l = l*10 + int(c&0x0F)
	}
	return l, nil
}

// llvar encodes an LLVAR (n=2) or LLLVAR (n=3) prefix for length l.
func llvar(l, n int) []byte {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = 0xF0 | byte(l%10)
		l /= 10
	}
	return b
}
