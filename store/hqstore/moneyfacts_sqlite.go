package hqstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MoneyByHour implements Money.
func (s *SQLite) MoneyByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]MoneyTotal, error) {
	return moneyByHour(ctx, sqliteReader{s.r}, from, to, loc)
}

// MoneyFacts implements Money.
func (s *SQLite) MoneyFacts(ctx context.Context, registerID string) ([]MoneyFact, error) {
	return readFacts(ctx, sqliteReader{s.r}, registerID)
}

// sqliteReader runs the shared single-statement reads on the read pool
// (whose BEGIN would be IMMEDIATE, a write, so no transaction).
type sqliteReader struct{ db *sql.DB }

func (r sqliteReader) Exec(ctx context.Context, q string, args ...any) error {
	return errors.New("hqstore: write on the read pool")
}

func (r sqliteReader) QueryRow(ctx context.Context, q string, args ...any) rowScanner {
	return sqliteRow{r.db.QueryRowContext(ctx, q, args...)}
}

func (r sqliteReader) Query(ctx context.Context, q string, args ...any) (catalogRows, error) {
	rows, err := r.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqliteRows{rows}, nil
}

// RebuildMoneyFacts implements Money.
func (s *SQLite) RebuildMoneyFacts(ctx context.Context) (n int, err error) {
	err = s.inCatalogTx(ctx, "rebuild money facts", func(tx catalogTx) error {
		n, err = rebuildFacts(ctx, tx)
		return err
	})
	return n, err
}

// insertFactsSQLite writes a batch's facts with one prepared statement.
func insertFactsSQLite(ctx context.Context, tx *sql.Tx, facts []MoneyFact) error {
	if len(facts) == 0 {
		return nil
	}
	ins, err := tx.PrepareContext(ctx, insertFactSQL)
	if err != nil {
		return fmt.Errorf("hqstore: prepare: %w", err)
	}
	defer ins.Close()
	for _, f := range facts {
		if _, err := ins.ExecContext(ctx, factArgs(f)...); err != nil {
			return fmt.Errorf("hqstore: store money fact %s/%d/%d: %w", f.RegisterID, f.Seq, f.Part, err)
		}
	}
	return nil
}

// backfillMoneyFacts projects a database's entries stored before the
// projection existed (migration 0004), once: an empty projection beside
// stored entries.
func (s *SQLite) backfillMoneyFacts(ctx context.Context) error {
	var facts, entries bool
	if err := s.w.QueryRowContext(ctx, backfillQuery).
		Scan(&facts, &entries); err != nil {
		return fmt.Errorf("hqstore: money facts: %w", err)
	}
	if facts || !entries {
		return nil
	}
	_, err := s.RebuildMoneyFacts(ctx)
	return err
}
