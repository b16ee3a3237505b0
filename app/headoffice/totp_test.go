package headoffice

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"
	"testing"
	"time"
)

// RFC 6238 appendix B: the seeds are ASCII "12345678901234567890" repeated
// to the hash's block of 20, 32 and 64 bytes; 8 digits.
func TestTOTPRFC6238Vectors(t *testing.T) {
	t.Parallel()
	seeds := map[string][]byte{
		"SHA1":   []byte("12345678901234567890"),
		"SHA256": []byte(strings.Repeat("1234567890", 3) + "12"),
		"SHA512": []byte(strings.Repeat("1234567890", 6) + "1234"),
	}
	hashes := map[string]func() hash.Hash{"SHA1": sha1.New, "SHA256": sha256.New, "SHA512": sha512.New}
	for _, v := range []struct {
		unix int64
		code string
		alg  string
	}{
		{59, "94287082", "SHA1"}, {59, "46119246", "SHA256"}, {59, "90693936", "SHA512"},
		{1111111109, "07081804", "SHA1"}, {1111111109, "68084774", "SHA256"}, {1111111109, "25091201", "SHA512"},
		{1111111111, "14050471", "SHA1"}, {1111111111, "67062674", "SHA256"}, {1111111111, "99943326", "SHA512"},
		{1234567890, "89005924", "SHA1"}, {1234567890, "91819424", "SHA256"}, {1234567890, "93441116", "SHA512"},
		{2000000000, "69279037", "SHA1"}, {2000000000, "90698825", "SHA256"}, {2000000000, "38618901", "SHA512"},
		{20000000000, "65353130", "SHA1"}, {20000000000, "77737706", "SHA256"}, {20000000000, "47863826", "SHA512"},
	} {
		got := totpCode(hashes[v.alg], seeds[v.alg], totpCounter(time.Unix(v.unix, 0)), 8)
		if got != v.code {
			t.Errorf("%s at %d: %s, want %s", v.alg, v.unix, got, v.code)
		}
	}
}

func TestCheckTOTPAcceptsOneStepOfDriftOnly(t *testing.T) {
	t.Parallel()
	secret := NewTOTPSecret()
	now := time.Unix(1_800_000_000, 0)
	for _, tt := range []struct {
		at time.Time
		ok bool
	}{
		{now, true}, {now.Add(-totpStep), true}, {now.Add(totpStep), true},
		{now.Add(-2 * totpStep), false}, {now.Add(2 * totpStep), false},
	} {
		code, err := TOTPCode(secret, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := checkTOTP(secret, code, now); ok != tt.ok {
			t.Errorf("code of %v checked at %v: %v, want %v", tt.at, now, ok, tt.ok)
		}
	}
	if _, ok := checkTOTP(secret, "12345", now); ok {
		t.Error("a 5-digit code passed")
	}
	if _, ok := checkTOTP("not base32!", "123456", now); ok {
		t.Error("a broken secret passed")
	}
	if u := TOTPURI("olga", "ABC"); u != "otpauth://totp/Till:olga?algorithm=SHA1&digits=6&issuer=Till&period=30&secret=ABC" {
		t.Errorf("URI %s", u)
	}
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %s", h)
	}
	if !verifyPassword(h, "correct horse battery") || verifyPassword(h, "correct horse batterz") {
		t.Error("verify disagrees")
	}
	if h2, _ := HashPassword("correct horse battery"); h2 == h {
		t.Error("two hashes of one password are equal: no fresh salt")
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a 5-character password was taken")
	}
	// Tampered rows never match and never cost more than the ceilings.
	parts := strings.Split(h, "$")
	tail := "$" + parts[3] + "$" + parts[4]
	for _, p := range []string{"argon2id$v=19$m=1048576,t=3,p=2", "argon2id$v=19$m=65536,t=99,p=2", "argon2id$v=19$m=65536,t=3,p=0", "argon2i$v=19$m=65536,t=3,p=2", "garbage"} {
		if verifyPassword(p+tail, "correct horse battery") {
			t.Errorf("verified against parameters %s", p)
		}
	}
}
