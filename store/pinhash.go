package store

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// HashPIN hashes a PIN the way the register stores it (argon2id, fresh salt,
// defaultPINParams) and encodes the result as one string,
// "argon2id$v=19$m=65536,t=3,p=2$SALT$HASH" (salt and hash unpadded base64),
// so that the head office can keep and ship PIN hashes without ever holding
// a PIN. CatalogEmployee.PINHash carries it.
func HashPIN(pin string) (string, error) {
	if !validPIN(pin) {
		return "", pos.Errorf(pos.EInvalid, "A PIN is 4 to 6 digits.")
	}
	hash, salt := hashPIN(defaultPINParams, pin)
	return encodePINHash(defaultPINParams, salt, hash), nil
}

func encodePINHash(p pinParams, salt, hash []byte) string {
	enc := base64.RawStdEncoding
	return p.String() + "$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(hash)
}

// decodePINHash splits an encoded PIN hash into what the employees table
// holds: parameters, salt and hash. Encoded hashes come only from outside
// (catalog file, head office), so they must cost at least defaultPINParams:
// the cheap test cost (UseCheapPINHashes) is never taken from them.
func decodePINHash(s string) (params string, salt, hash []byte, err error) {
	i := strings.LastIndexByte(s, '$')
	if i < 0 {
		return "", nil, nil, fmt.Errorf("store: PIN hash is not params$salt$hash")
	}
	j := strings.LastIndexByte(s[:i], '$')
	if j < 0 {
		return "", nil, nil, fmt.Errorf("store: PIN hash is not params$salt$hash")
	}
	params = s[:j]
	p, err := parsePINParams(params)
	if err != nil {
		return "", nil, nil, err
	}
	if !p.costsAtLeast(defaultPINParams) {
		return "", nil, nil, fmt.Errorf("store: PIN hash parameters %q cost less than %q", params, defaultPINParams)
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(s[j+1 : i]); err != nil || len(salt) < 8 {
		return "", nil, nil, fmt.Errorf("store: PIN hash salt is not base64 of at least 8 bytes")
	}
	if hash, err = enc.DecodeString(s[i+1:]); err != nil || len(hash) != 32 {
		return "", nil, nil, fmt.Errorf("store: PIN hash is not base64 of 32 bytes")
	}
	return params, salt, hash, nil
}

// ValidPINHash reports whether s is a PIN hash HashPIN could have made.
func ValidPINHash(s string) bool {
	_, _, _, err := decodePINHash(s)
	return err == nil
}
