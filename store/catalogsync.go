package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
)

// CatalogCursor is how far the head office's change feed has been applied
// (0: never).
func (db *DB) CatalogCursor(ctx context.Context) (int64, error) {
	var c int64
	if err := db.r.QueryRowContext(ctx, `SELECT cursor FROM catalog_sync WHERE id = 1`).Scan(&c); err != nil {
		return 0, fmt.Errorf("store: catalog cursor: %w", err)
	}
	return c, nil
}

// ApplyCatalogPage applies one page of the change feed and records cursor,
// in one transaction: either the whole page and its cursor are stored or
// nothing is. Items apply in order; a later item of the same record wins.
// Once the head office has sent an active employee, employees it never sent
// (the demo catalog's, a file import's) are deactivated.
// The open sale is not touched: its lines carry the price they were rung up
// with, and only the next scan reads the new price.
func (db *DB) ApplyCatalogPage(ctx context.Context, items []catalogfile.Item, cursor int64) error {
	return db.applyCatalog(ctx, items, cursor, false)
}

// ApplyCatalogSnapshot replaces the catalog with a full snapshot (after the
// feed answered that the cursor is too old): every item is upserted,
// products missing from it are removed and employees missing from it are
// deactivated, and the cursor is set, in one transaction.
func (db *DB) ApplyCatalogSnapshot(ctx context.Context, items []catalogfile.Item, cursor int64) error {
	return db.applyCatalog(ctx, items, cursor, true)
}

func (db *DB) applyCatalog(ctx context.Context, items []catalogfile.Item, cursor int64, snapshot bool) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: apply catalog: %w", err)
	}
	defer tx.Rollback()
	if snapshot {
		// Checked at commit: the snapshot's order need not follow references.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("store: apply catalog: %w", err)
		}
	}
	products, employees := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if err := applyCatalogItem(ctx, tx, it); err != nil {
			return fmt.Errorf("store: apply catalog %s %q: %w", it.Kind, it.ID, err)
		}
		switch it.Kind {
		case catalogfile.KindProduct:
			products[it.ID] = !it.Deleted
		case catalogfile.KindEmployee:
			employees[it.ID] = true
		}
	}
	if snapshot {
		if err := removeMissing(ctx, tx, products, employees); err != nil {
			return fmt.Errorf("store: apply catalog snapshot: %w", err)
		}
	}
	if err := deactivateLocalStaff(ctx, tx); err != nil {
		return fmt.Errorf("store: apply catalog: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE catalog_sync SET cursor = ?, applied_at = ? WHERE id = 1`,
		cursor, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("store: apply catalog: cursor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: apply catalog: commit: %w", err)
	}
	return nil
}

func removeMissing(ctx context.Context, tx *sql.Tx, products, employees map[string]bool) error {
	if err := applyToMissing(ctx, tx, `SELECT id FROM products`, products,
		`DELETE FROM products WHERE id = ?`); err != nil {
		return err
	}
	return applyToMissing(ctx, tx, `SELECT id FROM employees WHERE active = 1`, employees,
		`UPDATE employees SET active = 0 WHERE id = ?`)
}

// deactivateLocalStaff deactivates the employees the head office did not
// send, but only once it has sent an active one: a head office without staff
// yet must not lock everyone out of the register.
func deactivateLocalStaff(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE employees SET active = 0
		WHERE from_head_office = 0 AND active = 1
		AND EXISTS (SELECT 1 FROM employees WHERE from_head_office = 1 AND active = 1)`)
	return err
}

// applyToMissing runs stmt with each id that query lists and keep lacks.
// The ids are read first: stmt may change the table query reads.
func applyToMissing(ctx context.Context, tx *sql.Tx, query string, keep map[string]bool, stmt string) error {
	var stale []string
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if !keep[id] {
			stale = append(stale, id)
		}
	}
	rows.Close()
	for _, id := range stale {
		if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
			return err
		}
	}
	return nil
}

func decodeItem(it catalogfile.Item, v any) error {
	if err := json.Unmarshal(it.Data, v); err != nil {
		return pos.Errorf(pos.EInvalid, "The head office sent an unreadable %s %s.", it.Kind, it.ID)
	}
	return nil
}

func applyCatalogItem(ctx context.Context, tx *sql.Tx, it catalogfile.Item) error {
	if it.Deleted {
		switch it.Kind {
		case catalogfile.KindProduct:
			_, err := tx.ExecContext(ctx, `DELETE FROM products WHERE id = ?`, it.ID)
			return err
		case catalogfile.KindEmployee: // kept for history, but no longer logs in
			_, err := tx.ExecContext(ctx, `UPDATE employees SET active = 0 WHERE id = ?`, it.ID)
			return err
		}
		return nil // kept: history refers to it
	}
	switch it.Kind {
	case catalogfile.KindSetting:
		var v string
		if err := decodeItem(it, &v); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, it.ID, v)
		return err
	case catalogfile.KindTaxRate:
		var t catalogfile.TaxRate
		if err := decodeItem(it, &t); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tax_rates (id, name, basis_points) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, basis_points = excluded.basis_points`,
			it.ID, t.Name, t.BasisPoints)
		return err
	case catalogfile.KindCategory:
		var c catalogfile.Category
		if err := decodeItem(it, &c); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO categories (id, name, color, sort) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color, sort = excluded.sort`,
			it.ID, c.Name, c.Color, c.Sort)
		return err
	case catalogfile.KindProduct:
		var p catalogfile.Product
		if err := decodeItem(it, &p); err != nil {
			return err
		}
		p.ID = it.ID
		return applyProduct(ctx, tx, p)
	case catalogfile.KindEmployee:
		var e catalogfile.Employee
		if err := decodeItem(it, &e); err != nil {
			return err
		}
		e.ID = it.ID
		if e.PINHash == "" {
			return pos.Errorf(pos.EInvalid, "The head office sent employee %s without a PIN hash.", e.ID)
		}
		e.PIN = "" // only hashes travel; never trust a plain PIN from the wire
		if err := upsertEmployee(ctx, tx, e, pinhash.Default); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE employees SET from_head_office = 1 WHERE id = ?`, e.ID)
		return err
	}
	return nil // a kind from a newer head office: skipped, the rest still applies
}

// applyProduct upserts p and gives it exactly its barcodes: the head office
// is the authority, so a code it moved to p is taken from its old product.
func applyProduct(ctx context.Context, tx *sql.Tx, p catalogfile.Product) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO products
		(id, sku, name, price, tax_rate_id, category_id, sold_by_weight, quick_key, sort)
		VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, name = excluded.name, price = excluded.price,
			tax_rate_id = excluded.tax_rate_id, category_id = excluded.category_id,
			sold_by_weight = excluded.sold_by_weight, quick_key = excluded.quick_key, sort = excluded.sort`,
		p.ID, p.SKU, p.Name, p.Price, p.TaxRate, p.Category, p.SoldByWeight, p.QuickKey, p.Sort); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM barcodes WHERE product_id = ?`, p.ID); err != nil {
		return err
	}
	for i, code := range p.Barcodes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO barcodes (code, product_id, pos) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET product_id = excluded.product_id, pos = excluded.pos`, code, p.ID, i); err != nil {
			return err
		}
	}
	return nil
}
