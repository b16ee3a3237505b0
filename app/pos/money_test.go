package pos

import "testing"

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount int64
		cur    string
		locale string
		want   string
	}{
		{123456, "EUR", "en", "€1,234.56"},
		{123456, "EUR", "de", "1.234,56 €"},
		{-5, "EUR", "en", "-€0.05"},
		{-5, "EUR", "de", "-0,05 €"},
		{0, "USD", "en", "$0.00"},
		{1500, "JPY", "en", "¥1,500"},
		{100000000, "EUR", "en", "€1,000,000.00"},
	}
	for _, tt := range tests {
		if got := FormatMinor(tt.amount, MustCurrency(tt.cur), tt.locale); got != tt.want {
			t.Errorf("FormatMinor(%d, %s, %s) = %q, want %q", tt.amount, tt.cur, tt.locale, got, tt.want)
		}
	}
	if got := FormatPlain(-1234567, 2); got != "-12345.67" {
		t.Errorf("FormatPlain = %q", got)
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	good := map[string]int64{"12": 1200, "12.5": 1250, "12,50": 1250, ".5": 50, "0.05": 5, " 7 ": 700, "-3.10": -310}
	for in, want := range good {
		if got, err := ParseAmount(in, 2); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1.234", "1.2.3", "1e5", "99999999999999999999", "--1", "."} {
		if _, err := ParseAmount(in, 2); err == nil {
			t.Errorf("ParseAmount(%q) accepted", in)
		}
	}
	if _, err := LookupCurrency("XXX"); err == nil {
		t.Error("unknown currency accepted")
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.50", "-1", ",5", "9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseAmount(s, 2)
		if err == nil && (v > MaxAmount || v < -MaxAmount) {
			t.Fatalf("%q parsed to out-of-range %d", s, v)
		}
		if err == nil {
			if back, err := ParseAmount(FormatPlain(v, 2), 2); err != nil || back != v {
				t.Fatalf("%q: %d does not round-trip: %d %v", s, v, back, err)
			}
		}
	})
}
