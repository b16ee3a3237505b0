package zvt

import "errors"

// TLV is one object of a ZVT TLV container (BMP 06; PA00P015 ch. 9): BER-style
// tags (a first byte with the low five bits set continues while bit 8 is
// set), BER lengths (< 0x80 in one byte, else 0x81/0x82 and one or two
// bytes), and constructed objects (bit 6 of the first tag byte) holding
// further TLVs.
type TLV struct {
	Tag      uint32
	Value    []byte // primitive objects only
	Children []TLV  // constructed objects only
}

var errTLV = errors.New("zvt: malformed TLV")

// maxTLVDepth bounds nesting: terminal bytes must not exhaust the stack.
const maxTLVDepth = 8

// ParseTLV decodes a sequence of TLV objects.
func ParseTLV(b []byte) ([]TLV, error) { return parseTLV(b, 0) }

func parseTLV(b []byte, depth int) ([]TLV, error) {
	if depth > maxTLVDepth {
		return nil, errTLV
	}
	var out []TLV
	for len(b) > 0 {
		first := b[0]
		tag, i := uint32(first), 1
		if first&0x1F == 0x1F {
			for {
				if i >= len(b) || i > 3 {
					return out, errTLV
				}
				tag = tag<<8 | uint32(b[i])
				i++
				if b[i-1]&0x80 == 0 {
					break
				}
			}
		}
		n, used, err := berLen(b[i:])
		if err != nil {
			return out, err
		}
		i += used
		if len(b)-i < n {
			return out, errTLV
		}
		v := b[i : i+n]
		t := TLV{Tag: tag}
		if first&0x20 != 0 {
			if t.Children, err = parseTLV(v, depth+1); err != nil {
				return out, err
			}
		} else {
			t.Value = append([]byte(nil), v...)
		}
		out = append(out, t)
		b = b[i+n:]
	}
	return out, nil
}

func berLen(b []byte) (n, used int, err error) {
	if len(b) == 0 {
		return 0, 0, errTLV
	}
	switch c := b[0]; {
	case c < 0x80:
		return int(c), 1, nil
	case c == 0x81 && len(b) >= 2:
		return int(b[1]), 2, nil
	case c == 0x82 && len(b) >= 3:
		return int(b[1])<<8 | int(b[2]), 3, nil
	}
	return 0, 0, errTLV
}

func appendBERLen(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x100:
		return append(b, 0x81, byte(n))
	}
	return append(b, 0x82, byte(n>>8), byte(n))
}

// appendTLV encodes objects (tags up to three bytes).
func appendTLV(b []byte, ts ...TLV) []byte {
	for _, t := range ts {
		switch {
		case t.Tag > 0xFFFF:
			b = append(b, byte(t.Tag>>16), byte(t.Tag>>8), byte(t.Tag))
		case t.Tag > 0xFF:
			b = append(b, byte(t.Tag>>8), byte(t.Tag))
		default:
			b = append(b, byte(t.Tag))
		}
		v := t.Value
		if t.Children != nil {
			v = appendTLV(nil, t.Children...)
		}
		b = appendBERLen(b, len(v))
		b = append(b, v...)
	}
	return b
}

// tlvTexts collects the text lines (tag 07, PA00P015 ch. 9 "text-lines")
// anywhere in the tree, in order.
func tlvTexts(ts []TLV) []string {
	var out []string
	for _, t := range ts {
		if t.Tag == 0x07 && t.Children == nil {
			out = append(out, decodeText(t.Value))
		}
		out = append(out, tlvTexts(t.Children)...)
	}
	return out
}
