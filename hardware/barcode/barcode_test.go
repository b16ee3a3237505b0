package barcode

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCheckDigit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		data string
		want byte
	}{
		{"400638133393", '1'}, // Stabilo BOSS (4006381333931)
		{"590123412345", '7'}, // GS1 example EAN-13
		{"03600029145", '2'},  // UPC-A 036000291452
		{"9638507", '4'},      // EAN-8 96385074
		{"1400638133393", '8'},
		{"0000000000000", '0'},
	} {
		got, err := CheckDigit(tt.data)
		if err != nil || got != tt.want {
			t.Errorf("CheckDigit(%s) = %c, %v; want %c", tt.data, got, err, tt.want)
		}
	}
	if _, err := CheckDigit("12a4"); !errors.Is(err, ErrSyntax) {
		t.Errorf("non-digit: %v", err)
	}
	if ValidCheckDigit("4006381333932") || !ValidCheckDigit("4006381333931") {
		t.Error("ValidCheckDigit")
	}
}

// Real GTINs as printed on goods and in GS1's and Wikipedia's examples.
func TestParseRealGTINs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		sym  Symbology
		gtin string
		key  string
	}{
		{"4006381333931", EAN13, "04006381333931", "4006381333931"},
		{"5901234123457", EAN13, "05901234123457", "5901234123457"},
		{"4000417025005", EAN13, "04000417025005", "4000417025005"},
		{"036000291452", UPCA, "00036000291452", "0036000291452"},
		{"0036000291452", EAN13, "00036000291452", "0036000291452"}, // the same item as EAN-13
		{"04252614", UPCE, "00042100005264", "0042100005264"},       // expands to UPC-A 042100005264
		{"96385074", EAN8, "00000096385074", "0000096385074"},
		{"14006381333938", ITF14, "14006381333938", "14006381333938"},
		{" 4006381333931\r\n", EAN13, "04006381333931", "4006381333931"},
		{"]E04006381333931", EAN13, "04006381333931", "4006381333931"},
		{"]E496385074", EAN8, "00000096385074", "0000096385074"},
		{"]E004252614", UPCE, "00042100005264", "0042100005264"},
	} {
		c, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if c.Symbology != tt.sym || c.GTIN != tt.gtin || c.Key() != tt.key || c.Variable != nil {
			t.Errorf("Parse(%q) = %s %s key %s; want %s %s key %s", tt.in, c.Symbology, c.GTIN, c.Key(), tt.sym, tt.gtin, tt.key)
		}
	}
}

func TestUPCEExpansion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ upce, upca string }{
		{"04252614", "042100005264"}, // last digit 1: manufacturer XX100
		{"01234558", "012345000058"}, // 5-9: manufacturer XXXXX, item 0000X
		{"01234589", "012345000089"},
		{"01234531", "012300000451"}, // 3: XXX00, item 000XX
		{"01234543", "012340000053"}, // 4: XXXX0, item 0000X
		{"01234505", "012000003455"}, // 0: XX000, item 00XXX
		{"11234520", "112200003450"}, // number system 1
	} {
		got, err := ExpandUPCE(tt.upce)
		if err != nil || got != tt.upca {
			t.Errorf("ExpandUPCE(%s) = %s, %v; want %s", tt.upce, got, err, tt.upca)
		}
	}
	for _, bad := range []string{"04252615", "24252614", "0425261", "0425261x"} {
		if _, err := ExpandUPCE(bad); err == nil {
			t.Errorf("ExpandUPCE(%s): want an error", bad)
		}
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		gtin string
		want []string
	}{
		{"04006381333931", []string{"4006381333931", "04006381333931"}},
		{"00036000291452", []string{"0036000291452", "036000291452", "00036000291452"}},
		{"00000096385074", []string{"0000096385074", "000096385074", "96385074", "00000096385074"}},
		{"14006381333938", []string{"14006381333938"}},
		{"123", nil},
	} {
		if got := Keys(tt.gtin); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Keys(%s) = %q, want %q", tt.gtin, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"4006381333932", ErrCheckDigit},
		{"036000291453", ErrCheckDigit},
		{"96385075", ErrCheckDigit}, // neither EAN-8 nor (starts with 9) UPC-E
		{"04252615", ErrCheckDigit}, // UPC-E with a wrong check digit
		{"14006381333939", ErrCheckDigit},
		{"2212346012991", ErrPriceCheck}, // DE price label, price check digit off by one
		{"", ErrSyntax},
		{"   ", ErrSyntax},
		{"]C1", ErrSyntax},
		{"]C10104006381333932", ErrCheckDigit},
		{"]C1010400638133393", ErrSyntax}, // GTIN one digit short
		{"]C199", ErrSyntax},
		{"]C1\x1d", ErrSyntax},
		{"]C1010400638133393117", ErrSyntax},
		{"]C1(01)", ErrUnknownAI},
		{"]C1010400638133393189912345", ErrUnknownAI},
		{"(01)0400638133393", ErrSyntax},
		{"(01)04006381333931(3103", ErrSyntax},
		{"(3103)12345a", ErrSyntax},
		{"(99)", ErrSyntax},
		{"(77)12", ErrUnknownAI},
		{"]C13923", ErrSyntax}, // 392n without an amount
		{"]C13933978", ErrSyntax},
		{"]C110ab\x01c", ErrSyntax},
		{"]C10104006381333931171300", ErrSyntax}, // expiry in month 13
		{strings.Repeat("1", 300), ErrSyntax},
	} {
		_, err := Parse(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestParseOther(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"999", "R01-000123", "]C0ABC-123", "12345", "123456789012345678901234", "0112"} {
		c, err := Parse(in)
		if err != nil || c.Symbology != Other || c.GTIN != "" {
			t.Errorf("Parse(%q) = %+v, %v; want an Other code", in, c, err)
		}
	}
	if c, _ := Parse("]C0ABC-123"); c.Data != "ABC-123" {
		t.Errorf("Data %q: the symbology identifier stays out", c.Data)
	}
}

func TestGS1(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in   string
		gtin       string
		grams      int64
		hasWeight  bool
		price      Decimal
		hasPrice   bool
		currency   string
		batch, exp string
		ais        []string
	}{
		{name: "GS1-128 weight", in: "]C10104006381333931\x1d3103001250", gtin: "04006381333931", grams: 1250, hasWeight: true, ais: []string{"01", "3103"}},
		{name: "no GS after fixed", in: "]C101040063813339313102000125", gtin: "04006381333931", grams: 1250, hasWeight: true, ais: []string{"01", "3102"}},
		{name: "DataBar weight and price", in: "]e001040063813339313103000750\x1d39220349", gtin: "04006381333931", grams: 750, hasWeight: true, price: Decimal{349, 2}, hasPrice: true, ais: []string{"01", "3103", "3922"}},
		{name: "batch then expiry", in: "]C10104006381333931" + "10ABC123\x1d17261231", gtin: "04006381333931", batch: "ABC123", exp: "261231", ais: []string{"01", "10", "17"}},
		{name: "expiry then batch last", in: "]d2010400638133393117261231" + "10LOT-7", gtin: "04006381333931", batch: "LOT-7", exp: "261231", ais: []string{"01", "17", "10"}},
		{name: "leading FNC1", in: "]C1\x1d0104006381333931", gtin: "04006381333931", ais: []string{"01"}},
		{name: "bracketed", in: "(01)04006381333931(3101)012505(10)A1", gtin: "04006381333931", grams: 1250500, hasWeight: true, batch: "A1", ais: []string{"01", "3101", "10"}},
		{name: "5 decimals rounds", in: "(01)04006381333931(3105)001235", gtin: "04006381333931", grams: 12, hasWeight: true, ais: []string{"01", "3105"}},
		{name: "price with currency", in: "]C1010400638133393139329781299", gtin: "04006381333931", price: Decimal{1299, 2}, hasPrice: true, currency: "978", ais: []string{"01", "3932"}},
		{name: "no AIM identifier, digits only", in: "01040063813339313103001250", gtin: "04006381333931", grams: 1250, hasWeight: true, ais: []string{"01", "3103"}},
		{name: "QR internal AI", in: "]Q30104006381333931\x1d91XYZ", gtin: "04006381333931", ais: []string{"01", "91"}},
		{name: "GS1 SSCC only", in: "]C100340123450000000005", ais: []string{"00"}},
	} {
		c, err := Parse(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var ais []string
		for _, e := range c.Elements {
			ais = append(ais, e.AI)
		}
		if c.Symbology != GS1 || c.GTIN != tt.gtin || c.WeightGrams != tt.grams || c.HasWeight != tt.hasWeight ||
			c.Price != tt.price || c.HasPrice != tt.hasPrice || c.PriceCurrency != tt.currency ||
			c.Batch != tt.batch || c.Expiry != tt.exp || !reflect.DeepEqual(ais, tt.ais) {
			t.Errorf("%s: got %+v", tt.name, c)
		}
	}
}

func TestVariableMeasureDefaultRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, item, base string
		grams          int64
		price          Decimal
		zero           bool
	}{
		{in: "2212345012992", item: "1234", base: "2212340000000", price: Decimal{1299, 2}}, // DE: 12.99
		{in: "2908157012502", item: "0815", base: "2908150000001", grams: 1250},             // DE: 1.250 kg
		{in: "2112345003498", item: "12345", base: "2112345000008", price: Decimal{349, 2}}, // 3.49, no price check
		{in: "212345602997", item: "12345", base: "0212345000007", price: Decimal{299, 2}},  // US UPC-A 2: 2.99
		{in: "2908150000001", item: "0815", base: "2908150000001", grams: 0, zero: true},    // the base code itself
		{in: "2000000000008", item: "00000", base: "2000000000008", price: Decimal{0, 2}, zero: true},
	} {
		c, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.in, err)
			continue
		}
		v := c.Variable
		if v == nil || c.GTIN != "" || v.ItemNumber != tt.item || v.BaseCode != tt.base || v.Zero != tt.zero ||
			c.WeightGrams != tt.grams || c.Price != tt.price || c.HasWeight == c.HasPrice {
			t.Errorf("Parse(%s) = %+v %+v", tt.in, c, v)
		}
	}
	// Prefixes 25 and 26 have no rule: a plain GTIN.
	if c, err := Parse("2512345000006"); err != nil || c.Variable != nil || c.GTIN != "02512345000006" {
		t.Errorf("prefix 25: %+v %v", c, err)
	}
	// UPC-A number system 0 is not variable measure.
	if c, err := Parse("012345000010"); err != nil || c.Variable != nil {
		t.Errorf("UPC-A 0: %+v %v", c, err)
	}
	if err := DefaultVariableRules().Validate(); err != nil {
		t.Fatal(err)
	}
}

// Layouts of other countries and stores, as a shop would configure them.
func TestVariableMeasureConfiguredLayouts(t *testing.T) {
	t.Parallel()
	uk := VariableRule{Prefix: "20", ItemDigits: 5, Measure: MeasurePrice, ValueDigits: 4, Decimals: 2, PriceCheck: true}
	seWeight := VariableRule{Prefix: "23", ItemDigits: 6, Measure: MeasureWeight, ValueDigits: 4, Decimals: 3}
	sePrice := VariableRule{Prefix: "20", ItemDigits: 6, Measure: MeasurePrice, ValueDigits: 4, Decimals: 2}
	dk := VariableRule{Prefix: "27", ItemDigits: 5, Measure: MeasureWeight, ValueDigits: 5, Decimals: 3}
	for _, tt := range []struct {
		name  string
		rules VariableRules
		in    string
		item  string
		grams int64
		price Decimal
	}{
		{"GB 20 IIIII V PPPP C", VariableRules{uk}, "2012345904507", "12345", 0, Decimal{450, 2}},
		{"SE 23 IIIIII WWWW C", VariableRules{seWeight, sePrice}, "2312345607508", "123456", 750, Decimal{}},
		{"SE 20 IIIIII PPPP C", VariableRules{seWeight, sePrice}, "2012345619951", "123456", 0, Decimal{1995, 2}},
		{"DK 27 IIIII WWWWW C", VariableRules{dk}, "2712345023450", "12345", 2345, Decimal{}},
		{"one-digit prefix 2", VariableRules{{Prefix: "2", ItemDigits: 6, Measure: MeasurePrice, ValueDigits: 5, Decimals: 2}}, "2712345023450", "712345", 0, Decimal{2345, 2}},
	} {
		if err := tt.rules.Validate(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		c, err := Parser{Rules: tt.rules}.Parse(tt.in)
		if err != nil || c.Variable == nil || c.Variable.ItemNumber != tt.item || c.WeightGrams != tt.grams || c.Price != tt.price {
			t.Errorf("%s: %+v %v", tt.name, c, err)
		}
	}
	// Without rules a 2-prefix EAN-13 is an ordinary GTIN.
	if c, err := (Parser{}).Parse("2012345904507"); err != nil || c.Variable != nil || c.GTIN != "02012345904507" {
		t.Errorf("no rules: %+v %v", c, err)
	}
	// The longest prefix wins.
	rs := VariableRules{{Prefix: "2", ItemDigits: 6, Measure: MeasurePrice, ValueDigits: 5, Decimals: 2}, dk}
	if c, _ := (Parser{Rules: rs}).Parse("2712345023450"); c.Variable == nil || c.Variable.Rule.Prefix != "27" {
		t.Errorf("longest prefix: %+v", c.Variable)
	}
}

func TestVariableRulesValidate(t *testing.T) {
	t.Parallel()
	ok := VariableRule{Prefix: "21", ItemDigits: 5, Measure: MeasurePrice, ValueDigits: 5, Decimals: 2}
	for _, tt := range []struct {
		name string
		edit func(*VariableRule)
		want string
	}{
		{"prefix", func(r *VariableRule) { r.Prefix = "41" }, "start with 2"},
		{"digits", func(r *VariableRule) { r.Prefix = "2a" }, "digits"},
		{"length", func(r *VariableRule) { r.ItemDigits = 4 }, "make 11 digits"},
		{"measure", func(r *VariableRule) { r.Measure = "count" }, "measure"},
		{"check", func(r *VariableRule) { r.ItemDigits, r.ValueDigits, r.PriceCheck = 3, 6, true }, "4- or 5-digit"},
		{"decimals", func(r *VariableRule) { r.Decimals = -1 }, "decimals"},
	} {
		r := ok
		tt.edit(&r)
		if err := (VariableRules{r}).Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := (VariableRules{ok, ok}).Validate(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate: %v", err)
	}
}

func TestPriceCheckDigit(t *testing.T) {
	t.Parallel()
	// The worked examples of GS1 General Specifications 7.9.3/7.9.4.
	for _, tt := range []struct {
		v    string
		want byte
	}{{"2875", '9'}, {"14685", '6'}, {"0000", '0'}, {"00000", '0'}, {"01299", '5'}, {"0299", '6'}} {
		if got, err := PriceCheckDigit(tt.v); err != nil || got != tt.want {
			t.Errorf("PriceCheckDigit(%s) = %c, %v; want %c", tt.v, got, err, tt.want)
		}
	}
	for _, bad := range []string{"123", "123456", "12a4"} {
		if _, err := PriceCheckDigit(bad); err == nil {
			t.Errorf("PriceCheckDigit(%s): want an error", bad)
		}
	}
}

func TestDecimalScaled(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d      Decimal
		digits int
		want   int64
		str    string
	}{
		{Decimal{1299, 2}, 2, 1299, "12.99"},
		{Decimal{1299, 2}, 0, 13, "12.99"},
		{Decimal{5, 1}, 2, 50, "0.5"},
		{Decimal{12345, 4}, 3, 1235, "1.2345"}, // half rounds away from zero
		{Decimal{7, 0}, 3, 7000, "7"},
	} {
		got, err := tt.d.Scaled(tt.digits)
		if err != nil || got != tt.want || tt.d.String() != tt.str {
			t.Errorf("%+v.Scaled(%d) = %d, %v (%s)", tt.d, tt.digits, got, err, tt.d.String())
		}
	}
	if _, err := (Decimal{maxValue, 0}).Scaled(3); !errors.Is(err, ErrOutOfBounds) {
		t.Errorf("overflow: %v", err)
	}
}

// FuzzParse: any input parses or fails cleanly, and what parses is coherent.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"4006381333931", "036000291452", "04252614", "96385074", "2212345012992",
		"2908157012502", "]C10104006381333931\x1d3103001250", "(01)04006381333931(3103)001250",
		"]e001040063813339313103000750\x1d39220349", "]C1010400638133393139329781299", "R01-000123", "",
		"]Q1https://id.gs1.org/01/09520123456788/10/ABC1?17=261231&3103=000195", "]C1010400638133393117280229"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		if c.GTIN != "" && (len(c.GTIN) != 14 || !ValidCheckDigit(c.GTIN)) {
			t.Fatalf("bad GTIN %q from %q", c.GTIN, s)
		}
		if c.Variable != nil {
			if len(c.Variable.BaseCode) != 13 || !ValidCheckDigit(c.Variable.BaseCode) || c.HasPrice == c.HasWeight {
				t.Fatalf("bad variable code %+v from %q", c.Variable, s)
			}
		}
		if c.WeightGrams < 0 || c.Price.Value < 0 {
			t.Fatalf("negative measure from %q", s)
		}
		if _, err := c.Price.Scaled(3); c.HasPrice && err != nil {
			t.Fatalf("price %v from %q does not scale: %v", c.Price, s, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"EAN13", "4006381333931"},
		{"UPCE", "04252614"},
		{"VariableWeight", "2908157012502"},
		{"GS1-128", "]C10104006381333931\x1d3103001250"},
		{"DigitalLink", "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=261231&3103=000195"},
		{"Other", "R01-000123"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bb.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
