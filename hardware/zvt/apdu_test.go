package zvt

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAPDULengthForms(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 254, 255, 256, 1000, MaxData} {
		a := APDU{Class: 0x06, Instr: 0xD3, Data: bytes.Repeat([]byte{0x10}, n)}
		b, err := a.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case n < 255 && (len(b) != n+3 || b[2] != byte(n)):
			t.Fatalf("%d: short form % X", n, b[:3])
		case n >= 255 && (len(b) != n+5 || b[2] != 0xFF || int(b[3])|int(b[4])<<8 != n):
			t.Fatalf("%d: extended form % X", n, b[:5])
		}
		got, used, err := ParseAPDU(append(b, 0x99))
		if err != nil || used != len(b) || got.Class != 0x06 || got.Instr != 0xD3 || !bytes.Equal(got.Data, a.Data) {
			t.Fatalf("%d: parse %v %d %v", n, got, used, err)
		}
		rd, err := ReadAPDU(bytes.NewReader(b))
		if err != nil || !bytes.Equal(rd.Data, a.Data) {
			t.Fatalf("%d: read %v", n, err)
		}
		if _, _, err := ParseAPDU(b[:len(b)-1]); n > 0 && err == nil {
			t.Fatalf("%d: truncated APDU parsed", n)
		}
	}
	if _, err := (APDU{Data: make([]byte, MaxData+1)}).Marshal(); err == nil {
		t.Fatal("oversized APDU marshalled")
	}
	// 0x0123 = 291 bytes: FF 23 01, low byte first.
	b, _ := APDU{Class: 0x04, Instr: 0x0F, Data: make([]byte, 291)}.Marshal()
	if !bytes.Equal(b[:5], []byte{0x04, 0x0F, 0xFF, 0x23, 0x01}) {
		t.Fatalf("extended length % X", b[:5])
	}
}

// The commands the terminal receives, byte for byte (PA00P015 ch. 2).
func TestCommandBytes(t *testing.T) {
	t.Parallel()
	term := New(Config{Addr: "127.0.0.1", Password: "123456", Currency: 978})
	for _, tt := range []struct {
		name string
		a    APDU
		want string
	}{
		{"registration", term.registration(), "06 00 06 12 34 56 8E 09 78"},
		{"ack", ack, "80 00 00"},
	} {
		b, _ := tt.a.Marshal()
		if got := hex.EncodeToString(b); got != hex.EncodeToString(unhex(t, tt.want)) {
			t.Errorf("%s: % X, want %s", tt.name, b, tt.want)
		}
	}
	if term.cfg.Addr != "127.0.0.1:20007" {
		t.Fatalf("default port: %s", term.cfg.Addr)
	}
}

func TestBCD(t *testing.T) {
	t.Parallel()
	if got := bcd(899, 6); !bytes.Equal(got, unhex(t, "000000000899")) {
		t.Fatalf("bcd %X", got)
	}
	if v, err := bcdValue(unhex(t, "000012345678")); err != nil || v != 12345678 {
		t.Fatalf("value %d %v", v, err)
	}
	if _, err := bcdDigits([]byte{0x1A}); err == nil {
		t.Fatal("bad nibble accepted")
	}
	if n, err := llvarLen([]byte{0xF1, 0xF2}, 2); err != nil || n != 12 {
		t.Fatalf("llvar %d %v", n, err)
	}
	if !bytes.Equal(llvar(123, 3), []byte{0xF1, 0xF2, 0xF3}) {
		t.Fatal("lllvar")
	}
	if _, err := bcdDigitString("1234567", 3); err == nil {
		t.Fatal("too many digits accepted")
	}
}
