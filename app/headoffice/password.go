package headoffice

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// passwordParams are argon2id's costs for back-office passwords: the
// register's PIN cost (64 MiB, 3 passes, 2 lanes; 60-90 ms on the 2-core
// target), which login rate limiting keeps affordable. The encoding is the
// PIN hash's, "argon2id$v=19$m=65536,t=3,p=2$SALT$HASH"; when app/pinhash
// lands both should read and check parameters through it.
type passwordParams struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

var defaultPasswordParams = passwordParams{Time: 3, Memory: 64 * 1024, Threads: 2}

// Ceilings of readable parameters: a tampered row must not take the head
// office's memory or seconds per login.
const (
	maxPasswordMemory = 256 * 1024 // KiB
	maxPasswordTime   = 15
	// MinPasswordLen is the shortest password an account may have.
	MinPasswordLen = 10
	// maxPasswordLen bounds what is hashed (argon2 reads all of it).
	maxPasswordLen = 256
)

func (p passwordParams) String() string {
	return fmt.Sprintf("argon2id$v=%d$m=%d,t=%d,p=%d", argon2.Version, p.Memory, p.Time, p.Threads)
}

func parsePasswordParams(s string) (passwordParams, error) {
	var p passwordParams
	var v int
	var threads uint32
	if _, err := fmt.Sscanf(s, "argon2id$v=%d$m=%d,t=%d,p=%d", &v, &p.Memory, &p.Time, &threads); err != nil || v != argon2.Version {
		return passwordParams{}, fmt.Errorf("headoffice: unknown password hash parameters %q", s)
	}
	if p.Time < 1 || p.Time > maxPasswordTime || threads < 1 || threads > 255 || p.Memory < 8*threads || p.Memory > maxPasswordMemory {
		return passwordParams{}, fmt.Errorf("headoffice: password hash parameters %q out of range", s)
	}
	p.Threads = uint8(threads)
	if p.String() != s {
		return passwordParams{}, fmt.Errorf("headoffice: unknown password hash parameters %q", s)
	}
	return p, nil
}

// HashPassword hashes a new password with a fresh salt.
func HashPassword(password string) (string, error) {
	if err := checkPassword(password); err != nil {
		return "", err
	}
	return hashPassword(defaultPasswordParams, password), nil
}

func hashPassword(p passwordParams, password string) string {
	salt := make([]byte, 16)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24+)
	h := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	enc := base64.RawStdEncoding
	return p.String() + "$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(h)
}

func checkPassword(password string) error {
	if len(password) < MinPasswordLen || len(password) > maxPasswordLen {
		return fmt.Errorf("%w: a password is %d to %d characters", ErrInvalidInput, MinPasswordLen, maxPasswordLen)
	}
	return nil
}

// verifyPassword reports whether password matches encoded; a malformed or
// out-of-range hash never matches.
func verifyPassword(encoded, password string) bool {
	if len(password) > maxPasswordLen {
		return false
	}
	i := strings.LastIndexByte(encoded, '$')
	if i < 0 {
		return false
	}
	j := strings.LastIndexByte(encoded[:i], '$')
	if j < 0 {
		return false
	}
	p, err := parsePasswordParams(encoded[:j])
	if err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(encoded[j+1 : i])
	if err != nil || len(salt) < 8 {
		return false
	}
	want, err := enc.DecodeString(encoded[i+1:])
	if err != nil || len(want) != 32 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return subtle.ConstantTimeCompare(got, want) == 1
}
