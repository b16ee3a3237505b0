package pinhash

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"
)

// pinHashWith encodes a PIN hash string with these parameters as written,
// without running argon2 (the hash part is only checked for its length).
func pinHashWith(params string) string {
	enc := base64.RawStdEncoding
	return params + "$" + enc.EncodeToString(make([]byte, 16)) + "$" + enc.EncodeToString(make([]byte, 32))
}

// Parameters argon2 panics on (t=0, p=0), that wrap (p=256 would become 0),
// or that would take the register's memory or minutes are unreadable.
func TestPINParamsOutOfRangeAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		params string
		ok     bool
	}{
		{Default.String(), true},
		{Cheap.String(), true},
		{"argon2id$v=19$m=131072,t=4,p=4", true},
		{"argon2id$v=19$m=65536,t=0,p=2", false},
		{"argon2id$v=19$m=65536,t=3,p=0", false},
		{"argon2id$v=19$m=65536,t=3,p=256", false},
		{"argon2id$v=19$m=65536,t=3,p=258", false},
		{"argon2id$v=19$m=65536,t=3,p=-1", false},
		{"argon2id$v=19$m=0,t=3,p=2", false},
		{"argon2id$v=19$m=8,t=1,p=2", false},           // under argon2's 8 KiB per lane
		{"argon2id$v=19$m=4194304,t=3,p=2", false},     // 4 GiB
		{"argon2id$v=19$m=65536,t=1000000,p=2", false}, // minutes per try
		{"argon2id$v=19$m=65536,t=3,p=2,x=1", false},
		{"argon2id$v=18$m=65536,t=3,p=2", false},
	} {
		_, err := ParseParams(tc.params)
		if (err == nil) != tc.ok {
			t.Errorf("ParseParams(%q) = %v, want ok %v", tc.params, err, tc.ok)
		}
	}
}

// A PIN hash from outside (catalog file, head office) is only taken at the
// production cost or higher: the cheap test cost is never reachable from it.
func TestValidNeedsProductionCost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		params string
		ok     bool
	}{
		{Default.String(), true},
		{"argon2id$v=19$m=131072,t=4,p=4", true},
		{"argon2id$v=19$m=8,t=1,p=1", false},
		{Cheap.String(), false},
		{"argon2id$v=19$m=65536,t=2,p=2", false},
		{"argon2id$v=19$m=32768,t=3,p=2", false},
		{"argon2id$v=19$m=65536,t=0,p=2", false},
		{"argon2id$v=19$m=65536,t=3,p=256", false},
	} {
		if got := Valid(pinHashWith(tc.params)); got != tc.ok {
			t.Errorf("Valid(%s) = %v, want %v", tc.params, got, tc.ok)
		}
	}
}

func TestPINHashTakesTensOfMilliseconds(t *testing.T) {
	t.Parallel()
	start := time.Now()
	h1, salt := New(Default, "123456")
	d := time.Since(start)
	if d < 15*time.Millisecond {
		t.Errorf("argon2id took %v: too cheap to slow down guessing", d)
	}
	if !bytes.Equal(Default.Sum("123456", salt), h1) || bytes.Equal(Default.Sum("123457", salt), h1) {
		t.Fatal("hash is not deterministic per salt or ignores the PIN")
	}
	t.Logf("argon2id %s: %v", Default, d)
}

func TestPINHashRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := Encode("12345")
	if err != nil {
		t.Fatal(err)
	}
	if !Valid(h) {
		t.Fatalf("Valid(%q) = false", h)
	}
	for _, bad := range []string{"", "x$y$z", h[:len(h)-4], "argon2id$v=19$m=1,t=1,p=1$!!$!!"} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
	if _, err := Encode("12"); err == nil {
		t.Error("Encode accepted a 2-digit PIN")
	}
}
