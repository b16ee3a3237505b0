// Package display drives customer pole displays that speak the CD5220
// command set (also Epson DM-D in CD5220 mode and most 2 x 20 VFD clones)
// over a serial port: ESC @ to initialise, FF to clear, ESC Q A text CR and
// ESC Q B text CR for the upper and lower line. Text is transliterated to
// ASCII one character per column, the set every such display shows.
package display

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tillpos/till/hardware/serialport"
)

// Columns is the width of a line.
const Columns = 20

// Init is sent once after opening the port: ESC @ initialise, FF clear.
var Init = []byte{0x1B, 0x40, 0x0C}

// Encode returns the bytes that show upper and lower, each transliterated,
// cut or padded with spaces to Columns.
func Encode(upper, lower string) []byte {
	b := make([]byte, 0, 2*(Columns+4))
	b = append(b, 0x1B, 0x51, 0x41)
	b = append(b, line(upper)...)
	b = append(b, 0x0D, 0x1B, 0x51, 0x42)
	b = append(b, line(lower)...)
	return append(b, 0x0D)
}

func line(s string) string {
	s = ASCII(s)
	if len(s) > Columns {
		return s[:Columns]
	}
	return s + strings.Repeat(" ", Columns-len(s))
}

// special maps characters that do not decompose to a base letter.
var special = map[rune]byte{
	'ß': 's', 'Æ': 'A', 'æ': 'a', 'Ø': 'O', 'ø': 'o', 'Œ': 'O', 'œ': 'o', 'Ł': 'L', 'ł': 'l',
	'Đ': 'D', 'đ': 'd', 'Þ': 'T', 'þ': 't', 'ı': 'i', '€': 'E', '£': 'L', '¥': 'Y',
	'–': '-', '—': '-', '‘': '\'', '’': '\'', '‚': ',', '“': '"', '”': '"', '„': '"', '…': '.',
	'«': '"', '»': '"', '×': 'x', '·': '.', '\u00a0': ' ',
}

// ASCII transliterates s for the display, one byte per character so a
// line laid out for 20 columns stays 20 columns: accents are dropped
// (Käse is Kase), ß is s, € is E; control characters become spaces and
// anything else '?'.
func ASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		switch {
		case r < 0x20 || r == 0x7F:
			b.WriteByte(' ')
		case r < 0x7F:
			b.WriteByte(byte(r))
		case special[r] != 0:
			b.WriteByte(special[r])
		default:
			base := '?'
			for _, d := range norm.NFD.String(string(r)) {
				if d < 0x7F && !unicode.Is(unicode.Mn, d) {
					base = d
					break
				}
			}
			b.WriteByte(byte(base))
		}
	}
	return b.String()
}

// PoleDisplay is a pole display on a serial port. Show opens the port on
// first use and after a failure, so an unplugged display comes back by
// itself on the next Show. Safe for concurrent use.
type PoleDisplay struct {
	path string
	mode serialport.Mode

	mu   sync.Mutex
	port *serialport.Port
}

// New returns a display at path; mode zero is 9600 8N1. Nothing is opened
// until Show.
func New(path string, mode serialport.Mode) *PoleDisplay {
	if mode == (serialport.Mode{}) {
		mode = serialport.Mode8N1
	}
	return &PoleDisplay{path: path, mode: mode}
}

// Show replaces both lines. It implements register.CustomerDisplay.
func (d *PoleDisplay) Show(ctx context.Context, upper, lower string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	msg := Encode(upper, lower)
	if d.port == nil {
		p, err := serialport.Open(d.path, d.mode)
		if err != nil {
			return fmt.Errorf("customer display: %w", err)
		}
		d.port = p
		msg = append(append([]byte(nil), Init...), msg...)
	}
	if _, err := d.port.Write(msg); err != nil {
		d.port.Close()
		d.port = nil
		return fmt.Errorf("customer display: %w", err)
	}
	return nil
}

// Close closes the port.
func (d *PoleDisplay) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.port == nil {
		return nil
	}
	err := d.port.Close()
	d.port = nil
	return err
}
