package headoffice

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"
)

// TOTP (RFC 6238) with the parameters every authenticator app assumes:
// HMAC-SHA1, 6 digits, 30-second steps.
const (
	totpStep   = 30 * time.Second
	totpDigits = 6
)

// totpCode is RFC 4226's HOTP over counter, truncated to digits.
func totpCode(h func() hash.Hash, key []byte, counter uint64, digits int) string {
	mac := hmac.New(h, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpCounter is the RFC 6238 time step T of t (T0 = 0).
func totpCounter(t time.Time) uint64 { return uint64(t.Unix()) / uint64(totpStep/time.Second) }

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret is a fresh 160-bit secret in base32, as authenticator
// apps take it.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return totpEncoding.EncodeToString(b)
}

// TOTPCode is the code for secret at t (for tests and the setup screen).
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := totpEncoding.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return "", fmt.Errorf("headoffice: TOTP secret is not base32: %w", err)
	}
	return totpCode(sha1.New, key, totpCounter(t), totpDigits), nil
}

// checkTOTP accepts the code of now's step or one step either side (clock
// drift between phone and server) and returns the step it matched.
func checkTOTP(secret, code string, now time.Time) (step uint64, ok bool) {
	key, err := totpEncoding.DecodeString(strings.ToUpper(secret))
	if err != nil || len(code) != totpDigits {
		return 0, false
	}
	c := totpCounter(now)
	for _, s := range []uint64{c - 1, c, c + 1} {
		if subtle.ConstantTimeCompare([]byte(totpCode(sha1.New, key, s, totpDigits)), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPURI is the otpauth:// link an authenticator app reads (as a QR code
// or typed in) for account name.
func TOTPURI(name, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {"Till"}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + url.PathEscape("Till:"+name) + "?" + v.Encode()
}
