package escpos_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/escpos"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// sampleReceipt is laid out like register.ReceiptDoc.
func sampleReceipt(copy bool) pos.Doc {
	d := pos.Doc{ID: "0190b3a4-sale", Copy: copy}
	d.Title("Till Market")
	d.Text("Hauptstraße 1, 10115 Berlin", pos.AlignCenter)
	d.Text("VAT DE123456789", pos.AlignCenter)
	d.Rule()
	d.Pair("€ Käsebrötchen Crème", "3.50 B", false)
	d.Text("  2 x 1.75", pos.AlignLeft)
	d.Pair("Bio-Vollkornbrot mit Sonnenblumenkernen und Kürbiskernen, geschnitten", "4.20 B", false)
	d.Pair("Rotwein Côtes du Rhône", "12.99 A", false)
	d.Pair("  Discount", "-1.00", false)
	d.Rule()
	d.Blocks = append(d.Blocks, pos.Block{Kind: pos.BlockPair, Text: "TOTAL EUR", Right: "19.69", Bold: true, Large: true})
	d.Pair("Cash", "20.00", false)
	d.Pair("Change", "0.31", true)
	d.Rule()
	d.Pair("A VAT 19% of 11.99", "1.91", false)
	d.Pair("B VAT 7% of 7.70", "0.50", false)
	d.Pair("Net", "17.28", false)
	d.Rule()
	d.Pair("Receipt", "R01-000042", false)
	d.Pair("Date", "2026-03-14 09:26:53", false)
	d.Pair("Cashier", "Zoë", false)
	d.Pair("Register", "R01", false)
	d.Barcode("R01-000042")
	d.Text("Thank you for shopping with us!", pos.AlignCenter)
	d.Feed(2)
	return d
}

func goldenCompare(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestRenderGolden(t *testing.T) {
	qr := pos.Doc{ID: "qr"}
	qr.Text("Scan for your e-receipt", pos.AlignCenter)
	qr.Blocks = append(qr.Blocks, pos.Block{Kind: pos.BlockQR, Text: "https://till.example/r/R01-000042", Align: pos.AlignCenter})
	tests := []struct {
		name string
		doc  pos.Doc
		p    escpos.Profile
	}{
		{"receipt_80mm", sampleReceipt(false), escpos.Profile80mm},
		{"receipt_copy_80mm", sampleReceipt(true), escpos.Profile80mm},
		{"receipt_80mm42", sampleReceipt(false), escpos.Profile80mm42},
		{"receipt_58mm", sampleReceipt(false), escpos.Profile58mm},
		{"receipt_wpc1252", sampleReceipt(false), escpos.Profile{Name: "1252", Columns: 48, CodePage: escpos.WPC1252}},
		{"qr_58mm", qr, escpos.Profile58mm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := escpos.Render(tt.doc, tt.p)
			goldenCompare(t, tt.name+".bin.golden", raw)
			rs, err := devicesim.DecodeESCPOS(raw)
			if err != nil || len(rs) != 1 {
				t.Fatalf("decode: %d receipts, %v", len(rs), err)
			}
			rs[0].Columns = tt.p.Columns
			goldenCompare(t, tt.name+".txt.golden", []byte(rs[0].Text()))
		})
	}
}

func TestRenderFraming(t *testing.T) {
	t.Parallel()
	raw := escpos.Render(pos.Doc{}, escpos.Profile80mm)
	want := []byte{0x1B, 0x40, 0x1B, 0x74, 19, 0x1D, 0x56, 0x42, 3}
	if !bytes.Equal(raw, want) {
		t.Errorf("empty doc: got % x, want % x", raw, want)
	}
	if bytes.Contains(escpos.Render(sampleReceipt(true), escpos.Profile80mm), []byte{0x1D, 0x21, 0xFF}) {
		t.Error("GS ! 0xff emitted")
	}
}

func TestRenderLayout(t *testing.T) {
	t.Parallel()
	for _, p := range []escpos.Profile{escpos.Profile80mm, escpos.Profile80mm42, escpos.Profile58mm} {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			rs, err := devicesim.DecodeESCPOS(escpos.Render(sampleReceipt(true), p))
			if err != nil || len(rs) != 1 {
				t.Fatalf("decode: %d receipts, %v", len(rs), err)
			}
			r := rs[0]
			for i, l := range r.Lines {
				cols := 0
				for _, s := range l.Spans {
					cols += len([]rune(s.Text)) * s.Width
				}
				if cols > p.Columns {
					t.Errorf("line %d is %d columns wide, paper has %d: %q", i, cols, p.Columns, l.Text())
				}
			}
			lines := r.PlainLines()
			if lines[0] != "*** COPY ***" || !r.Lines[0].Large() || !r.Lines[0].Bold() {
				t.Errorf("first line %q (large %v bold %v), want a large bold COPY", lines[0], r.Lines[0].Large(), r.Lines[0].Bold())
			}
			if last := lines[len(lines)-1]; last != "*** COPY ***" {
				t.Errorf("last line %q, want COPY", last)
			}
			total := findLine(lines, "TOTAL EUR")
			if total < 0 || !strings.HasSuffix(lines[total], "19.69") || len([]rune(lines[total])) != p.Columns/2 {
				t.Errorf("total line %q not padded to %d columns at double width", lineAt(lines, total), p.Columns/2)
			}
			// The right-hand amount is never cut, however long the name.
			if i := findLine(lines, "4.20 B"); i < 0 || !strings.HasSuffix(lines[i], "4.20 B") || len([]rune(lines[i])) != p.Columns {
				t.Errorf("long item amount line %q", lineAt(lines, i))
			}
			if !r.Contains("Bio-Vollkornbrot") || !r.Contains("geschnitten") {
				t.Error("wrapped item name lost text")
			}
			if r.Cut != "partial" {
				t.Errorf("cut %q, want partial", r.Cut)
			}
		})
	}
}

func findLine(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

func lineAt(lines []string, i int) string {
	if i < 0 {
		return "<missing>"
	}
	return lines[i]
}

func TestTextRoundTrip(t *testing.T) {
	t.Parallel()
	const text = "€ Käsebrötchen Crème"
	for _, cp := range []escpos.CodePage{escpos.PC858, escpos.WPC1252} {
		t.Run(cp.String(), func(t *testing.T) {
			t.Parallel()
			var e escpos.Encoder
			e.Init().SelectCodePage(cp).Line(text).CutFull()
			rs, err := devicesim.DecodeESCPOS(e.Bytes())
			if err != nil || len(rs) != 1 {
				t.Fatalf("decode: %d receipts, %v", len(rs), err)
			}
			if got := rs[0].PlainLines(); len(got) != 1 || got[0] != text {
				t.Errorf("decoded %q, want %q", got, text)
			}
		})
	}
	// PC850 has no €: it must print '?' rather than a wrong glyph.
	var e escpos.Encoder
	e.Init().SelectCodePage(escpos.PC850).Line(text).CutFull()
	rs, _ := devicesim.DecodeESCPOS(e.Bytes())
	if got := rs[0].PlainLines()[0]; got != "? Käsebrötchen Crème" {
		t.Errorf("PC850 decoded %q", got)
	}
}

func BenchmarkRender(b *testing.B) {
	d := sampleReceipt(false)
	for b.Loop() {
		escpos.Render(d, escpos.Profile80mm)
	}
}
