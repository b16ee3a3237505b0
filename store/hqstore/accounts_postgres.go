package hqstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const pgAccountColumns = `SELECT name, role, stores, password_hash, totp_secret, totp_last_step, disabled::int, created_at_ms FROM backoffice_accounts`

// AddAccount implements headoffice.Accounts.
func (s *Postgres) AddAccount(ctx context.Context, a Account) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO backoffice_accounts (name, role, stores, password_hash, totp_secret, disabled, created_at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.Name, string(a.Role), storesJSON(a.Stores), a.PasswordHash, a.TOTPSecret, a.Disabled, a.CreatedAt.UnixMilli())
	if isPgUnique(err) {
		return fmt.Errorf("hqstore: account %s: %w", a.Name, ErrExists)
	} else if err != nil {
		return fmt.Errorf("hqstore: add account %s: %w", a.Name, err)
	}
	return nil
}

// Account implements headoffice.Accounts.
func (s *Postgres) Account(ctx context.Context, name string) (Account, error) {
	a, err := scanBOAccount(s.pool.QueryRow(ctx, pgAccountColumns+` WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, fmt.Errorf("hqstore: account %q: %w", name, ErrNotFound)
	} else if err != nil {
		return Account{}, fmt.Errorf("hqstore: account %q: %w", name, err)
	}
	return a, nil
}

// AccountList implements headoffice.Accounts.
func (s *Postgres) AccountList(ctx context.Context) ([]Account, error) {
	rows, err := s.pool.Query(ctx, pgAccountColumns+` ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: accounts: %w", err)
	}
	defer rows.Close()
	out, err := scanAll(rows, scanBOAccount)
	if err != nil {
		return nil, fmt.Errorf("hqstore: accounts: %w", err)
	}
	return out, nil
}

func (s *Postgres) execOne(ctx context.Context, what, q string, args ...any) error {
	tag, err := s.pool.Exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("hqstore: %s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("hqstore: %s: %w", what, ErrNotFound)
	}
	return nil
}

// SetTOTPSecret implements headoffice.Accounts.
func (s *Postgres) SetTOTPSecret(ctx context.Context, name, secret string) error {
	return s.execOne(ctx, "set TOTP of "+name, `UPDATE backoffice_accounts SET totp_secret = $1, totp_last_step = 0 WHERE name = $2`, secret, name)
}

// UseTOTPStep implements headoffice.Accounts.
func (s *Postgres) UseTOTPStep(ctx context.Context, name string, step int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE backoffice_accounts SET totp_last_step = $1 WHERE name = $2 AND totp_last_step < $1`, step, name)
	if err != nil {
		return false, fmt.Errorf("hqstore: TOTP step of %s: %w", name, err)
	}
	return tag.RowsAffected() == 1, nil
}

// CreateSession implements headoffice.Accounts.
func (s *Postgres) CreateSession(ctx context.Context, se Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO backoffice_sessions (token_hash, account_name, created_at_ms, last_seen_ms) VALUES ($1, $2, $3, $4)`,
		se.TokenHash, se.AccountName, se.CreatedAt.UnixMilli(), se.LastSeen.UnixMilli())
	if err != nil {
		return fmt.Errorf("hqstore: create session: %w", err)
	}
	return nil
}

// Session implements headoffice.Accounts.
func (s *Postgres) Session(ctx context.Context, tokenHash string) (Session, error) {
	se, err := scanSession(s.pool.QueryRow(ctx, `SELECT token_hash, account_name, created_at_ms, last_seen_ms FROM backoffice_sessions WHERE token_hash = $1`, tokenHash))
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, fmt.Errorf("hqstore: session: %w", ErrNotFound)
	} else if err != nil {
		return Session{}, fmt.Errorf("hqstore: session: %w", err)
	}
	return se, nil
}

// TouchSession implements headoffice.Accounts.
func (s *Postgres) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	return s.execOne(ctx, "touch session", `UPDATE backoffice_sessions SET last_seen_ms = $1 WHERE token_hash = $2`, at.UnixMilli(), tokenHash)
}

// DeleteSession implements headoffice.Accounts.
func (s *Postgres) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM backoffice_sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("hqstore: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsBefore implements headoffice.Accounts.
func (s *Postgres) DeleteSessionsBefore(ctx context.Context, t time.Time) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM backoffice_sessions WHERE created_at_ms < $1`, t.UnixMilli()); err != nil {
		return fmt.Errorf("hqstore: delete old sessions: %w", err)
	}
	return nil
}

// AppendAudit implements headoffice.Audit.
func (s *Postgres) AppendAudit(ctx context.Context, e AuditEntry) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (at_ms, actor, action, target, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.At.UnixMilli(), e.Actor, e.Action, e.Target, e.Before, e.After)
	if err != nil {
		return fmt.Errorf("hqstore: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog implements headoffice.Audit.
func (s *Postgres) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	where, args, limit := auditConditions(f)
	for i := range where {
		where[i] = strings.Replace(where[i], "?", "$"+strconv.Itoa(i+1), 1)
	}
	q := `SELECT id, at_ms, actor, action, target, before, after FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	q += ` ORDER BY id DESC LIMIT $` + strconv.Itoa(len(args))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: audit log: %w", err)
	}
	defer rows.Close()
	out, err := scanAll(rows, scanAudit)
	if err != nil {
		return nil, fmt.Errorf("hqstore: audit log: %w", err)
	}
	return out, nil
}
