package zvt

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/tillpos/till/app/pos"
)

// Fields are the BMPs of a terminal message the register uses. Card data
// a register must not keep (track data, expiry date) is parsed past and
// dropped; the PAN is kept masked only.
type Fields struct {
	HasResult  bool
	Result     byte   // BMP 27 result code, 0 = success
	Amount     int64  // BMP 04, minor units
	HasAmount  bool   //
	Trace      string // BMP 0B, 6 digits
	Time       string // BMP 0C, HHMMSS
	Date       string // BMP 0D, MMDD
	PaymentTyp byte   // BMP 19
	PAN        string // BMP 22, masked ('*' for each hidden digit)
	TerminalID string // BMP 29, 8 digits
	AuthCode   string // BMP 3B, authorisation attribute (AID)
	Currency   string // BMP 49, ISO 4217 numeric
	ReceiptNo  string // BMP 87, 4 digits
	Turnover   string // BMP 88
	CardType   byte   // BMP 8A
	CardName   string // BMP 8B
	Text       string // BMP 3C additional text
	Lines      []string
	TLV        []TLV // BMP 06
}

// bmpSize is the length rule of each BMP (PA00P015 ch. 1.5 table "Bitmaps";
// the same table is ecrterm's packets/bitmaps.py): n > 0 fixed bytes,
// llvar (-2) or lllvar (-3) length prefix, tlv (0) for BMP 06.
var bmpSize = map[byte]int{
	0x01: 1, 0x02: 1, 0x03: 1, 0x04: 6, 0x05: 1, 0x06: 0, 0x0B: 3, 0x0C: 3, 0x0D: 2, 0x0E: 2,
	0x17: 2, 0x19: 1, 0x22: -2, 0x23: -2, 0x24: -3, 0x27: 1, 0x29: 4, 0x2A: 15, 0x2D: -2, 0x2E: -3,
	0x37: 3, 0x3A: 2, 0x3B: 8, 0x3C: -3, 0x3D: 3, 0x49: 2, 0x60: -3, 0x87: 2, 0x88: 3, 0x8A: 1,
	0x8B: -2, 0x8C: 1, 0x92: -3, 0x9A: -3, 0xA0: 1, 0xA7: -2, 0xAA: 3, 0xAF: -3, 0xBA: 5,
	0xD0: 1, 0xD1: -2, 0xD2: 1, 0xD3: 1, 0xE0: 1, 0xE1: -2, 0xE2: -2, 0xE3: -2, 0xE4: -2,
	0xE5: -2, 0xE6: -2, 0xE7: -2, 0xE8: -2, 0xE9: 1, 0xEA: 1, 0xEB: 8, 0xF0: 1, 0xF1: -2,
	0xF2: -2, 0xF3: -2, 0xF4: -2, 0xF5: -2, 0xF6: -2, 0xF7: -2, 0xF8: -2, 0xF9: 1, 0xFA: 1,
	0xFB: 1, 0xFC: 1,
}

// UnknownBMPError: a BMP whose length rule is not known ends parsing (the
// rest cannot be delimited). The fields before it are returned.
type UnknownBMPError struct{ Tag byte }

func (e *UnknownBMPError) Error() string { return fmt.Sprintf("zvt: unknown BMP %02X", e.Tag) }

var errBMP = errors.New("zvt: malformed BMP")

// ParseBMPs decodes a sequence of BMPs. On an error it returns the fields
// decoded before it.
func ParseBMPs(b []byte) (Fields, error) {
	var f Fields
	for len(b) > 0 {
		tag := b[0]
		size, ok := bmpSize[tag]
		if !ok {
			return f, &UnknownBMPError{Tag: tag}
		}
		b = b[1:]
		var v []byte
		switch {
		case size > 0:
			if len(b) < size {
				return f, errBMP
			}
			v, b = b[:size], b[size:]
		case size == 0:
			n, used, err := berLen(b)
			if err != nil || len(b)-used < n {
				return f, errBMP
			}
			v, b = b[used:used+n], b[used+n:]
		default:
			n, err := llvarLen(b, -size)
			if err != nil || len(b)-(-size) < n {
				return f, errBMP
			}
			v, b = b[-size:-size+n], b[-size+n:]
		}
		if err := f.set(tag, v); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (f *Fields) set(tag byte, v []byte) error {
	var err error
	switch tag {
	case 0x27:
		f.HasResult, f.Result = true, v[0]
	case 0x04:
		f.Amount, err = bcdValue(v)
		f.HasAmount = err == nil
	case 0x0B:
		f.Trace, err = bcdDigits(v)
	case 0x0C:
		f.Time, err = bcdDigits(v)
	case 0x0D:
		f.Date, err = bcdDigits(v)
	case 0x19:
		f.PaymentTyp = v[0]
	case 0x22:
		f.PAN = decodePAN(v)
	case 0x29:
		f.TerminalID, err = bcdDigits(v)
	case 0x3B:
		f.AuthCode = strings.Trim(decodeText(v), "\x00 ")
	case 0x49:
		f.Currency, err = bcdDigits(v)
	case 0x87:
		f.ReceiptNo, err = bcdDigits(v)
	case 0x88:
		f.Turnover, err = bcdDigits(v)
	case 0x8A:
		f.CardType = v[0]
	case 0x8B:
		f.CardName = strings.Trim(decodeText(v), "\x00 ")
	case 0x3C:
		f.Text = pos.MaskPANs(decodeText(v))
	case 0x06:
		f.TLV, err = ParseTLV(v)
		f.Lines = append(f.Lines, tlvTexts(f.TLV)...)
	}
	// Everything else (track data 23/24/2D, expiry 0E, ...) is dropped here.
	return err
}

// decodePAN turns the BCD PAN of BMP 22 into digits, 'E' nibbles (masked
// digits, PA00P015 BMP 22) into '*', dropping 'F' padding; whatever a
// terminal sends, only a masked number leaves this function.
func decodePAN(v []byte) string {
	b := make([]byte, 0, 2*len(v))
	for _, c := range v {
		for _, n := range [2]byte{c >> 4, c & 0x0F} {
			switch {
			case n <= 9:
				b = append(b, '0'+n)
			case n == 0xE:
				b = append(b, '*')
			}
		}
	}
	return pos.MaskPAN(string(b))
}

// decodeText decodes terminal text: code page 437 is ZVT's default
// character set (PA00P015 ch. 1.6).
func decodeText(v []byte) string {
	s, err := charmap.CodePage437.NewDecoder().Bytes(v)
	if err != nil {
		return string(v)
	}
	return strings.TrimRight(string(s), "\x00")
}

// encodeText is decodeText's inverse (for the registration's TLV and tests).
func encodeText(s string) []byte {
	b, err := charmap.CodePage437.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return []byte(s)
	}
	return b
}
