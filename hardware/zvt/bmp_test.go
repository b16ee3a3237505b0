package zvt

import (
	"errors"
	"reflect"
	"testing"

	"github.com/tillpos/till/app/pos"
)

// A status information of an approved payment as a terminal sends it.
const statusInfoHex = "27 00" + // result code: approved
	" 04 000000000899" + // amount 8.99
	" 0B 000042" + // trace
	" 0C 101530 0D 1125" + // time, date
	" 0E 2912" + // expiry: must be dropped
	" 22 F0F8 EEEEEEEEEEEE0119" + // masked PAN, LLVAR
	" 23 F0F3 123456" + // track 2 data: must be dropped
	" 29 52500038" + // terminal id
	" 2A 343731312020202020202020202020" + // VU number
	" 3B 3132333435360000" + // authorisation attribute
	" 49 0978 87 0042 88 000077 8A 0A" +
	" 8B F0F4 56495341" + // card name VISA
	" 06 0A 25 08 07 06 4B554E4445" + "4E" // TLV: 25 { 07 "KUNDEN" }

func TestParseStatusInfo(t *testing.T) {
	t.Parallel()
	f, err := ParseBMPs(unhex(t, statusInfoHex))
	if err != nil {
		t.Fatal(err)
	}
	want := Fields{HasResult: true, Result: 0, Amount: 899, HasAmount: true, Trace: "000042", Time: "101530", Date: "1125",
		PAN: "************0119", TerminalID: "52500038", AuthCode: "123456", Currency: "0978", ReceiptNo: "0042",
		Turnover: "000077", CardType: 0x0A, CardName: "VISA"}
	got := f
	got.TLV, got.Lines = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields\n got %+v\nwant %+v", got, want)
	}
	if len(f.Lines) != 1 || f.Lines[0] != "KUNDEN" {
		t.Fatalf("TLV lines %q", f.Lines)
	}
}

func TestParseBMPsErrors(t *testing.T) {
	t.Parallel()
	f, err := ParseBMPs(unhex(t, "27 05 99 01 02"))
	var ue *UnknownBMPError
	if !errors.As(err, &ue) || ue.Tag != 0x99 || !f.HasResult || f.Result != 5 {
		t.Fatalf("unknown BMP: %+v %v", f, err)
	}
	for _, bad := range []string{"04 0000", "22 F0", "22 F1F0 00", "0B 00001A", "06 05 07"} {
		if _, err := ParseBMPs(unhex(t, bad)); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}

func TestPANIsAlwaysMasked(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"F0F8 4111111111111111": "************1111", // a terminal sending the full PAN
		"F0F8 EEEEEEEEEEEE1111": "************1111",
		"F0F8 411111EEEEEE1111": "411111******1111",
		"F0F7 EEEEEEEEEE1234":   "**********1234",
		"F0F8 5413330089601FFF": "*********9601", // 13 digits, F padding
	} {
		f, err := ParseBMPs(unhex(t, "22 "+in))
		if err != nil || f.PAN != want || len(pos.FindPANs(f.PAN)) != 0 {
			t.Errorf("%s: %q %v, want %q", in, f.PAN, err, want)
		}
	}
}

func TestTLVRoundTrip(t *testing.T) {
	t.Parallel()
	in := []TLV{{Tag: 0x25, Children: []TLV{{Tag: 0x07, Value: []byte("Zeile 1")}, {Tag: 0x07, Value: make([]byte, 200)}}},
		{Tag: 0x1F07, Value: []byte{0x01}}}
	b := appendTLV(nil, in...)
	out, err := ParseTLV(b)
	if err != nil || len(out) != 2 || out[1].Tag != 0x1F07 || len(out[0].Children) != 2 || string(out[0].Children[0].Value) != "Zeile 1" {
		t.Fatalf("%+v %v", out, err)
	}
	if lines := tlvTexts(out); len(lines) != 2 || lines[0] != "Zeile 1" {
		t.Fatalf("texts %q", lines)
	}
	if decodeText([]byte{0x84, 0x94, 0x81, 0xE1}) != "äöüß" || string(encodeText("Grüße")) != "Gr\x81\xe1e" {
		t.Fatal("code page 437")
	}
}
