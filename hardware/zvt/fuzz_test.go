package zvt

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
)

// Every parser of terminal bytes is fuzzed: none may panic, loop or let a
// PAN-like number through.

func FuzzParseAPDU(f *testing.F) {
	f.Add([]byte{0x80, 0x00, 0x00})
	f.Add([]byte{0x04, 0x0F, 0xFF, 0x02, 0x00, 0x27, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, n, err := ParseAPDU(b)
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("used %d of %d", n, len(b))
		}
		enc, err := a.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if b[2] != 0xFF && !bytes.Equal(enc, b[:n]) {
			t.Fatalf("round trip % X -> % X", b[:n], enc)
		}
		if _, err := ReadAPDU(bytes.NewReader(b)); err != nil {
			t.Fatalf("ReadAPDU disagrees: %v", err)
		}
	})
}

func FuzzParseBMPs(f *testing.F) {
	f.Add([]byte(statusInfoHexBytes()))
	f.Add([]byte{0x22, 0xF0, 0xF8, 0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11})
	f.Add([]byte{0x06, 0x04, 0x25, 0x02, 0x07, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, _ := ParseBMPs(b)
		for _, s := range append([]string{fs.PAN, fs.Text}, fs.Lines...) {
			if s == fs.PAN && len(pos.FindPANs(s)) > 0 {
				t.Fatalf("PAN-like %q", s)
			}
		}
	})
}

func statusInfoHexBytes() string {
	b, _ := hex.DecodeString(strings.ReplaceAll(statusInfoHex, " ", ""))
	return string(b)
}

func FuzzParseTLV(f *testing.F) {
	f.Add([]byte{0x25, 0x04, 0x07, 0x02, 'h', 'i'})
	f.Add([]byte{0x1F, 0x07, 0x01, 0x01})
	f.Add([]byte{0x07, 0x82, 0x00, 0x01, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := ParseTLV(b)
		if err == nil {
			_ = tlvTexts(ts)
		}
	})
}

func FuzzReadSerial(f *testing.F) {
	f.Add(Frame([]byte{0x80, 0x00, 0x00}))
	f.Add([]byte{tACK, tNAK, dle, stx, dle, dle, dle, etx, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for range 100 {
			ev, err := readSerial(r)
			if err != nil {
				return
			}
			if ev.kind == stx && ev.crcOK {
				// A good frame re-frames to the same payload.
				back, err := readSerial(bufio.NewReader(bytes.NewReader(Frame(ev.payload))))
				if err != nil || !back.crcOK || !bytes.Equal(back.payload, ev.payload) {
					t.Fatalf("reframe % X", ev.payload)
				}
			}
		}
	})
}

func FuzzIntermediate(f *testing.F) {
	f.Add([]byte{0x0A, 0x00})
	f.Add([]byte{0x0A, 0x00, 0x06, 0x04, 0x24, 0x02, 0x07, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		if s := intermediate(b); len(pos.FindPANs(s)) > 0 {
			t.Fatalf("PAN-like %q", s)
		}
	})
}
