// Package escpos owns the bytes Till sends to ESC/POS receipt printers
// (Epson TM series, Star in ESC/POS mode and most 80/58 mm clones): an
// Encoder for single commands, Render to lay out a pos.Doc for a printer
// Profile, and the DLE EOT status read and parser with typed errors the UI
// can explain. Transports (TCP port 9100, serial, USB) and the print session
// are hardware/devices.Printer's.
//
// We write our own small encoder instead of using github.com/hennedo/escpos:
// that library pulls github.com/qiniu/iconv (cgo, so no CGO_ENABLED=0 or easy
// Windows builds), emits GS ! 0xff without an explicit size, sends GS h where
// GS w is meant, gets the QR error level byte wrong and has no code-page
// select, drawer kick, status read or CODE128. Every byte emitted here is
// listed in HARDWARE.md (except the feed-and-partial-cut, GS V 66 n, where
// HARDWARE.md's 1D 56 41 is the full cut; see FeedAndCut) and is checked
// against hardware/devicesim's independent decoder.
package escpos
