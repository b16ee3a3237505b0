package hqstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// seedQty is the on-hand of product p in a seeded store: one product in a
// hundred is at 1 (below the reorder point of 5), the rest between 5 and 105.
func seedQty(p int) int64 {
	if p%100 == 7 {
		return 1000
	}
	return 5000 + int64(p*7919%100)*1000
}

// SeedStock fills the positions and settings of stores × products directly
// (the benchmarks of the reads; ingest has its own).
func SeedStock(ctx context.Context, st Store, stores, products int) error {
	switch s := st.(type) {
	case *SQLite:
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		pos, err := tx.PrepareContext(ctx, `INSERT INTO stock_positions
			(store_id, product_id, qty, counted, count_qty, count_ms, count_register, count_seq, count_line, count_id, since,
			reorder_point, max_qty) VALUES (?, ?, ?, 0, 0, 0, '', 0, 0, '', 1, 5000, 20000)`)
		if err != nil {
			return err
		}
		set, err := tx.PrepareContext(ctx, `INSERT INTO stock_settings (store_id, product_id, reorder_point, max_qty, cost) VALUES (?, ?, 5000, 20000, 100)`)
		if err != nil {
			return err
		}
		for si := range stores {
			for p := range products {
				sid, pid := fmt.Sprintf("S%02d", si), fmt.Sprintf("P%06d", p)
				if _, err := pos.ExecContext(ctx, sid, pid, seedQty(p)); err != nil {
					return err
				}
				if _, err := set.ExecContext(ctx, sid, pid); err != nil {
					return err
				}
			}
		}
		return tx.Commit()
	case *Postgres:
		var posRows, setRows [][]any
		for si := range stores {
			for p := range products {
				sid, pid := fmt.Sprintf("S%02d", si), fmt.Sprintf("P%06d", p)
				posRows = append(posRows, []any{sid, pid, seedQty(p), int64(0), int64(0), int64(0), "", int64(0), int64(0), "", int64(1), int64(5000), int64(20000)})
				setRows = append(setRows, []any{sid, pid, int64(5000), int64(20000), int64(100)})
			}
		}
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"stock_positions"}, []string{"store_id", "product_id", "qty", "counted",
			"count_qty", "count_ms", "count_register", "count_seq", "count_line", "count_id", "since", "reorder_point", "max_qty"}, pgx.CopyFromRows(posRows)); err != nil {
			return err
		}
		if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"stock_settings"}, []string{"store_id", "product_id", "reorder_point",
			"max_qty", "cost"}, pgx.CopyFromRows(setRows)); err != nil {
			return err
		}
		_, err := s.pool.Exec(ctx, `ANALYZE stock_positions; ANALYZE stock_settings`)
		return err
	}
	return fmt.Errorf("SeedStock: unknown store %T", st)
}
