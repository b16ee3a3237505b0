package pos

import (
	"strings"
	"testing"
)

func TestLuhnAndMaskPANs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, masked string
		pans       int
	}{
		{"4111111111111111", "************1111", 1},
		{"PAN 4111 1111 1111 1111 ok", "PAN **** **** **** 1111 ok", 1},
		{"5555-5555-5555-4444", "****-****-****-4444", 1},
		{"4111111111111112", "4111111111111112", 0}, // fails Luhn
		{"Trace 000042 Beleg 0042", "Trace 000042 Beleg 0042", 0},
		{"411111111111", "411111111111", 0}, // 12 digits: too short
		{"************1111", "************1111", 0},
	} {
		if got := MaskPANs(tt.in); got != tt.masked {
			t.Errorf("MaskPANs(%q) = %q, want %q", tt.in, got, tt.masked)
		}
		if got := len(FindPANs(tt.in)); got != tt.pans {
			t.Errorf("FindPANs(%q) found %d", tt.in, got)
		}
	}
	if MaskPAN("4111111111111111") != "************1111" || MaskPAN("411111******1111") != "411111******1111" || MaskPAN("1234") != "1234" {
		t.Error("MaskPAN")
	}
	// A malformed terminal field (found by FuzzParseBMPs): stars, then a long
	// digit tail that holds a Luhn-valid run. Only the last four may show.
	odd := "302****************939739393939393939783030303030303030"
	if got := MaskPAN(odd); len(FindPANs(got)) != 0 || len(digitsOnly(got)) != 4 || !strings.HasSuffix(got, "3030") {
		t.Errorf("MaskPAN(%q) = %q", odd, got)
	}
	if !Luhn("79927398713") || Luhn("79927398710") || Luhn("") || Luhn("12a") {
		t.Error("Luhn")
	}
}
