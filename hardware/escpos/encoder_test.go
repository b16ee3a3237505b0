package escpos

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tillpos/till/app/pos"
)

func TestEncoderCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(e *Encoder)
		want []byte
	}{
		{"init", func(e *Encoder) { e.Init() }, []byte{0x1B, 0x40}},
		{"codepage PC437", func(e *Encoder) { e.SelectCodePage(PC437) }, []byte{0x1B, 0x74, 0}},
		{"codepage PC850", func(e *Encoder) { e.SelectCodePage(PC850) }, []byte{0x1B, 0x74, 2}},
		{"codepage WPC1252", func(e *Encoder) { e.SelectCodePage(WPC1252) }, []byte{0x1B, 0x74, 16}},
		{"codepage PC858", func(e *Encoder) { e.SelectCodePage(PC858) }, []byte{0x1B, 0x74, 19}},
		{"bold on", func(e *Encoder) { e.Bold(true) }, []byte{0x1B, 0x45, 1}},
		{"bold off", func(e *Encoder) { e.Bold(false) }, []byte{0x1B, 0x45, 0}},
		{"underline 1", func(e *Encoder) { e.Underline(1) }, []byte{0x1B, 0x2D, 1}},
		{"underline clamped", func(e *Encoder) { e.Underline(9) }, []byte{0x1B, 0x2D, 2}},
		{"underline off", func(e *Encoder) { e.Underline(0) }, []byte{0x1B, 0x2D, 0}},
		{"align left", func(e *Encoder) { e.Align(pos.AlignLeft) }, []byte{0x1B, 0x61, 0}},
		{"align centre", func(e *Encoder) { e.Align(pos.AlignCenter) }, []byte{0x1B, 0x61, 1}},
		{"align right", func(e *Encoder) { e.Align(pos.AlignRight) }, []byte{0x1B, 0x61, 2}},
		{"align invalid", func(e *Encoder) { e.Align(7) }, []byte{0x1B, 0x61, 0}},
		{"size normal", func(e *Encoder) { e.Size(1, 1) }, []byte{0x1D, 0x21, 0x00}},
		{"size double", func(e *Encoder) { e.Size(2, 2) }, []byte{0x1D, 0x21, 0x11}},
		{"size wide", func(e *Encoder) { e.Size(2, 1) }, []byte{0x1D, 0x21, 0x10}},
		{"size tall", func(e *Encoder) { e.Size(1, 3) }, []byte{0x1D, 0x21, 0x02}},
		{"size zero is normal", func(e *Encoder) { e.Size(0, 0) }, []byte{0x1D, 0x21, 0x00}},
		{"size clamped", func(e *Encoder) { e.Size(99, 99) }, []byte{0x1D, 0x21, 0x77}},
		{"feed", func(e *Encoder) { e.Feed(3) }, []byte{0x1B, 0x64, 3}},
		{"lf", func(e *Encoder) { e.LF() }, []byte{0x0A}},
		{"full cut", func(e *Encoder) { e.CutFull() }, []byte{0x1D, 0x56, 0x00}},
		{"partial cut", func(e *Encoder) { e.CutPartial() }, []byte{0x1D, 0x56, 0x01}},
		{"feed and partial cut", func(e *Encoder) { e.FeedAndCut(3) }, []byte{0x1D, 0x56, 0x42, 3}},
		{"feed and full cut", func(e *Encoder) { e.FeedAndCutFull(3) }, []byte{0x1D, 0x56, 0x41, 3}},
		{"drawer pin 2", func(e *Encoder) { e.DrawerKick(DrawerPin2, 0x19, 0xFA) }, []byte{0x1B, 0x70, 0, 0x19, 0xFA}},
		{"drawer pin 5", func(e *Encoder) { e.DrawerKick(DrawerPin5, 50, 100) }, []byte{0x1B, 0x70, 1, 50, 100}},
		{"status 1", func(e *Encoder) { e.StatusRequest(StatusPrinter) }, []byte{0x10, 0x04, 1}},
		{"status 2", func(e *Encoder) { e.StatusRequest(StatusOffline) }, []byte{0x10, 0x04, 2}},
		{"status 4", func(e *Encoder) { e.StatusRequest(StatusPaper) }, []byte{0x10, 0x04, 4}},
		{"ascii text", func(e *Encoder) { e.Text("Hi 1.50") }, []byte("Hi 1.50")},
		{"line", func(e *Encoder) { e.Line("ok") }, []byte{'o', 'k', 0x0A}},
		{"control chars neutralised", func(e *Encoder) { e.Text("a\x1b@\x1dV\x00b\tc") }, []byte("a?@?V?b c")},
		{"newline kept", func(e *Encoder) { e.Text("a\nb") }, []byte("a\nb")},
		{"PC437 default after init", func(e *Encoder) { e.Init().Text("ä€") }, []byte{0x1B, 0x40, 0x84, '?'}},
		{"PC858 euro", func(e *Encoder) { e.SelectCodePage(PC858).Text("€ä") }, []byte{0x1B, 0x74, 19, 0xD5, 0x84}},
		{"PC850 no euro", func(e *Encoder) { e.SelectCodePage(PC850).Text("€é") }, []byte{0x1B, 0x74, 2, '?', 0x82}},
		{"WPC1252 euro", func(e *Encoder) { e.SelectCodePage(WPC1252).Text("€é") }, []byte{0x1B, 0x74, 16, 0x80, 0xE9}},
		{"unknown page ascii only", func(e *Encoder) { e.SelectCodePage(17).Text("aä") }, []byte{0x1B, 0x74, 17, 'a', '?'}},
		{"unencodable rune", func(e *Encoder) { e.SelectCodePage(PC858).Text("a✓b") }, []byte{0x1B, 0x74, 19, 'a', '?', 'b'}},
		{"decomposed umlaut composed", func(e *Encoder) { e.SelectCodePage(PC858).Text("a\u0308") }, []byte{0x1B, 0x74, 19, 0x84}},
		{"invalid utf8", func(e *Encoder) { e.Text("a\xffb") }, []byte("a?b")},
		{"code128", func(e *Encoder) {
			_ = e.Code128("R01-7", BarcodeOptions{Height: 80, ModuleWidth: 3, HRI: HRIBelow})
		}, []byte{0x1D, 0x68, 80, 0x1D, 0x77, 3, 0x1D, 0x48, 2, 0x1D, 0x6B, 0x49, 7, '{', 'B', 'R', '0', '1', '-', '7'}},
		{"code128 defaults", func(e *Encoder) { _ = e.Code128("A", BarcodeOptions{}) },
			[]byte{0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x48, 0, 0x1D, 0x6B, 0x49, 3, '{', 'B', 'A'}},
		{"code128 brace escaped", func(e *Encoder) { _ = e.Code128("a{b", BarcodeOptions{ModuleWidth: 9}) },
			[]byte{0x1D, 0x68, 80, 0x1D, 0x77, 6, 0x1D, 0x48, 0, 0x1D, 0x6B, 0x49, 6, '{', 'B', 'a', '{', '{', 'b'}},
		{"qr", func(e *Encoder) { _ = e.QR("AB", 6, QRLevelM) }, []byte{
			0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0,
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 6,
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 49,
			0x1D, 0x28, 0x6B, 5, 0, 0x31, 0x50, 0x30, 'A', 'B',
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30}},
		{"qr level H size clamped", func(e *Encoder) { _ = e.QR("x", 40, QRLevelH) }, []byte{
			0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0,
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 16,
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 51,
			0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x50, 0x30, 'x',
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var e Encoder
			tt.f(&e)
			if !bytes.Equal(e.Bytes(), tt.want) {
				t.Errorf("got  % x\nwant % x", e.Bytes(), tt.want)
			}
		})
	}
}

func TestQRLongDataLength(t *testing.T) {
	t.Parallel()
	var e Encoder
	data := bytes.Repeat([]byte{'9'}, 300)
	if err := e.QR(string(data), 4, QRLevelL); err != nil {
		t.Fatal(err)
	}
	store := []byte{0x1D, 0x28, 0x6B, byte(303 & 0xFF), byte(303 >> 8), 0x31, 0x50, 0x30}
	if !bytes.Contains(e.Bytes(), store) {
		t.Errorf("store header % x not in output", store)
	}
}

func TestBarcodeErrorsAppendNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(e *Encoder) error
	}{
		{"empty code128", func(e *Encoder) error { return e.Code128("", BarcodeOptions{}) }},
		{"non-ascii code128", func(e *Encoder) error { return e.Code128("Käse", BarcodeOptions{}) }},
		{"control code128", func(e *Encoder) error { return e.Code128("a\nb", BarcodeOptions{}) }},
		{"long code128", func(e *Encoder) error { return e.Code128(string(bytes.Repeat([]byte{'1'}, 254)), BarcodeOptions{}) }},
		{"empty qr", func(e *Encoder) error { return e.QR("", 4, QRLevelM) }},
		{"huge qr", func(e *Encoder) error { return e.QR(string(make([]byte, 8000)), 4, QRLevelM) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var e Encoder
			if err := tt.f(&e); !errors.Is(err, ErrBarcodeData) {
				t.Errorf("err = %v, want ErrBarcodeData", err)
			}
			if len(e.Bytes()) != 0 {
				t.Errorf("appended % x", e.Bytes())
			}
		})
	}
}

func BenchmarkEncoderText(b *testing.B) {
	var e Encoder
	e.SelectCodePage(PC858)
	for b.Loop() {
		e.Reset()
		e.Line("2 x Käsebrötchen Crème          3.50 € A")
	}
}
