package hqstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

func isUnique(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") ||
		strings.Contains(err.Error(), "PRIMARY KEY"))
}

// AddStore implements Registry.
func (s *SQLite) AddStore(ctx context.Context, st StoreInfo) error {
	if st.ID == "" {
		return fmt.Errorf("hqstore: add store: empty id")
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO stores (store_id, name, address, vat_id, currency, tax_mode, time_zone, receipt_header, receipt_footer, cash_rounding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ID, st.Name, st.Address, st.VATID, st.Currency, st.TaxMode, st.TimeZone, st.ReceiptHeader, st.ReceiptFooter, st.CashRounding)
	if isUnique(err) {
		return fmt.Errorf("hqstore: store %s: %w", st.ID, ErrExists)
	} else if err != nil {
		return fmt.Errorf("hqstore: add store %s: %w", st.ID, err)
	}
	return nil
}

// Stores implements Registry.
func (s *SQLite) Stores(ctx context.Context) ([]StoreInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT store_id, name, address, vat_id, currency, tax_mode, time_zone, receipt_header, receipt_footer, cash_rounding FROM stores ORDER BY store_id`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: stores: %w", err)
	}
	defer rows.Close()
	out, err := scanAll(rows, scanStore)
	if err != nil {
		return nil, fmt.Errorf("hqstore: stores: %w", err)
	}
	return out, nil
}

// AddRegister implements Registry.
func (s *SQLite) AddRegister(ctx context.Context, r RegisterAccount, code PendingCode) error {
	if r.ID == "" || code.Hash == "" {
		return fmt.Errorf("hqstore: add register: empty id or code")
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("hqstore: add register: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM stores WHERE store_id = ?`, r.StoreID).Scan(&n); err != nil {
		return fmt.Errorf("hqstore: add register: %w", err)
	} else if n == 0 {
		return fmt.Errorf("hqstore: store %q: %w", r.StoreID, ErrNotFound)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO register_accounts (register_id, store_id, name, code_hash, code_hint, code_expires_ms)
		VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.StoreID, r.Name, code.Hash, code.Hint, code.ExpiresAt.UnixMilli())
	if isUnique(err) {
		return fmt.Errorf("hqstore: register %s: %w", r.ID, ErrExists)
	} else if err != nil {
		return fmt.Errorf("hqstore: add register %s: %w", r.ID, err)
	}
	return tx.Commit()
}

// Enroll implements Registry.
func (s *SQLite) Enroll(ctx context.Context, codeHash string, publicKey []byte, tokenHash string, now time.Time) (RegisterAccount, error) {
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: two enrollments with one code serialise here
	if err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: enroll: %w", err)
	}
	defer tx.Rollback()
	var id string
	var expires int64
	err = tx.QueryRowContext(ctx, `SELECT register_id, code_expires_ms FROM register_accounts WHERE code_hash = ?`, codeHash).
		Scan(&id, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return RegisterAccount{}, ErrCodeInvalid
	} else if err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: enroll: %w", err)
	}
	if !now.Before(time.UnixMilli(expires)) {
		return RegisterAccount{}, ErrCodeExpired
	}
	if _, err := tx.ExecContext(ctx, `UPDATE register_accounts SET code_hash = NULL, code_hint = '', code_expires_ms = 0,
		enrolled_at_ms = ?, public_key = ?, token_hash = ? WHERE register_id = ?`,
		now.UnixMilli(), publicKey, tokenHash, id); err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: enroll %s: %w", id, err)
	}
	r, err := scanAccount(tx.QueryRowContext(ctx, accountQuery+` WHERE register_id = ?`, id))
	if err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: enroll %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: enroll %s: commit: %w", id, err)
	}
	return r, nil
}

// RegisterAccount implements Registry.
func (s *SQLite) RegisterAccount(ctx context.Context, registerID string) (RegisterAccount, error) {
	r, err := scanAccount(s.r.QueryRowContext(ctx, accountQuery+` WHERE register_id = ?`, registerID))
	if errors.Is(err, sql.ErrNoRows) {
		return RegisterAccount{}, fmt.Errorf("hqstore: register %q: %w", registerID, ErrNotFound)
	} else if err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: register %q: %w", registerID, err)
	}
	return r, nil
}

// RegisterAccounts implements Registry.
func (s *SQLite) RegisterAccounts(ctx context.Context) ([]RegisterAccount, error) {
	rows, err := s.r.QueryContext(ctx, accountQuery+` ORDER BY register_id`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: registers: %w", err)
	}
	defer rows.Close()
	out, err := scanAll(rows, scanAccount)
	if err != nil {
		return nil, fmt.Errorf("hqstore: registers: %w", err)
	}
	return out, nil
}

// RevokeRegister implements Registry.
func (s *SQLite) RevokeRegister(ctx context.Context, registerID string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE register_accounts SET revoked_at_ms = ?, token_hash = '', public_key = NULL,
		code_hash = NULL, code_hint = '', code_expires_ms = 0 WHERE register_id = ? AND revoked_at_ms = 0`, at.UnixMilli(), registerID)
	if err != nil {
		return fmt.Errorf("hqstore: revoke %s: %w", registerID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("hqstore: revoke %s: %w", registerID, err)
	} else if n == 0 {
		if _, err := s.RegisterAccount(ctx, registerID); err != nil {
			return err
		}
	}
	return nil
}
