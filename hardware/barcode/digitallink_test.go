package barcode

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The URIs below are the examples of the GS1 Digital Link Standard: URI
// Syntax (release 1.2 onwards, https://ref.gs1.org/standards/digital-link/uri-syntax/),
// as the standard's reference implementation
// repeats them in its unit tests ("Examples from DL specification",
// github.com/gs1/gs1-syntax-engine src/c-lib/dl.c, test_dl_parseDLuri), with
// the element strings it expects; plus the 2026 expiry example of the
// bwipp/postscriptbarcode wiki page "GS1 Digital Link URIs". The reference
// implementation pads zero-suppressed GTINs only behind an option; brands
// print them, so Till always pads (and still checks the check digit).
func TestDigitalLinkStandardExamples(t *testing.T) {
	t.Parallel()
	type el = Element
	for _, tt := range []struct {
		in   string
		want []Element
	}{
		{"https://id.gs1.org/01/09520123456788", []el{{"01", "09520123456788"}}},
		{"https://brand.example.com/01/9520123456788", []el{{"01", "09520123456788"}}},
		{"https://brand.example.com/some-extra/pathinfo/01/9520123456788", []el{{"01", "09520123456788"}}},
		{"https://id.gs1.org/01/09520123456788/22/2A", []el{{"01", "09520123456788"}, {"22", "2A"}}},
		{"https://id.gs1.org/01/09520123456788/10/ABC123", []el{{"01", "09520123456788"}, {"10", "ABC123"}}},
		{"https://id.gs1.org/01/09520123456788/21/12345", []el{{"01", "09520123456788"}, {"21", "12345"}}},
		{"https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426",
			[]el{{"01", "09520123456788"}, {"10", "ABC1"}, {"21", "12345"}, {"17", "180426"}}},
		{"https://id.gs1.org/01/09520123456788?3103=000195", []el{{"01", "09520123456788"}, {"3103", "000195"}}},
		{"https://example.com/01/9520123456788?3103=000195&3922=0299&17=201225",
			[]el{{"01", "09520123456788"}, {"3103", "000195"}, {"3922", "0299"}, {"17", "201225"}}},
		{"https://id.gs1.org/01/09520123456788?17=201225&3103=000195&3922=0299",
			[]el{{"01", "09520123456788"}, {"17", "201225"}, {"3103", "000195"}, {"3922", "0299"}}},
		{"https://id.gs1.org/00/952012345678912345", []el{{"00", "952012345678912345"}}},
		{"https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123",
			[]el{{"00", "952012345678912345"}, {"02", "09520123456788"}, {"37", "25"}, {"10", "ABC123"}}},
		// The reference parser's own example of a percent-encoded lot.
		{"https://id.gs1.org/01/09520123456788/10/ABC%2F123/21/12345?17=180426",
			[]el{{"01", "09520123456788"}, {"10", "ABC/123"}, {"21", "12345"}, {"17", "180426"}}},
		// bwipp wiki: batch and expiry 31 December 2026.
		{"https://id.gs1.org/01/09521234543213/10/ABC123?17=261231",
			[]el{{"01", "09521234543213"}, {"10", "ABC123"}, {"17", "261231"}}},
		{"https://example.com/products/01/09521234543213", []el{{"01", "09521234543213"}}},
		// A fragment and non-AI parameters are for resolvers, not the till.
		{"https://a/stem/00/006141411234567890?99=ABC#fragment", []el{{"00", "006141411234567890"}, {"99", "ABC"}}},
		{"HTTPS://ID.GS1.ORG/01/09520123456788?linkType=gs1:pip", []el{{"01", "09520123456788"}}},
	} {
		c, err := ParseDigitalLink(tt.in)
		if err != nil {
			t.Errorf("ParseDigitalLink(%q): %v", tt.in, err)
			continue
		}
		if c.Symbology != DigitalLink || !reflect.DeepEqual(c.Elements, tt.want) {
			t.Errorf("ParseDigitalLink(%q) = %s %v, want %v", tt.in, c.Symbology, c.Elements, tt.want)
		}
	}
}

// The fields a receiving or sale screen reads: GTIN, lot, expiry, weight,
// price, from a Digital Link and from the same data as a GS1-128 or GS1
// DataMatrix element string (one result type for all three).
func TestDigitalLinkFieldsMatchElementStrings(t *testing.T) {
	t.Parallel()
	want := Code{GTIN: "09520123456788", Batch: "ABC1", Serial: "12345", Expiry: "201225",
		WeightGrams: 195, HasWeight: true, Price: Decimal{Value: 299, Decimals: 2}, HasPrice: true}
	for _, in := range []string{
		"https://example.com/01/09520123456788/10/ABC1/21/12345?3103=000195&3922=0299&17=201225",
		"]Q1https://example.com/01/09520123456788/10/ABC1/21/12345?3103=000195&3922=0299&17=201225", // QR with AIM id
		"]C1010952012345678810ABC1\x1d2112345\x1d31030001953922" + "0299\x1d17201225",               // GS1-128
		"]d201095201234567881720122510ABC1\x1d2112345\x1d31030001953922" + "0299",                   // GS1 DataMatrix
		"(01)09520123456788(10)ABC1(21)12345(3103)000195(3922)0299(17)201225",
	} {
		c, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		got := Code{GTIN: c.GTIN, Batch: c.Batch, Serial: c.Serial, Expiry: c.Expiry, WeightGrams: c.WeightGrams,
			HasWeight: c.HasWeight, Price: c.Price, HasPrice: c.HasPrice}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestDigitalLinkShortNamesAndWeight(t *testing.T) {
	t.Parallel()
	// Digital Link 1.0/1.1 short names, still on older packs.
	c, err := Parse("https://id.gs1.org/gtin/614141123452/lot/ABC1/ser/12345?exp=180426")
	if err != nil || c.GTIN != "00614141123452" || c.Batch != "ABC1" || c.Serial != "12345" || c.Expiry != "180426" {
		t.Fatalf("short names: %+v, %v", c, err)
	}
	// 3103 has three implied decimals: 001250 is 1.250 kg = 1250 g;
	// 3102 001250 is 12.50 kg.
	for in, grams := range map[string]int64{
		"https://id.gs1.org/01/09520123456788?3103=001250": 1250,
		"https://id.gs1.org/01/09520123456788?3102=001250": 12500,
		"https://id.gs1.org/01/09520123456788?3100=000002": 2000,
	} {
		c, err := Parse(in)
		if err != nil || !c.HasWeight || c.WeightGrams != grams {
			t.Errorf("Parse(%q) = %d g (%v), %v; want %d g", in, c.WeightGrams, c.HasWeight, err, grams)
		}
	}
	// Percent escapes and "+" for a space in the query; best before.
	c, err = Parse("https://id.gs1.org/01/09520123456788/10/A%2Bb%20c?15=261130&99=X+Y%26Z")
	if err != nil || c.Batch != "A+b c" || c.BestBefore != "261130" || c.Elements[len(c.Elements)-1] != (Element{"99", "X Y&Z"}) {
		t.Fatalf("escapes: %+v, %v", c, err)
	}
	// Unknown AIs in the query are kept, not dropped.
	c, err = Parse("https://id.gs1.org/01/09520123456788?89=ABC123&7240=X1")
	if err != nil || len(c.Elements) != 3 || c.Elements[1] != (Element{"89", "ABC123"}) || c.Elements[2] != (Element{"7240", "X1"}) {
		t.Fatalf("unknown AIs: %+v, %v", c.Elements, err)
	}
	// The catalog keys of a Digital Link are the GTIN's, never the URI.
	sc, err := Parser{Rules: DefaultVariableRules()}.ParseBarcode("https://id.gs1.org/01/09520123456788/10/L1?3103=000750", 2)
	if err != nil || sc.Keys[0] != "9520123456788" || !sc.HasWeight || sc.Weight != 750 {
		t.Fatalf("ParseBarcode: %+v, %v", sc, err)
	}
	for _, k := range sc.Keys {
		if strings.Contains(k, "/") {
			t.Fatalf("URI used as a catalog key: %q", sc.Keys)
		}
	}
}

func TestDigitalLinkRejects(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"https://id.gs1.org/01/09520123456789", ErrCheckDigit},
		{"https://id.gs1.org/01/952012345678", ErrCheckDigit},          // a 12-digit GTIN that does not check
		{"https://id.gs1.org/01/0952012345678", ErrCheckDigit},         // 13 digits, check digit wrong
		{"https://id.gs1.org/01/095201234567", ErrCheckDigit},          // padded, still wrong
		{"https://id.gs1.org/01/09520123456", ErrSyntax},               // 11 digits
		{"https://id.gs1.org/01/0952012345678X", ErrSyntax},            // non-digit
		{"https://example.com/01/09520123456788?10=ABC123", ErrSyntax}, // qualifier in the query (standard's example)
		{"https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&01=09520123456788", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&10=ABC123", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&99=XYZ789", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788/21/1/10/ABC", ErrSyntax}, // qualifiers out of order
		{"https://id.gs1.org/01/09520123456788/10/A/10/B", ErrSyntax},   // a qualifier twice
		{"https://id.gs1.org/01/09520123456788/10/", ErrSyntax},         // empty value
		{"https://id.gs1.org/01/09520123456788/10/%4", ErrSyntax},       // broken escape
		{"https://id.gs1.org/01/09520123456788/10/%zz", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788/10/a%00b", ErrSyntax}, // decoded control byte
		{"https://id.gs1.org/01/09520123456788?17=20122", ErrSyntax}, // expiry one digit short
		{"https://id.gs1.org/01/09520123456788?17=2012AB", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788?3103=", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788?17=201332", ErrSyntax},            // no 32 December
		{"https://id.gs1.org/01/09520123456788?17=271301", ErrSyntax},            // no month 13
		{"https://id.gs1.org/01/09520123456788?15=270229", ErrSyntax},            // 2027 is no leap year
		{"https://id.gs1.org/01/09520123456788?exp=261231&17=261231", ErrSyntax}, // the same AI twice
		{"https://id.gs1.org/01/09520123456788?12345=1", ErrUnknownAI},
		{"https://id.gs1.org/01/09520123456788/10/" + strings.Repeat("A", 21), ErrSyntax}, // lot max 20
		{"https://id.gs1.org/", ErrSyntax},
		{"https://id.gs1.org/products/123", ErrSyntax},
		{"https:///01/09520123456788", ErrSyntax},
		{"https://ex ample.com/01/09520123456788", ErrSyntax},
		{"https://ex_ample.com/01/09520123456788", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788/10/ABC\u00e9", ErrSyntax},
		{"ftp://id.gs1.org/01/09520123456788", ErrSyntax},
		{"https://id.gs1.org/01/09520123456788?99=" + strings.Repeat("A", MaxDigitalLinkLen), ErrSyntax},
		{"https://id.gs1.org/01/09520123456788?" + strings.Repeat("&9", 40)[1:], ErrSyntax},
	} {
		_, err := ParseDigitalLink(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseDigitalLink(%.80q) = %v, want %v", tt.in, err, tt.want)
		}
		if _, err := Parse(tt.in); tt.in[:3] != "ftp" && !errors.Is(err, tt.want) {
			t.Errorf("Parse(%.80q) = %v, want %v", tt.in, err, tt.want)
		}
	}
	// Too many AIs is bounded even when each is valid.
	var b strings.Builder
	b.WriteString("https://id.gs1.org/01/09520123456788?")
	for i := 0; i < 40; i++ {
		b.WriteString("&9" + string(rune('0'+i%10)) + "=" + string(rune('A'+i/10)))
	}
	if _, err := ParseDigitalLink(b.String()); err == nil {
		t.Fatal("40 query AIs accepted")
	}
}

func TestGS1Date(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ in, want string }{
		{"261231", "2026-12-31"},
		{"270100", "2027-01-31"}, // day 00: last day of the month
		{"280200", "2028-02-29"}, // leap year
		{"760101", "2076-01-01"}, // 50 ahead: this century
		{"770101", "1977-01-01"}, // 51 ahead: last century
		{"000101", "2000-01-01"},
	} {
		got, err := GS1Date(tt.in, now)
		if err != nil || got != tt.want {
			t.Errorf("GS1Date(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	if got, _ := GS1Date("260101", time.Date(2076, 6, 1, 0, 0, 0, 0, time.UTC)); got != "2126-01-01" {
		t.Errorf("50 behind is next century: %s", got)
	}
	for _, in := range []string{"261331", "260230", "2612", "26123a", "261200x", "260000"} {
		if _, err := GS1Date(in, now); !errors.Is(err, ErrSyntax) {
			t.Errorf("GS1Date(%q) accepted", in)
		}
	}
}

// FuzzDigitalLink: any input parses or fails cleanly, never panics; what
// parses has a valid key, bounded elements, and no control bytes.
func FuzzDigitalLink(f *testing.F) {
	for _, s := range []string{
		"https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426",
		"https://example.com/01/9520123456788?3103=000195&3922=0299&17=201225",
		"https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123",
		"https://id.gs1.org/gtin/614141123452/lot/ABC1/ser/12345?exp=180426",
		"https://id.gs1.org/01/09520123456788/10/ABC%2F123?99=X+Y#frag",
		"https://a/01/09520123456788/10/%", "http://x/01/", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseDigitalLink(s)
		if err != nil {
			return
		}
		if len(c.Elements) == 0 || len(c.Elements) > maxDigitalLinkAIs {
			t.Fatalf("%d elements from %q", len(c.Elements), s)
		}
		if c.GTIN != "" && (len(c.GTIN) != 14 || !ValidCheckDigit(c.GTIN)) {
			t.Fatalf("bad GTIN %q from %q", c.GTIN, s)
		}
		if c.Elements[0].AI != "01" && c.Elements[0].AI != "00" {
			t.Fatalf("primary key %q from %q", c.Elements[0].AI, s)
		}
		for _, e := range c.Elements {
			for i := 0; i < len(e.Value); i++ {
				if e.Value[i] < 0x20 || e.Value[i] > 0x7e {
					t.Fatalf("control byte in %q from %q", e.Value, s)
				}
			}
		}
		if c.WeightGrams < 0 || c.Price.Value < 0 {
			t.Fatalf("negative measure from %q", s)
		}
	})
}
