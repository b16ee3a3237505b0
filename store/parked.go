package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.ParkedSales = (*DB)(nil)

// Park stores a parked sale durably (synchronous=FULL): it is there after a
// restart. Parking the same sale again replaces it.
func (db *DB) Park(ctx context.Context, p register.ParkedSale) error {
	_, err := db.w.ExecContext(ctx, `INSERT OR REPLACE INTO parked_sales (id, parked_at, cashier_id, cashier, gross, items, label, sale)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.ParkedAt.UnixMilli(), p.CashierID, p.Cashier, p.Gross, int64(p.Items), p.Label, p.Sale)
	if err != nil {
		return fmt.Errorf("store: park %s: %w", p.ID, err)
	}
	return nil
}

const parkedColumns = `id, parked_at, cashier_id, cashier, gross, items, label, sale`

func scanParked(row scanner) (register.ParkedSale, error) {
	var p register.ParkedSale
	var ms, items int64
	if err := row.Scan(&p.ID, &ms, &p.CashierID, &p.Cashier, &p.Gross, &items, &p.Label, &p.Sale); err != nil {
		return register.ParkedSale{}, err
	}
	p.ParkedAt, p.Items = time.UnixMilli(ms).UTC(), pos.Qty(items)
	return p, nil
}

// ParkedSales lists the parked sales, oldest first.
func (db *DB) ParkedSales(ctx context.Context) ([]register.ParkedSale, error) {
	out, err := queryAll(ctx, db.r, scanParked, `SELECT `+parkedColumns+` FROM parked_sales ORDER BY parked_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: parked sales: %w", err)
	}
	return out, nil
}

// Unpark removes a parked sale and returns it, in one transaction: two
// registers' taps cannot both take it.
func (db *DB) Unpark(ctx context.Context, id string) (register.ParkedSale, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return register.ParkedSale{}, fmt.Errorf("store: unpark %s: %w", id, err)
	}
	defer tx.Rollback()
	p, err := scanParked(tx.QueryRowContext(ctx, `SELECT `+parkedColumns+` FROM parked_sales WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return register.ParkedSale{}, pos.Errorf(pos.ENotFound, "That parked sale is gone (resumed elsewhere?).")
	} else if err != nil {
		return register.ParkedSale{}, fmt.Errorf("store: unpark %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM parked_sales WHERE id = ?`, id); err != nil {
		return register.ParkedSale{}, fmt.Errorf("store: unpark %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return register.ParkedSale{}, fmt.Errorf("store: unpark %s: commit: %w", id, err)
	}
	return p, nil
}
