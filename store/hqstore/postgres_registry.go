package hqstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgUniqueViolation is SQLSTATE unique_violation.
const pgUniqueViolation = "23505"

func isPgUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == pgUniqueViolation
}

// AddStore implements Registry.
func (s *Postgres) AddStore(ctx context.Context, st StoreInfo) error {
	if st.ID == "" {
		return fmt.Errorf("hqstore: add store: empty id")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO stores (store_id, name, address, vat_id, currency, tax_mode, time_zone, receipt_header, receipt_footer, cash_rounding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		st.ID, st.Name, st.Address, st.VATID, st.Currency, st.TaxMode, st.TimeZone, st.ReceiptHeader, st.ReceiptFooter, st.CashRounding)
	if isPgUnique(err) {
		return fmt.Errorf("hqstore: store %s: %w", st.ID, ErrExists)
	} else if err != nil {
		return fmt.Errorf("hqstore: add store %s: %w", st.ID, err)
	}
	return nil
}

// Stores implements Registry.
func (s *Postgres) Stores(ctx context.Context) ([]StoreInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT store_id, name, address, vat_id, currency, tax_mode, time_zone, receipt_header, receipt_footer, cash_rounding FROM stores ORDER BY store_id COLLATE "C"`)
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
func (s *Postgres) AddRegister(ctx context.Context, r RegisterAccount, code PendingCode) error {
	if r.ID == "" || code.Hash == "" {
		return fmt.Errorf("hqstore: add register: empty id or code")
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM stores WHERE store_id = $1`, r.StoreID).Scan(&n); err != nil {
			return fmt.Errorf("hqstore: add register: %w", err)
		} else if n == 0 {
			return fmt.Errorf("hqstore: store %q: %w", r.StoreID, ErrNotFound)
		}
		_, err := tx.Exec(ctx, `INSERT INTO register_accounts (register_id, store_id, name, code_hash, code_hint, code_expires_ms)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.ID, r.StoreID, r.Name, code.Hash, code.Hint, code.ExpiresAt.UnixMilli())
		if isPgUnique(err) {
			return fmt.Errorf("hqstore: register %s: %w", r.ID, ErrExists)
		} else if err != nil {
			return fmt.Errorf("hqstore: add register %s: %w", r.ID, err)
		}
		return nil
	})
}

// Enroll implements Registry. The code's row is locked (FOR UPDATE), so of
// two enrollments racing with one code the second finds it used.
func (s *Postgres) Enroll(ctx context.Context, codeHash string, publicKey []byte, tokenHash string, now time.Time) (RegisterAccount, error) {
	var out RegisterAccount
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id string
		var expires int64
		err := tx.QueryRow(ctx, `SELECT register_id, code_expires_ms FROM register_accounts WHERE code_hash = $1 FOR UPDATE`, codeHash).
			Scan(&id, &expires)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrCodeInvalid
		} else if err != nil {
			return fmt.Errorf("hqstore: enroll: %w", err)
		}
		if !now.Before(time.UnixMilli(expires)) {
			return ErrCodeExpired
		}
		// code_hash = $5 again: a racing enrollment that waited on our lock
		// re-checks the row after we commit and finds the code gone.
		tag, err := tx.Exec(ctx, `UPDATE register_accounts SET code_hash = NULL, code_hint = '', code_expires_ms = 0,
			enrolled_at_ms = $1, public_key = $2, token_hash = $3 WHERE register_id = $4 AND code_hash = $5`,
			now.UnixMilli(), publicKey, tokenHash, id, codeHash)
		if err != nil {
			return fmt.Errorf("hqstore: enroll %s: %w", id, err)
		}
		if tag.RowsAffected() != 1 {
			return ErrCodeInvalid
		}
		out, err = scanAccount(tx.QueryRow(ctx, accountQuery+` WHERE register_id = $1`, id))
		if err != nil {
			return fmt.Errorf("hqstore: enroll %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return RegisterAccount{}, err
	}
	return out, nil
}

// RegisterAccount implements Registry.
func (s *Postgres) RegisterAccount(ctx context.Context, registerID string) (RegisterAccount, error) {
	r, err := scanAccount(s.pool.QueryRow(ctx, accountQuery+` WHERE register_id = $1`, registerID))
	if errors.Is(err, pgx.ErrNoRows) {
		return RegisterAccount{}, fmt.Errorf("hqstore: register %q: %w", registerID, ErrNotFound)
	} else if err != nil {
		return RegisterAccount{}, fmt.Errorf("hqstore: register %q: %w", registerID, err)
	}
	return r, nil
}

// RegisterAccounts implements Registry.
func (s *Postgres) RegisterAccounts(ctx context.Context) ([]RegisterAccount, error) {
	rows, err := s.pool.Query(ctx, accountQuery+` ORDER BY register_id COLLATE "C"`)
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
func (s *Postgres) RevokeRegister(ctx context.Context, registerID string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE register_accounts SET revoked_at_ms = $1, token_hash = '', public_key = NULL,
		code_hash = NULL, code_hint = '', code_expires_ms = 0 WHERE register_id = $2 AND revoked_at_ms = 0`, at.UnixMilli(), registerID)
	if err != nil {
		return fmt.Errorf("hqstore: revoke %s: %w", registerID, err)
	}
	if tag.RowsAffected() == 0 {
		if _, err := s.RegisterAccount(ctx, registerID); err != nil {
			return err
		}
	}
	return nil
}
