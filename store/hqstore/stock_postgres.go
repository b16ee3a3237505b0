package hqstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tillpos/till/app/pos"
)

// ingestStockPG writes the movements of entries just stored in one
// statement and brings the positions up to date, each row locked (FOR
// UPDATE) in key order so concurrent ingests of one store serialise per
// product without deadlock.
func ingestStockPG(ctx context.Context, tx pgx.Tx, registerID string, stored []pos.Entry) error {
	ctxTx := pgCatalogTx{tx}
	moves, err := projectStock(ctx, ctxTx, registerID, stored)
	if err != nil || len(moves) == 0 {
		return err
	}
	n := len(moves)
	cols := make([][]any, 16)
	for i := range cols {
		cols[i] = make([]any, n)
	}
	for i, m := range moves {
		for c, v := range movementArgs(m) {
			cols[c][i] = v
		}
	}
	reg, id, entry, store, product, kind, lot, expiry, ref, reason :=
		strs(cols[0]), strs(cols[1]), strs(cols[4]), strs(cols[5]), strs(cols[6]), strs(cols[7]), strs(cols[9]), strs(cols[10]), strs(cols[11]), strs(cols[12])
	seq, qty, at, off, corr := int64s(cols[2]), int64s(cols[8]), int64s(cols[13]), int64s(cols[14]), int64s(cols[15])
	line := make([]int32, n)
	for i, m := range moves {
		line[i] = int32(m.Line)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO stock_movements
		(register_id, id, seq, line, entry_id, store_id, product_id, kind, qty, lot, expiry, ref, reason, at_ms, offset_ms, corrected_ms)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[], $15::bigint[], $16::bigint[])`,
		reg, id, seq, line, entry, store, product, kind, qty, lot, expiry, ref, reason, at, off, corr); err != nil {
		return fmt.Errorf("hqstore: store movements of %s: %w", registerID, err)
	}
	return applyStock(ctx, ctxTx, moves, "FOR UPDATE")
}

func strs(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.(string)
	}
	return out
}

func int64s(v []any) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		switch x := x.(type) {
		case int64:
			out[i] = x
		case int:
			out[i] = int64(x)
		}
	}
	return out
}

// StockPositions implements Stock.
func (s *Postgres) StockPositions(ctx context.Context, f StockFilter) (out []StockPosition, err error) {
	err = s.inCatalogTx(ctx, "stock positions", false, func(tx catalogTx) error {
		out, err = readPositions(ctx, tx, f)
		return err
	})
	return out, err
}

// StockMovements implements Stock.
func (s *Postgres) StockMovements(ctx context.Context, storeID, productID string) (out []pos.Movement, err error) {
	err = s.inCatalogTx(ctx, "stock movements", false, func(tx catalogTx) error {
		out, err = readMovements(ctx, tx, storeID, productID)
		return err
	})
	return out, err
}

// RebuildStock implements Stock. The table locks make a concurrent ingest
// wait with its movements until the rebuild has committed.
func (s *Postgres) RebuildStock(ctx context.Context) (n int, err error) {
	err = s.inCatalogTx(ctx, "rebuild stock", true, func(tx catalogTx) error {
		if err := tx.Exec(ctx, `LOCK TABLE stock_movements, stock_positions IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		n, err = rebuildStock(ctx, tx)
		return err
	})
	return n, err
}

// backfillStock: see SQLite's.
func (s *Postgres) backfillStock(ctx context.Context) error {
	var moves, entries bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM stock_movements),
		EXISTS (SELECT 1 FROM entries WHERE kind IN ('sale', 'return', 'void', 'stock'))`).Scan(&moves, &entries); err != nil {
		return fmt.Errorf("hqstore: stock: %w", err)
	}
	if moves || !entries {
		return nil
	}
	_, err := s.RebuildStock(ctx)
	return err
}
