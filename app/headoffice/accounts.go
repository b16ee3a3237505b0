package headoffice

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/tillpos/till/app/pinhash"
)

// Role is what a back-office account may do.
type Role string

const (
	// RoleOwner may do everything, in every store.
	RoleOwner Role = "owner"
	// RoleManager runs the stores listed on the account.
	RoleManager Role = "manager"
	// RoleAccountant reads reports and exports; changes nothing.
	RoleAccountant Role = "accountant"
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{RoleOwner, RoleManager, RoleAccountant}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// CanChange reports whether the role may change anything.
func (r Role) CanChange() bool { return r == RoleOwner || r == RoleManager }

// Account is a person who logs in to the back office.
type Account struct {
	Name         string   // login name, lower case
	Role         Role     //
	Stores       []string // the stores a manager runs; empty for owner and accountant
	PasswordHash string   // argon2id, see HashPassword
	TOTPSecret   string   // base32; "" when the second factor is off
	TOTPLastStep int64    // the last TOTP step accepted; a code is good once
	Disabled     bool
	CreatedAt    time.Time
}

// MayManageStore reports whether a may change things of store id.
func (a Account) MayManageStore(id string) bool {
	return a.Role == RoleOwner || (a.Role == RoleManager && slices.Contains(a.Stores, id))
}

// Session is a login as the head office keeps it: only the hash of the
// cookie's token.
type Session struct {
	TokenHash   string // hex SHA-256 of the token
	AccountName string
	CreatedAt   time.Time
	LastSeen    time.Time
}

// Accounts keeps back-office accounts and sessions (store/hqstore).
type Accounts interface {
	// AddAccount creates an account; ErrExists if the name is taken.
	AddAccount(ctx context.Context, a Account) error
	// Account returns one account by name; ErrNotFound.
	Account(ctx context.Context, name string) (Account, error)
	// AccountList lists every account by name.
	AccountList(ctx context.Context) ([]Account, error)
	// SetTOTPSecret turns the second factor on ("" turns it off).
	SetTOTPSecret(ctx context.Context, name, secret string) error
	// UseTOTPStep records step as the account's last accepted TOTP step if
	// it is later than the one recorded, and reports whether it was: two
	// logins with one code, even racing, succeed once.
	UseTOTPStep(ctx context.Context, name string, step int64) (bool, error)

	CreateSession(ctx context.Context, s Session) error
	// Session returns the session of tokenHash; ErrNotFound.
	Session(ctx context.Context, tokenHash string) (Session, error)
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteSessionsBefore removes sessions last seen before t (expired).
	DeleteSessionsBefore(ctx context.Context, t time.Time) error
}

// Session lifetimes: an idle session ends after SessionIdle, any session
// after SessionMaxAge.
const (
	SessionIdle   = 30 * time.Minute
	SessionMaxAge = 12 * time.Hour
	// touchEvery limits LastSeen writes to one per minute per session.
	touchEvery = time.Minute
)

// Errors of the account use cases; compare with errors.Is.
var (
	ErrInvalidInput = errors.New("invalid input")
	// ErrLoginFailed covers an unknown name, a wrong password, a disabled
	// account and a wrong or reused TOTP code alike, so a login page leaks
	// nothing about which.
	ErrLoginFailed = errors.New("the name, password or code is wrong")
	// ErrSessionEnded: no such session, or it expired.
	ErrSessionEnded = errors.New("the session has ended; log in again")
	errNoAccounts   = errors.New("headoffice: back-office accounts are not wired")
)

var accountName = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{0,63}$`)

// NewAccount is what AddAccount needs to create an account.
type NewAccount struct {
	Name     string
	Role     Role
	Stores   []string
	Password string
	TOTP     bool // turn on the second factor (owners); the secret is returned
}

// AddAccount creates a back-office account and returns its TOTP secret
// when one was asked for.
func (h *HeadOffice) AddAccount(ctx context.Context, n NewAccount) (totpSecret string, err error) {
	if h.d.Accounts == nil {
		return "", errNoAccounts
	}
	if !accountName.MatchString(n.Name) {
		return "", fmt.Errorf("%w: a login name is 1 to 64 lower-case letters, digits and . _ @ -", ErrInvalidInput)
	}
	if !n.Role.Valid() {
		return "", fmt.Errorf("%w: the role is one of owner, manager, accountant", ErrInvalidInput)
	}
	if n.Role == RoleManager && len(n.Stores) == 0 {
		return "", fmt.Errorf("%w: a store manager needs at least one store", ErrInvalidInput)
	}
	if n.Role != RoleManager && len(n.Stores) > 0 {
		return "", fmt.Errorf("%w: only store managers are limited to stores", ErrInvalidInput)
	}
	if n.Role == RoleManager {
		stores, err := h.d.Registry.Stores(ctx)
		if err != nil {
			return "", err
		}
		for _, id := range n.Stores {
			if !slices.ContainsFunc(stores, func(s StoreInfo) bool { return s.ID == id }) {
				return "", fmt.Errorf("%w: there is no store %q", ErrInvalidInput, id)
			}
		}
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return "", err
	}
	a := Account{Name: n.Name, Role: n.Role, Stores: n.Stores, PasswordHash: hash, CreatedAt: h.d.Now().UTC()}
	if n.TOTP {
		a.TOTPSecret = NewTOTPSecret()
	}
	if err := h.d.Accounts.AddAccount(ctx, a); err != nil {
		return "", err
	}
	after := struct {
		Name   string   `json:"name"`
		Role   Role     `json:"role"`
		Stores []string `json:"stores,omitempty"`
		TOTP   bool     `json:"totp"`
	}{a.Name, a.Role, a.Stores, n.TOTP}
	return a.TOTPSecret, h.audit(ctx, "account.add", a.Name, nil, after)
}

// Accounts lists the back-office accounts.
func (h *HeadOffice) Accounts(ctx context.Context) ([]Account, error) {
	if h.d.Accounts == nil {
		return nil, errNoAccounts
	}
	return h.d.Accounts.AccountList(ctx)
}

// LoginResult is a successful login: the cookie's token (shown to nobody
// else, only its hash is stored) and the account.
type LoginResult struct {
	Token   string
	Account Account
}

// Login checks name, password and, for accounts that have it, the TOTP
// code, and opens a session. Every failure is ErrLoginFailed.
func (h *HeadOffice) Login(ctx context.Context, name, password, code string) (LoginResult, error) {
	if h.d.Accounts == nil {
		return LoginResult{}, errNoAccounts
	}
	a, err := h.d.Accounts.Account(ctx, name)
	if errors.Is(err, ErrNotFound) {
		// Hash anyway: an unknown name takes as long as a wrong password.
		verifyPassword(dummyPasswordHash, password)
		return LoginResult{}, ErrLoginFailed
	} else if err != nil {
		return LoginResult{}, err
	}
	if !verifyPassword(a.PasswordHash, password) || a.Disabled {
		return LoginResult{}, ErrLoginFailed
	}
	now := h.d.Now()
	if a.TOTPSecret != "" {
		step, ok := checkTOTP(a.TOTPSecret, code, now)
		if !ok {
			return LoginResult{}, ErrLoginFailed
		}
		fresh, err := h.d.Accounts.UseTOTPStep(ctx, a.Name, int64(step))
		if err != nil {
			return LoginResult{}, err
		} else if !fresh {
			return LoginResult{}, ErrLoginFailed
		}
	}
	// Now and then, forget sessions nobody can use any more.
	if err := h.d.Accounts.DeleteSessionsBefore(ctx, now.Add(-SessionMaxAge)); err != nil {
		return LoginResult{}, err
	}
	tok := make([]byte, 32)
	rand.Read(tok)
	token := base64.RawURLEncoding.EncodeToString(tok)
	s := Session{TokenHash: SessionTokenHash(token), AccountName: a.Name, CreatedAt: now.UTC(), LastSeen: now.UTC()}
	if err := h.d.Accounts.CreateSession(ctx, s); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, Account: a}, nil
}

// dummyPasswordHash is verified against for unknown names.
var dummyPasswordHash = pinhash.EncodeSecret("not the password of anyone")

// SessionTokenHash is what is stored of a session token.
func SessionTokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// Authenticate returns the account of a live session token and keeps the
// session alive; ErrSessionEnded when it is unknown, idle for SessionIdle,
// older than SessionMaxAge or its account is disabled.
func (h *HeadOffice) Authenticate(ctx context.Context, token string) (Account, error) {
	if h.d.Accounts == nil || token == "" {
		return Account{}, ErrSessionEnded
	}
	th := SessionTokenHash(token)
	s, err := h.d.Accounts.Session(ctx, th)
	if errors.Is(err, ErrNotFound) {
		return Account{}, ErrSessionEnded
	} else if err != nil {
		return Account{}, err
	}
	now := h.d.Now()
	if now.Sub(s.LastSeen) >= SessionIdle || now.Sub(s.CreatedAt) >= SessionMaxAge {
		if err := h.d.Accounts.DeleteSession(ctx, th); err != nil {
			return Account{}, err
		}
		return Account{}, ErrSessionEnded
	}
	a, err := h.d.Accounts.Account(ctx, s.AccountName)
	if errors.Is(err, ErrNotFound) || (err == nil && a.Disabled) {
		return Account{}, ErrSessionEnded
	} else if err != nil {
		return Account{}, err
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		if err := h.d.Accounts.TouchSession(ctx, th, now.UTC()); err != nil {
			return Account{}, err
		}
	}
	return a, nil
}

// Logout ends the session of token.
func (h *HeadOffice) Logout(ctx context.Context, token string) error {
	if h.d.Accounts == nil || token == "" {
		return nil
	}
	return h.d.Accounts.DeleteSession(ctx, SessionTokenHash(token))
}
