package hqstore

import (
	"context"
	"time"

	"github.com/tillpos/till/app/headoffice"
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
	// RevokeRegister marks a register revoked at at and wipes its token
	// hash, public key and any pending code, so it can neither call nor
	// sign again; ErrNotFound.
	RevokeRegister(ctx context.Context, registerID string, at time.Time) error
}

// Registry errors; compare with errors.Is.
var (
	ErrNotFound    = headoffice.ErrNotFound
	ErrExists      = headoffice.ErrExists
	ErrCodeInvalid = headoffice.ErrCodeInvalid
	ErrCodeExpired = headoffice.ErrCodeExpired
)

type (
	StoreInfo       = headoffice.StoreInfo
	PendingCode     = headoffice.PendingCode
	RegisterAccount = headoffice.RegisterAccount
)
