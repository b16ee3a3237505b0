package hqstore

import (
	"encoding/json"
	"time"

	"github.com/tillpos/till/app/headoffice"
)

// Accounts keeps back-office accounts, their sessions and the audit log
// (accounts_sqlite.go, accounts_postgres.go). Store embeds it.
type Accounts interface {
	headoffice.Accounts
	headoffice.Audit
}

type (
	Account     = headoffice.Account
	Session     = headoffice.Session
	AuditEntry  = headoffice.AuditEntry
	AuditFilter = headoffice.AuditFilter
)

func storesJSON(ids []string) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // strings always marshal
	return string(b)
}

func scanBOAccount(row rowScanner) (Account, error) {
	var a Account
	var stores string
	var created int64
	var disabled int
	if err := row.Scan(&a.Name, &a.Role, &stores, &a.PasswordHash, &a.TOTPSecret, &a.TOTPLastStep, &disabled, &created); err != nil {
		return Account{}, err
	}
	if err := json.Unmarshal([]byte(stores), &a.Stores); err != nil {
		return Account{}, err
	}
	if len(a.Stores) == 0 {
		a.Stores = nil
	}
	a.Disabled, a.CreatedAt = disabled != 0, time.UnixMilli(created).UTC()
	return a, nil
}

func scanSession(row rowScanner) (Session, error) {
	var s Session
	var created, seen int64
	err := row.Scan(&s.TokenHash, &s.AccountName, &created, &seen)
	s.CreatedAt, s.LastSeen = time.UnixMilli(created).UTC(), time.UnixMilli(seen).UTC()
	return s, err
}

func scanAudit(row rowScanner) (AuditEntry, error) {
	var e AuditEntry
	var at int64
	err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Before, &e.After)
	e.At = time.UnixMilli(at).UTC()
	return e, err
}

// auditConditions are f's WHERE terms with ? placeholders.
func auditConditions(f AuditFilter) (where []string, args []any, limit int) {
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at_ms >= ?"), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at_ms < ?"), append(args, f.To.UnixMilli())
	}
	limit = f.Limit
	if limit <= 0 {
		limit = headoffice.DefaultAuditLimit
	}
	return where, args, limit
}

// ensure both backends implement the ports.
var (
	_ Accounts = (*SQLite)(nil)
	_ Accounts = (*Postgres)(nil)
)
