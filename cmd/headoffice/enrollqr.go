package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/tillpos/till/sync/syncproto"
)

// qrPNGSize is the enrollment PNG's width in pixels: large enough to scan
// from a phone photo of a screen or a print-out.
const qrPNGSize = 512

// enrollQR renders link's payload for a terminal and, unless pngPath is ""
// or "none", writes it as a PNG. Medium error correction survives a smudge
// and keeps the ~170-byte payload at a size a register camera reads.
func enrollQR(link syncproto.EnrollLink) (*qrcode.QRCode, error) {
	payload := link.String()
	if payload == "" {
		return nil, fmt.Errorf("enrollment QR: head-office URL %q does not parse", link.URL)
	}
	return qrcode.New(payload, qrcode.Medium)
}

// writeTerminalQR draws q with Unicode half blocks, two modules per
// character cell. Like qrencode -t UTF8 it draws the light modules (and
// the quiet zone) in the foreground colour, which is right on the usual
// light-on-dark terminal; scanners read the inverted form too.
func writeTerminalQR(w io.Writer, q *qrcode.QRCode) error {
	bits := q.Bitmap() // true = dark module; includes the quiet zone
	var sb strings.Builder
	for y := 0; y < len(bits); y += 2 {
		for x := range bits[y] {
			top := !bits[y][x]
			bottom := y+1 >= len(bits) || !bits[y+1][x]
			switch {
			case top && bottom:
				sb.WriteRune('█')
			case top:
				sb.WriteRune('▀')
			case bottom:
				sb.WriteRune('▄')
			default:
				sb.WriteByte(' ')
			}
		}
		sb.WriteByte('\n')
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// writePNGQR writes q as a PNG readable by the owner only (0600): the code
// in it enrolls a register until it is used or expires.
func writePNGQR(path string, q *qrcode.QRCode) error {
	b, err := q.PNG(qrPNGSize)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
