package hqstore

import (
	"context"
	"errors"
	"time"
)

// Registry is the head office's list of stores and enrolled registers: who
// may sync, with which token and which signing key. Store embeds it.
type Registry interface {
	// AddStore creates a store; ErrExists if its id is taken.
	AddStore(ctx context.Context, s StoreInfo) error
	// Stores lists every store by id.
	Stores(ctx context.Context) ([]StoreInfo, error)

	// AddRegister creates a register of an existing store (ErrNotFound
	// otherwise; ErrExists if the id is taken) with a pending enrollment
	// code, of which only the hash is kept.
	AddRegister(ctx context.Context, r RegisterAccount, code PendingCode) error
	// Enroll consumes the code whose hash is codeHash, if it is pending and
	// not expired at now, and records the register's public key and token
	// hash. ErrCodeInvalid for an unknown or used code, ErrCodeExpired for
	// an expired one. One code enrolls one register once, even when two
	// requests race.
	Enroll(ctx context.Context, codeHash string, publicKey []byte, tokenHash string, now time.Time) (RegisterAccount, error)
	// RegisterAccount returns one register, enrolled or pending; ErrNotFound.
	RegisterAccount(ctx context.Context, registerID string) (RegisterAccount, error)
	// RegisterAccounts lists every register by id.
	RegisterAccounts(ctx context.Context) ([]RegisterAccount, error)
}

// Registry errors; compare with errors.Is.
var (
	ErrNotFound    = errors.New("hqstore: not found")
	ErrExists      = errors.New("hqstore: already exists")
	ErrCodeInvalid = errors.New("hqstore: enrollment code unknown or already used")
	ErrCodeExpired = errors.New("hqstore: enrollment code expired")
)

// StoreInfo is a shop of the chain.
type StoreInfo struct {
	ID   string
	Name string
}

// PendingCode is a one-time enrollment code as the head office keeps it.
type PendingCode struct {
	Hash      string    // hex SHA-256 of the code
	Hint      string    // its first characters, for the status page
	ExpiresAt time.Time // after this, Enroll refuses it
}

// RegisterAccount is a register as the head office knows it.
type RegisterAccount struct {
	ID      string
	StoreID string
	Name    string

	Code PendingCode // zero once enrolled

	EnrolledAt time.Time // zero while pending
	PublicKey  []byte    // Ed25519, 32 bytes; nil while pending
	TokenHash  string    // hex SHA-256 of the bearer token; "" while pending
}

// Enrolled reports whether the register has completed enrollment.
func (r RegisterAccount) Enrolled() bool { return !r.EnrolledAt.IsZero() }
