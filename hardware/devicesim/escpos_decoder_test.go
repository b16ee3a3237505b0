package devicesim

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func decodeOne(t *testing.T, b []byte) Receipt {
	t.Helper()
	rs, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d receipts, want 1", len(rs))
	}
	return rs[0]
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

var (
	init_  = []byte{0x1B, 0x40}
	pc858  = []byte{0x1B, 0x74, 19}
	cutB66 = []byte{0x1D, 0x56, 0x42, 3}
)

func TestDecodeCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    []byte
		lines []string
		check func(t *testing.T, r Receipt)
	}{
		{"plain lines", cat(init_, []byte("a\nb\n"), cutB66), []string{"a", "b"}, nil},
		{"code page PC858", cat(init_, pc858, []byte{0xD5, ' ', 0x84, 0x94, 0x81, 0xE1, 0x0A}), []string{"€ äöüß"}, nil},
		{"code page WPC1252", cat(init_, []byte{0x1B, 0x74, 16, 0x80, 0xE9, 0x0A}), []string{"€é"}, nil},
		{"PC437 after init", cat([]byte{0x1B, 0x74, 19}, init_, []byte{0x84, 0x0A}), []string{"ä"}, nil},
		{"unknown code page prints ?", cat(init_, []byte{0x1B, 0x74, 99, 0x84, 'a', 0x0A}), []string{"?a"}, nil},
		{"bold and size spans", cat(init_, []byte{0x1B, 0x45, 1, 0x1D, 0x21, 0x11, 'T', 0x1B, 0x45, 0, 0x1D, 0x21, 0x00, 'x', 0x0A}), []string{"Tx"},
			func(t *testing.T, r Receipt) {
				want := []Span{{Text: "T", Bold: true, Width: 2, Height: 2}, {Text: "x", Width: 1, Height: 1}}
				if !reflect.DeepEqual(r.Lines[0].Spans, want) {
					t.Errorf("spans %+v", r.Lines[0].Spans)
				}
			}},
		{"ESC ! print mode", cat(init_, []byte{0x1B, 0x21, 0x38, 'X', 0x1B, 0x21, 0x80, 'u', 0x0A}), []string{"Xu"},
			func(t *testing.T, r Receipt) {
				s := r.Lines[0].Spans
				if !s[0].Bold || s[0].Width != 2 || s[0].Height != 2 || !s[1].Underline || s[1].Bold {
					t.Errorf("spans %+v", s)
				}
			}},
		{"underline", cat(init_, []byte{0x1B, 0x2D, 1, 'u', 0x1B, 0x2D, 0, 'n', 0x0A}), []string{"un"},
			func(t *testing.T, r Receipt) {
				if s := r.Lines[0].Spans; !s[0].Underline || s[1].Underline {
					t.Errorf("spans %+v", s)
				}
			}},
		{"align at line start only", cat(init_, []byte{0x1B, 0x61, 1, 'c', 0x1B, 0x61, 2, 'x', 0x0A, 'r', 0x0A}), []string{"cx", "r"},
			func(t *testing.T, r Receipt) {
				// ESC a mid-line is ignored, as on paper.
				if r.Lines[0].Align != AlignCenter || r.Lines[1].Align != AlignCenter {
					t.Errorf("aligns %d %d", r.Lines[0].Align, r.Lines[1].Align)
				}
			}},
		{"feed lines", cat(init_, []byte{'a', 0x1B, 0x64, 3, 'b', 0x0A}), []string{"a", "", "", "b"}, nil},
		{"feed from empty", cat(init_, []byte{0x1B, 0x64, 2, 'b', 0x0A}), []string{"", "", "b"}, nil},
		{"code128", cat(init_, []byte{0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x48, 2, 0x1D, 0x6B, 0x49, 7, '{', 'B', 'R', '{', '{', '-', '1'}), []string{"[CODE128 R{-1]"},
			func(t *testing.T, r Receipt) {
				want := Barcode{Kind: "CODE128", Data: "R{-1", Height: 80, Module: 2, HRI: 2}
				if len(r.Barcodes) != 1 || r.Barcodes[0] != want {
					t.Errorf("barcodes %+v", r.Barcodes)
				}
			}},
		{"code128 set C", cat(init_, []byte{0x1D, 0x6B, 0x49, 5, '{', 'C', 12, 34, 5, 0x0A}), []string{"[CODE128 123405]", ""}, nil},
		{"EAN13 format A", cat(init_, []byte{0x1D, 0x6B, 2}, []byte("4006381333931"), []byte{0}), []string{"[EAN13 4006381333931]"}, nil},
		{"barcode flushes line", cat(init_, []byte("no:"), []byte{0x1D, 0x6B, 0x49, 3, '{', 'B', '7'}), []string{"no:", "[CODE128 7]"}, nil},
		{"qr", cat(init_, []byte{
			0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0,
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 6,
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 49,
			0x1D, 0x28, 0x6B, 5, 0, 0x31, 0x50, 0x30, 'h', 'i',
			0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30}), []string{"[QR hi]"}, nil},
		{"raster image skipped", cat(init_, []byte{0x1D, 0x76, 0x30, 0, 2, 0, 3, 0, 0x1B, 0x40, 0x0A, 0x1D, 0x56, 0x00}, []byte("ok\n")),
			[]string{"[IMAGE 16x3]", "ok"}, nil},
		{"bit image skipped", cat(init_, []byte{0x1B, 0x2A, 33, 2, 0, 1, 2, 3, 4, 5, 6}, []byte("ok\n")), []string{"[IMAGE 2 columns]", "ok"}, nil},
		{"GS ( L skipped", cat(init_, []byte{0x1D, 0x28, 0x4C, 3, 0, 0x0A, 0x0A, 0x0A}, []byte("ok\n")), []string{"ok"}, nil},
		{"drawer kick", cat(init_, []byte{0x1B, 0x70, 1, 25, 250}, []byte("x\n")), []string{"x"},
			func(t *testing.T, r Receipt) {
				if len(r.DrawerKicks) != 1 || r.DrawerKicks[0] != (DrawerKick{Pin: 5, OnMS: 50, OffMS: 500}) {
					t.Errorf("kicks %+v", r.DrawerKicks)
				}
			}},
		{"unknown ESC skipped", cat(init_, []byte{0x1B, 0x01, 'a', 0x0A}), []string{"a"},
			func(t *testing.T, r Receipt) {
				if r.Skipped != 2 {
					t.Errorf("skipped %d", r.Skipped)
				}
			}},
		{"stray controls skipped", cat(init_, []byte{0x00, 0x07, 'a', 0x0D, 0x0A}), []string{"a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := decodeOne(t, tt.in)
			if got := r.PlainLines(); !reflect.DeepEqual(got, tt.lines) {
				t.Errorf("lines %q, want %q", got, tt.lines)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestDecodeCuts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cut  []byte
		want string
	}{
		{[]byte{0x1D, 0x56, 0x00}, "full"},
		{[]byte{0x1D, 0x56, 0x30}, "full"},
		{[]byte{0x1D, 0x56, 0x01}, "partial"},
		{[]byte{0x1D, 0x56, 0x31}, "partial"},
		{[]byte{0x1D, 0x56, 0x41, 3}, "full"},
		{[]byte{0x1D, 0x56, 0x42, 3}, "partial"},
		{[]byte{0x1B, 0x69}, "partial"},
	}
	for _, tt := range tests {
		r := decodeOne(t, cat(init_, []byte("x\n"), tt.cut))
		if r.Cut != tt.want {
			t.Errorf("% x: cut %q, want %q", tt.cut, r.Cut, tt.want)
		}
	}
}

func TestDecodeJobs(t *testing.T) {
	t.Parallel()
	job := func(s string) []byte { return cat(init_, pc858, []byte(s+"\n"), cutB66) }
	rs, err := DecodeESCPOS(cat(job("one"), job("two"), init_, []byte("uncut\n")))
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, r := range rs {
		got = append(got, r.PlainLines())
	}
	want := [][]string{{"one"}, {"two"}, {"uncut"}}
	if !reflect.DeepEqual(got, want) || rs[2].Cut != "" {
		t.Errorf("jobs %q (last cut %q), want %q", got, rs[2].Cut, want)
	}
	// A cut with nothing before it is not a receipt.
	if rs, _ := DecodeESCPOS([]byte{0x1D, 0x56, 0x00}); len(rs) != 0 {
		t.Errorf("stray cut made %d receipts", len(rs))
	}
}

func TestDecodeStatusRequests(t *testing.T) {
	t.Parallel()
	var got []byte
	d := NewDecoder()
	d.OnStatus = func(n byte) { got = append(got, n) }
	// A query in the middle of a job and one split across writes.
	_, _ = d.Write(cat(init_, []byte("a"), []byte{0x10, 0x04, 1}, []byte("b\n"), []byte{0x10}))
	_, _ = d.Write([]byte{0x04})
	_, _ = d.Write([]byte{4})
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte{1, 4}) {
		t.Errorf("status requests %v", got)
	}
}

func TestDecodeChunkingIrrelevant(t *testing.T) {
	t.Parallel()
	stream := cat(init_, pc858, []byte{0x1B, 0x61, 1, 0x1B, 0x45, 1, 0x1D, 0x21, 0x11}, []byte("Till Märkt\n"),
		[]byte{0x1D, 0x28, 0x6B, 5, 0, 0x31, 0x50, 0x30, 'h', 'i', 0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30},
		[]byte{0x1D, 0x76, 0x30, 0, 1, 0, 2, 0, 0xFF, 0xFF},
		[]byte{0x1D, 0x6B, 0x49, 4, '{', 'B', 'A', 'B'}, cutB66)
	whole, err := DecodeESCPOS(stream)
	if err != nil {
		t.Fatal(err)
	}
	for size := 1; size < 8; size++ {
		var got []Receipt
		d := NewDecoder()
		d.OnReceipt = func(r Receipt) { got = append(got, r) }
		for i := 0; i < len(stream); i += size {
			_, _ = d.Write(stream[i:min(i+size, len(stream))])
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, whole) {
			t.Errorf("chunks of %d: %+v\nwhole: %+v", size, got, whole)
		}
	}
}

func TestDecodeTruncated(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{{0x1B}, {0x1D, 0x6B, 0x49, 9, '{'}, {0x1D, 0x76, 0x30, 0, 10, 0, 10, 0, 1}, {0x10, 0x04}} {
		if _, err := DecodeESCPOS(cat(init_, []byte("x\n"), b)); !errors.Is(err, ErrTruncated) {
			t.Errorf("% x: err %v", b, err)
		}
	}
}

func TestReceiptText(t *testing.T) {
	t.Parallel()
	r := decodeOne(t, cat(init_, pc858,
		[]byte{0x1B, 0x61, 1, 0x1D, 0x21, 0x11}, []byte("Big\n"),
		[]byte{0x1D, 0x21, 0x00, 0x1B, 0x61, 2}, []byte("right\n"),
		[]byte{0x1B, 0x61, 0}, []byte("0123456789abc\n"),
		[]byte{0x1B, 0x70, 0, 25, 250}, []byte{0x1D, 0x56, 0x01}))
	r.Columns = 10
	want := "  B i g\n" +
		"     right\n" +
		"0123456789\n" +
		"abc\n" +
		"[DRAWER KICK pin 2, 50 ms on, 500 ms off]\n" +
		" partial cut \n"
	if got := r.Text(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var png bytes.Buffer
	if err := r.WritePNG(&png); err != nil || !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")) {
		t.Errorf("png: %v", err)
	}
}

func FuzzDecodeESCPOS(f *testing.F) {
	f.Add(cat(init_, pc858, []byte("Käse\n"), cutB66))
	f.Add([]byte{0x1D, 0x28, 0x6B, 0xFF, 0xFF, 0x31})
	f.Add([]byte{0x1D, 0x76, 0x30, 0, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0x1D, 0x38, 0x4C, 0xFF, 0xFF, 0xFF, 0x7F})
	f.Add([]byte{0x1B, 0x26, 3, 32, 126, 12})
	f.Add([]byte{0x1D, 0x6B, 0x49, 5, '{', 'C', '{', '{', '{'})
	f.Add([]byte{0x10, 0x14, 1, 0, 5, 0x1B, 0x44, 1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := DecodeESCPOS(b)
		if err != nil && !errors.Is(err, ErrTruncated) {
			t.Fatalf("unexpected error %v", err)
		}
		for _, r := range rs {
			_ = r.Text()
		}
		// Any chunking gives the same receipts.
		var got []Receipt
		d := NewDecoder()
		d.OnReceipt = func(r Receipt) { got = append(got, r) }
		for i := 0; i < len(b); i += 3 {
			_, _ = d.Write(b[i:min(i+3, len(b))])
		}
		_ = d.Close()
		if !reflect.DeepEqual(got, rs) {
			t.Fatalf("chunked decode differs:\n%+v\n%+v", got, rs)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	job := cat(init_, pc858, bytes.Repeat([]byte("Käsebrötchen Crème                   3.50 B\n"), 30), cutB66)
	b.SetBytes(int64(len(job)))
	for b.Loop() {
		_, _ = DecodeESCPOS(job)
	}
}
