package hqstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tillpos/till/app/pos"
)

// ingestStockSQLite writes the movements of entries just stored and brings
// the positions up to date, in the ingest transaction. SQLite has one
// writer, so no row lock is needed.
func ingestStockSQLite(ctx context.Context, tx *sql.Tx, registerID string, stored []pos.Entry) error {
	ctxTx := sqliteTx{tx}
	moves, err := projectStock(ctx, ctxTx, registerID, stored)
	if err != nil || len(moves) == 0 {
		return err
	}
	ins, err := tx.PrepareContext(ctx, insertMovementSQL)
	if err != nil {
		return fmt.Errorf("hqstore: prepare: %w", err)
	}
	defer ins.Close()
	for _, m := range moves {
		if _, err := ins.ExecContext(ctx, movementArgs(m)...); err != nil {
			return fmt.Errorf("hqstore: store movement %s: %w", m.ID, err)
		}
	}
	return applyStock(ctx, ctxTx, moves, "")
}

// StockPositions implements Stock.
func (s *SQLite) StockPositions(ctx context.Context, f StockFilter) ([]StockPosition, error) {
	return readPositions(ctx, sqliteReader{s.r}, f)
}

// StockMovements implements Stock.
func (s *SQLite) StockMovements(ctx context.Context, storeID, productID string) ([]pos.Movement, error) {
	return readMovements(ctx, sqliteReader{s.r}, storeID, productID)
}

// RebuildStock implements Stock.
func (s *SQLite) RebuildStock(ctx context.Context) (n int, err error) {
	err = s.inCatalogTx(ctx, "rebuild stock", func(tx catalogTx) error {
		n, err = rebuildStock(ctx, tx)
		return err
	})
	return n, err
}

// backfillStock projects the entries of a database made before the stock
// tables existed, once: no movements beside stored goods-moving entries.
func (s *SQLite) backfillStock(ctx context.Context) error {
	var moves, entries bool
	if err := s.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stock_movements),
		EXISTS (SELECT 1 FROM entries WHERE kind IN ('sale', 'return', 'void', 'stock'))`).Scan(&moves, &entries); err != nil {
		return fmt.Errorf("hqstore: stock: %w", err)
	}
	if moves || !entries {
		return nil
	}
	_, err := s.RebuildStock(ctx)
	return err
}
