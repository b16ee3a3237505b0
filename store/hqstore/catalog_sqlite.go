package hqstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// sqliteTx adapts *sql.Tx to catalogTx.
type sqliteTx struct{ tx *sql.Tx }

func (t sqliteTx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, q, args...)
	return err
}

func (t sqliteTx) QueryRow(ctx context.Context, q string, args ...any) rowScanner {
	return sqliteRow{t.tx.QueryRowContext(ctx, q, args...)}
}

func (t sqliteTx) Query(ctx context.Context, q string, args ...any) (catalogRows, error) {
	rows, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqliteRows{rows}, nil
}

type sqliteRow struct{ row *sql.Row }

func (r sqliteRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRow
	}
	return err
}

type sqliteRows struct{ *sql.Rows }

func (r sqliteRows) Close() { r.Rows.Close() }

// inCatalogTx runs f in a transaction on the writer connection: it is also
// used for reads that must see one moment (a page and the horizon it is
// checked against), which the single writer gives for free.
func (s *SQLite) inCatalogTx(ctx context.Context, what string, f func(catalogTx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("hqstore: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := f(sqliteTx{tx}); err != nil {
		var ce *CatalogError
		if errors.As(err, &ce) || errors.Is(err, ErrCursorGone) {
			return err
		}
		return fmt.Errorf("hqstore: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("hqstore: %s: commit: %w", what, err)
	}
	return nil
}

// ApplyCatalog implements Catalog.
func (s *SQLite) ApplyCatalog(ctx context.Context, b CatalogBatch) (cursor int64, err error) {
	err = s.inCatalogTx(ctx, "apply catalog", func(tx catalogTx) error {
		cursor, err = applyCatalog(ctx, tx, b, s.now())
		return err
	})
	return cursor, err
}

// CatalogChanges implements Catalog.
func (s *SQLite) CatalogChanges(ctx context.Context, storeID string, after int64, limit int) (page ChangePage, err error) {
	err = s.inCatalogTx(ctx, "catalog changes", func(tx catalogTx) error {
		page, err = readChanges(ctx, tx, storeID, after, limit)
		return err
	})
	return page, err
}

// CatalogSnapshot implements Catalog.
func (s *SQLite) CatalogSnapshot(ctx context.Context, storeID string) (snap CatalogSnapshot, err error) {
	err = s.inCatalogTx(ctx, "catalog snapshot", func(tx catalogTx) error {
		snap, err = readSnapshot(ctx, tx, storeID)
		return err
	})
	return snap, err
}

// PruneCatalogChanges implements Catalog.
func (s *SQLite) PruneCatalogChanges(ctx context.Context, before time.Time) (horizon int64, err error) {
	err = s.inCatalogTx(ctx, "prune catalog changes", func(tx catalogTx) error {
		horizon, err = pruneChanges(ctx, tx, before)
		return err
	})
	return horizon, err
}

// PutRegisterHealth implements Catalog.
func (s *SQLite) PutRegisterHealth(ctx context.Context, h RegisterHealth) error {
	return s.inCatalogTx(ctx, "register health", func(tx catalogTx) error { return putHealth(ctx, tx, h) })
}

// RegisterHealth implements Catalog.
func (s *SQLite) RegisterHealth(ctx context.Context) (out []RegisterHealth, err error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("hqstore: register health: %w", err)
	}
	defer tx.Rollback()
	out, err = readHealth(ctx, sqliteTx{tx})
	if err != nil {
		return nil, fmt.Errorf("hqstore: register health: %w", err)
	}
	return out, nil
}
