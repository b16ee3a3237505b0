package hqstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const sqliteAccountColumns = `SELECT name, role, stores, password_hash, totp_secret, totp_last_step, disabled, created_at_ms FROM backoffice_accounts`

// AddAccount implements headoffice.Accounts.
func (s *SQLite) AddAccount(ctx context.Context, a Account) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO backoffice_accounts (name, role, stores, password_hash, totp_secret, disabled, created_at_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Name, string(a.Role), storesJSON(a.Stores), a.PasswordHash, a.TOTPSecret, a.Disabled, a.CreatedAt.UnixMilli())
	if isUnique(err) {
		return fmt.Errorf("hqstore: account %s: %w", a.Name, ErrExists)
	} else if err != nil {
		return fmt.Errorf("hqstore: add account %s: %w", a.Name, err)
	}
	return nil
}

// Account implements headoffice.Accounts.
func (s *SQLite) Account(ctx context.Context, name string) (Account, error) {
	a, err := scanBOAccount(s.r.QueryRowContext(ctx, sqliteAccountColumns+` WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("hqstore: account %q: %w", name, ErrNotFound)
	} else if err != nil {
		return Account{}, fmt.Errorf("hqstore: account %q: %w", name, err)
	}
	return a, nil
}

// AccountList implements headoffice.Accounts.
func (s *SQLite) AccountList(ctx context.Context) ([]Account, error) {
	rows, err := s.r.QueryContext(ctx, sqliteAccountColumns+` ORDER BY name`)
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

func (s *SQLite) execOne(ctx context.Context, what, q string, args ...any) error {
	res, err := s.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("hqstore: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("hqstore: %s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("hqstore: %s: %w", what, ErrNotFound)
	}
	return nil
}

// SetTOTPSecret implements headoffice.Accounts.
func (s *SQLite) SetTOTPSecret(ctx context.Context, name, secret string) error {
	return s.execOne(ctx, "set TOTP of "+name, `UPDATE backoffice_accounts SET totp_secret = ?, totp_last_step = 0 WHERE name = ?`, secret, name)
}

// UseTOTPStep implements headoffice.Accounts.
func (s *SQLite) UseTOTPStep(ctx context.Context, name string, step int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE backoffice_accounts SET totp_last_step = ? WHERE name = ? AND totp_last_step < ?`, step, name, step)
	if err != nil {
		return false, fmt.Errorf("hqstore: TOTP step of %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CreateSession implements headoffice.Accounts.
func (s *SQLite) CreateSession(ctx context.Context, se Session) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO backoffice_sessions (token_hash, account_name, created_at_ms, last_seen_ms) VALUES (?, ?, ?, ?)`,
		se.TokenHash, se.AccountName, se.CreatedAt.UnixMilli(), se.LastSeen.UnixMilli())
	if err != nil {
		return fmt.Errorf("hqstore: create session: %w", err)
	}
	return nil
}

// Session implements headoffice.Accounts.
func (s *SQLite) Session(ctx context.Context, tokenHash string) (Session, error) {
	se, err := scanSession(s.r.QueryRowContext(ctx, `SELECT token_hash, account_name, created_at_ms, last_seen_ms FROM backoffice_sessions WHERE token_hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("hqstore: session: %w", ErrNotFound)
	} else if err != nil {
		return Session{}, fmt.Errorf("hqstore: session: %w", err)
	}
	return se, nil
}

// TouchSession implements headoffice.Accounts.
func (s *SQLite) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	return s.execOne(ctx, "touch session", `UPDATE backoffice_sessions SET last_seen_ms = ? WHERE token_hash = ?`, at.UnixMilli(), tokenHash)
}

// DeleteSession implements headoffice.Accounts; deleting a gone session is
// not an error (logging out twice).
func (s *SQLite) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM backoffice_sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("hqstore: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsBefore implements headoffice.Accounts.
func (s *SQLite) DeleteSessionsBefore(ctx context.Context, t time.Time) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM backoffice_sessions WHERE created_at_ms < ?`, t.UnixMilli()); err != nil {
		return fmt.Errorf("hqstore: delete old sessions: %w", err)
	}
	return nil
}

// AppendAudit implements headoffice.Audit.
func (s *SQLite) AppendAudit(ctx context.Context, e AuditEntry) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO audit_log (at_ms, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)`,
		e.At.UnixMilli(), e.Actor, e.Action, e.Target, e.Before, e.After)
	if err != nil {
		return fmt.Errorf("hqstore: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog implements headoffice.Audit.
func (s *SQLite) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	where, args, limit := auditConditions(f)
	q := `SELECT id, at_ms, actor, action, target, before, after FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ?`
	rows, err := s.r.QueryContext(ctx, q, append(args, limit)...)
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
