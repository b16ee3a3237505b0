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

// catalogLock serialises catalog writers so change cursors commit in order:
// with two writers a reader could otherwise see cursor 11 before 10 commits
// and skip 10 for good.
const catalogLock = 0x7111_0003

// pgCatalogTx adapts pgx.Tx to catalogTx, turning ? into $n.
type pgCatalogTx struct{ tx pgx.Tx }

func pgPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (t pgCatalogTx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.Exec(ctx, pgPlaceholders(q), args...)
	return err
}

func (t pgCatalogTx) QueryRow(ctx context.Context, q string, args ...any) rowScanner {
	return pgRow{t.tx.QueryRow(ctx, pgPlaceholders(q), args...)}
}

func (t pgCatalogTx) Query(ctx context.Context, q string, args ...any) (catalogRows, error) {
	return t.tx.Query(ctx, pgPlaceholders(q), args...)
}

type pgRow struct{ row pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNoRow
	}
	return err
}

func (s *Postgres) inCatalogTx(ctx context.Context, what string, write bool, f func(catalogTx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	if write {
		opts = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		if write {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, catalogLock); err != nil {
				return err
			}
		}
		return f(pgCatalogTx{tx})
	})
	var ce *CatalogError
	if err != nil && !errors.As(err, &ce) && !errors.Is(err, ErrCursorGone) {
		return fmt.Errorf("hqstore: %s: %w", what, err)
	}
	return err
}

// ApplyCatalog implements Catalog.
func (s *Postgres) ApplyCatalog(ctx context.Context, b CatalogBatch) (cursor int64, err error) {
	err = s.inCatalogTx(ctx, "apply catalog", true, func(tx catalogTx) error {
		cursor, err = applyCatalog(ctx, tx, b, s.now())
		return err
	})
	return cursor, err
}

// CatalogChanges implements Catalog.
func (s *Postgres) CatalogChanges(ctx context.Context, storeID string, after int64, limit int) (page ChangePage, err error) {
	err = s.inCatalogTx(ctx, "catalog changes", false, func(tx catalogTx) error {
		page, err = readChanges(ctx, tx, storeID, after, limit)
		return err
	})
	return page, err
}

// CatalogSnapshot implements Catalog.
func (s *Postgres) CatalogSnapshot(ctx context.Context, storeID string) (snap CatalogSnapshot, err error) {
	err = s.inCatalogTx(ctx, "catalog snapshot", false, func(tx catalogTx) error {
		snap, err = readSnapshot(ctx, tx, storeID)
		return err
	})
	return snap, err
}

// PruneCatalogChanges implements Catalog.
func (s *Postgres) PruneCatalogChanges(ctx context.Context, before time.Time) (horizon int64, err error) {
	err = s.inCatalogTx(ctx, "prune catalog changes", true, func(tx catalogTx) error {
		horizon, err = pruneChanges(ctx, tx, before)
		return err
	})
	return horizon, err
}

// PutRegisterHealth implements Catalog.
func (s *Postgres) PutRegisterHealth(ctx context.Context, h RegisterHealth) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return putHealth(ctx, pgCatalogTx{tx}, h) })
	if err != nil {
		return fmt.Errorf("hqstore: register health: %w", err)
	}
	return nil
}

// RegisterHealth implements Catalog.
func (s *Postgres) RegisterHealth(ctx context.Context) (out []RegisterHealth, err error) {
	err = s.inCatalogTx(ctx, "register health", false, func(tx catalogTx) error {
		out, err = readHealth(ctx, tx)
		return err
	})
	return out, err
}
