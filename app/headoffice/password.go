package headoffice

import (
	"fmt"

	"github.com/tillpos/till/app/pinhash"
)

// Back-office passwords are hashed as PINs are (app/pinhash: argon2id at the
// register's PIN cost, 64 MiB, 3 passes, 2 lanes), which login rate limiting
// keeps affordable; the same parser refuses tampered or too costly rows.
const (
	// MinPasswordLen is the shortest password an account may have.
	MinPasswordLen = 10
	// maxPasswordLen bounds what is hashed (argon2 reads all of it).
	maxPasswordLen = 256
)

// HashPassword hashes a new password with a fresh salt.
func HashPassword(password string) (string, error) {
	if err := checkPassword(password); err != nil {
		return "", err
	}
	return pinhash.EncodeSecret(password), nil
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
	params, salt, hash, err := pinhash.Decode(encoded)
	return err == nil && pinhash.Match(params, salt, hash, password)
}
