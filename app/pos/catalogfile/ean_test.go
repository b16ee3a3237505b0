package catalogfile

import "testing"

// checkDigit is written out again here, independently of EAN13CheckDigit:
// from the right, data digits weigh 3, 1, 3, ...; the check digit makes the
// sum a multiple of ten.
func checkDigit(t *testing.T, code string) bool {
	t.Helper()
	if len(code) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(code[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 { // counted from the left, odd positions are 3 from the right
			d *= 3
		}
		sum += d
	}
	return int(code[12]-'0') == (10-sum%10)%10
}

func TestEAN13CheckDigit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		ok   bool
	}{
		{"4006381333931", true}, // printed on a real Stabilo pen
		{"5901234123457", true}, // the GS1 example
		{"4000000000006", true},
		{"0000000000000", true},
		{"4006381333932", false},
		{"400638133393", false},
		{"40063813339310", false},
		{"400638133393X", false},
		{"A006381333931", false},
	}
	for _, tt := range tests {
		if got := validEAN13(tt.code); got != tt.ok {
			t.Errorf("validEAN13(%s) = %v, want %v", tt.code, got, tt.ok)
		}
		if len(tt.code) == 13 && allDigits(tt.code) {
			if got := checkDigit(t, tt.code); got != tt.ok {
				t.Errorf("independent check of %s = %v, want %v", tt.code, got, tt.ok)
			}
		}
	}
}
