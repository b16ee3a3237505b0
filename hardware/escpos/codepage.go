package escpos

import (
	"fmt"

	"golang.org/x/text/encoding/charmap"
)

// CodePage is an ESC t character code table number. Text is encoded through
// the matching single-byte charmap; the printer must be told the same table,
// or accents and € print as garbage.
type CodePage uint8

// Code pages most ESC/POS printers support.
const (
	PC437   CodePage = 0  // US; the power-on default of most printers
	PC850   CodePage = 2  // Multilingual Latin 1, no €
	WPC1252 CodePage = 16 // Windows-1252, has €
	PC858   CodePage = 19 // PC850 with € at 0xD5
)

// Charmap returns the encoding of c, or nil for a table this package does not know.
func (c CodePage) Charmap() *charmap.Charmap {
	switch c {
	case PC437:
		return charmap.CodePage437
	case PC850:
		return charmap.CodePage850
	case WPC1252:
		return charmap.Windows1252
	case PC858:
		return charmap.CodePage858
	}
	return nil
}

func (c CodePage) String() string {
	switch c {
	case PC437:
		return "PC437"
	case PC850:
		return "PC850"
	case WPC1252:
		return "WPC1252"
	case PC858:
		return "PC858"
	}
	return fmt.Sprintf("CodePage(%d)", uint8(c))
}
