package books

// DATEV imports Windows-1252 text. The code page is Latin-1 except 0x80-0x9F,
// so a 27-entry table keeps this package on the standard library; the test
// checks it against golang.org/x/text's charmap byte for byte.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89,
	'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95,
	'–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// toCP1252 encodes s; a rune the code page lacks becomes '?' (a cashier's
// emoji in a payout reason must not stop the export).
func toCP1252(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch b, ok := cp1252High[r]; {
		case ok:
			out = append(out, b)
		case r < 0x80 || r >= 0xA0 && r <= 0xFF:
			out = append(out, byte(r))
		default:
			out = append(out, '?')
		}
	}
	return out
}
