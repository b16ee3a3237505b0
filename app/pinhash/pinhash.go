// Package pinhash hashes employee PINs with argon2id, for the register
// (store keeps hash, salt and parameters per employee) and the head office
// (store/hqstore keeps and ships only hashes, encoded by Encode).
//
// It is a package of its own because both sides need the same hashing and
// neither may link the other's database; it is not in app/pos because
// argon2 comes from golang.org/x/crypto and app/pos is standard library only.
// The catalog format (app/pos/catalogfile) takes Valid as a function for
// the same reason.
package pinhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/tillpos/till/app/pos"
)

// Params are argon2id's cost parameters. Default (64 MiB, 3 passes, 2
// lanes) took 60-90 ms on the 2-core target machine: slow enough that the
// 10^4..10^6 PINs of a stolen database cost hours per employee, fast enough
// for a login.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// Default is the cost of every PIN hash a register or head office makes.
var Default = Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// Cheap costs almost nothing, for tests that log in hundreds of times
// (store.DB.UseCheapPINHashes). Decode refuses it: see Decode.
var Cheap = Params{Time: 1, Memory: 64, Threads: 1}

func (p Params) String() string {
	return fmt.Sprintf("argon2id$v=%d$m=%d,t=%d,p=%d", argon2.Version, p.Memory, p.Time, p.Threads)
}

// Ceilings of readable parameters: a hash from a bad catalog must not take
// the register's memory, nor seconds per try (a PIN-only override may try
// every employee). Four times Default's memory, five its passes.
const (
	maxMemory = 256 * 1024 // KiB
	maxTime   = 15
)

// ParseParams reads parameters as Params.String writes them, in the range
// argon2 takes without panicking (at least one pass and lane, 8 KiB a lane)
// and under the ceilings; lanes above 255 must not wrap to 0.
func ParseParams(s string) (Params, error) {
	var p Params
	var v int
	var threads uint32
	if _, err := fmt.Sscanf(s, "argon2id$v=%d$m=%d,t=%d,p=%d", &v, &p.Memory, &p.Time, &threads); err != nil || v != argon2.Version {
		return Params{}, fmt.Errorf("pinhash: unknown PIN hash parameters %q", s)
	}
	if p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 || p.Memory < 8*threads || p.Memory > maxMemory {
		return Params{}, fmt.Errorf("pinhash: PIN hash parameters %q out of range", s)
	}
	p.Threads = uint8(threads)
	if p.String() != s {
		return Params{}, fmt.Errorf("pinhash: unknown PIN hash parameters %q", s)
	}
	return p, nil
}

// CostsAtLeast reports whether guessing PINs against p costs at least what
// it does against min: memory and passes (the lanes only split the work).
func (p Params) CostsAtLeast(min Params) bool {
	return p.Memory >= min.Memory && p.Time >= min.Time
}

// Sum is the 32-byte argon2id hash of pin with salt.
func (p Params) Sum(pin string, salt []byte) []byte {
	return argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, 32)
}

// New returns a fresh 16-byte salt and the hash of pin.
func New(p Params, pin string) (hash, salt []byte) {
	salt = make([]byte, 16)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24+)
	return p.Sum(pin, salt), salt
}

// Match reports whether pin hashes to hash under params and salt as stored.
// Parameters out of range (stored before they were checked) are no match,
// never an argon2 panic in the middle of an override.
func Match(params string, salt, hash []byte, pin string) bool {
	p, err := ParseParams(params)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(p.Sum(pin, salt), hash) == 1
}

// Encode hashes a PIN at Default cost with a fresh salt and encodes the
// result as one string, "argon2id$v=19$m=65536,t=3,p=2$SALT$HASH" (salt and
// hash unpadded base64), so that the head office can keep and ship PIN
// hashes without ever holding a PIN. catalogfile.Employee.PINHash carries it.
func Encode(pin string) (string, error) {
	if !pos.ValidPIN(pin) {
		return "", pos.Errorf(pos.EInvalid, "A PIN is 4 to 6 digits.")
	}
	hash, salt := New(Default, pin)
	return encode(Default, salt, hash), nil
}

// EncodeSecret hashes any secret (the head office's back-office passwords)
// at Default cost with a fresh salt, in Encode's format, so passwords and
// PINs share one parser, one set of cost ceilings and one Match. The caller
// bounds the secret's length.
func EncodeSecret(secret string) string {
	hash, salt := New(Default, secret)
	return encode(Default, salt, hash)
}

func encode(p Params, salt, hash []byte) string {
	enc := base64.RawStdEncoding
	return p.String() + "$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(hash)
}

// Decode splits an encoded PIN hash into what a register stores:
// parameters, salt and hash. Encoded hashes come only from outside (catalog
// file, head office), so they must cost at least Default: Cheap is never
// taken from them.
func Decode(s string) (params string, salt, hash []byte, err error) {
	i := strings.LastIndexByte(s, '$')
	if i < 0 {
		return "", nil, nil, fmt.Errorf("pinhash: PIN hash is not params$salt$hash")
	}
	j := strings.LastIndexByte(s[:i], '$')
	if j < 0 {
		return "", nil, nil, fmt.Errorf("pinhash: PIN hash is not params$salt$hash")
	}
	params = s[:j]
	p, err := ParseParams(params)
	if err != nil {
		return "", nil, nil, err
	}
	if !p.CostsAtLeast(Default) {
		return "", nil, nil, fmt.Errorf("pinhash: PIN hash parameters %q cost less than %q", params, Default)
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(s[j+1 : i]); err != nil || len(salt) < 8 {
		return "", nil, nil, fmt.Errorf("pinhash: PIN hash salt is not base64 of at least 8 bytes")
	}
	if hash, err = enc.DecodeString(s[i+1:]); err != nil || len(hash) != 32 {
		return "", nil, nil, fmt.Errorf("pinhash: PIN hash is not base64 of 32 bytes")
	}
	return params, salt, hash, nil
}

// Valid reports whether s is a PIN hash Encode could have made.
func Valid(s string) bool {
	_, _, _, err := Decode(s)
	return err == nil
}
