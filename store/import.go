package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/assets"
)

// ImportCatalog reads a JSON catalog file (app/pos/catalogfile) and upserts its settings, tax rates,
// categories and products in one transaction: on any error nothing is
// imported. An imported product's barcodes replace the ones it had. Problems
// with the file are reported as one EInvalid error listing them.
func (db *DB) ImportCatalog(ctx context.Context, r io.Reader) error {
	f, err := catalogfile.Decode(r)
	if err != nil {
		return err
	}
	_, err = db.importCatalog(ctx, f, false)
	return err
}

// SeedDemoIfEmpty imports the demo catalog (assets/demo_catalog.json) when the
// catalog has no products, so a fresh install can sell at once.
func (db *DB) SeedDemoIfEmpty(ctx context.Context) error {
	f, err := catalogfile.Decode(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		return fmt.Errorf("store: demo catalog: %w", err)
	}
	_, err = db.importCatalog(ctx, f, true)
	return err
}

// importCatalog writes f in one transaction. With onlyIfEmpty it does nothing
// (and reports false) when products exist, checked inside the transaction so
// two processes cannot both seed.
func (db *DB) importCatalog(ctx context.Context, f catalogfile.File, onlyIfEmpty bool) (bool, error) {
	if problems := f.Problems(pinhash.Valid); len(problems) > 0 {
		return false, catalogfile.Invalid(problems)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: import catalog: %w", err)
	}
	defer tx.Rollback()
	if onlyIfEmpty {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM products`).Scan(&n); err != nil {
			return false, fmt.Errorf("store: import catalog: %w", err)
		}
		if n > 0 {
			return false, nil
		}
	}
	if problems, err := checkReferences(ctx, tx, f); err != nil {
		return false, fmt.Errorf("store: import catalog: %w", err)
	} else if len(problems) > 0 {
		return false, catalogfile.Invalid(problems)
	}
	if problems, err := writeCatalog(ctx, tx, f, db.pinCost()); err != nil {
		return false, fmt.Errorf("store: import catalog: %w", err)
	} else if len(problems) > 0 {
		return false, catalogfile.Invalid(problems)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: import catalog: commit: %w", err)
	}
	return true, nil
}

// checkReferences reports tax rates and categories that are neither in the
// file nor already in the database.
func checkReferences(ctx context.Context, tx *sql.Tx, f catalogfile.File) ([]string, error) {
	known := func(table string, inFile map[string]bool) (func(string) (bool, error), error) {
		st, err := tx.PrepareContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`)
		if err != nil {
			return nil, err
		}
		cache := map[string]bool{}
		return func(id string) (bool, error) {
			if inFile[id] {
				return true, nil
			}
			if ok, seen := cache[id]; seen {
				return ok, nil
			}
			var n int
			if err := st.QueryRowContext(ctx, id).Scan(&n); err != nil {
				return false, err
			}
			cache[id] = n > 0
			return n > 0, nil
		}, nil
	}
	rates, cats := map[string]bool{}, map[string]bool{}
	for _, t := range f.TaxRates {
		rates[t.ID] = true
	}
	for _, c := range f.Categories {
		cats[c.ID] = true
	}
	rateKnown, err := known("tax_rates", rates)
	if err != nil {
		return nil, err
	}
	catKnown, err := known("categories", cats)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, p := range f.Products {
		if ok, err := rateKnown(p.TaxRate); err != nil {
			return nil, err
		} else if !ok {
			problems = append(problems, fmt.Sprintf("product %q: unknown tax rate %q", p.ID, p.TaxRate))
		}
		if p.Category == "" {
			continue
		}
		if ok, err := catKnown(p.Category); err != nil {
			return nil, err
		} else if !ok {
			problems = append(problems, fmt.Sprintf("product %q: unknown category %q", p.ID, p.Category))
		}
	}
	return problems, nil
}

// writeCatalog upserts everything. Barcodes that belong to a product outside the
// file are reported as problems (the caller rolls back).
func writeCatalog(ctx context.Context, tx *sql.Tx, f catalogfile.File, pin pinhash.Params) ([]string, error) {
	for k, v := range f.Settings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return nil, err
		}
	}
	for _, t := range f.TaxRates {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tax_rates (id, name, basis_points) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, basis_points = excluded.basis_points`,
			t.ID, t.Name, t.BasisPoints); err != nil {
			return nil, err
		}
	}
	for _, c := range f.Categories {
		if _, err := tx.ExecContext(ctx, `INSERT INTO categories (id, name, color, sort) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color, sort = excluded.sort`,
			c.ID, c.Name, c.Color, c.Sort); err != nil {
			return nil, err
		}
	}
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO products
		(id, sku, name, price, tax_rate_id, category_id, sold_by_weight, quick_key, sort)
		VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, name = excluded.name, price = excluded.price,
			tax_rate_id = excluded.tax_rate_id, category_id = excluded.category_id,
			sold_by_weight = excluded.sold_by_weight, quick_key = excluded.quick_key, sort = excluded.sort`)
	if err != nil {
		return nil, err
	}
	defer upsert.Close()
	clearCodes, err := tx.PrepareContext(ctx, `DELETE FROM barcodes WHERE product_id = ?`)
	if err != nil {
		return nil, err
	}
	defer clearCodes.Close()
	// Clear every imported product's codes first, so a code may move between
	// two products of the same file.
	for _, p := range f.Products {
		if _, err := clearCodes.ExecContext(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	insertCode, err := tx.PrepareContext(ctx, `INSERT INTO barcodes (code, product_id, pos) VALUES (?, ?, ?)
		ON CONFLICT (code) DO NOTHING`)
	if err != nil {
		return nil, err
	}
	defer insertCode.Close()
	owner, err := tx.PrepareContext(ctx, `SELECT product_id FROM barcodes WHERE code = ?`)
	if err != nil {
		return nil, err
	}
	defer owner.Close()
	for _, e := range f.Employees {
		if err := upsertEmployee(ctx, tx, e, pin); err != nil {
			return nil, err
		}
	}
	var problems []string
	for _, p := range f.Products {
		if _, err := upsert.ExecContext(ctx, p.ID, p.SKU, p.Name, p.Price, p.TaxRate, p.Category,
			p.SoldByWeight, p.QuickKey, p.Sort); err != nil {
			return nil, fmt.Errorf("product %q: %w", p.ID, err)
		}
		for i, code := range p.Barcodes {
			res, err := insertCode.ExecContext(ctx, code, p.ID, i)
			if err != nil {
				return nil, fmt.Errorf("product %q: barcode %s: %w", p.ID, code, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				continue
			}
			var other string
			if err := owner.QueryRowContext(ctx, code).Scan(&other); err != nil {
				return nil, err
			}
			problems = append(problems, fmt.Sprintf("barcode %s of product %q already belongs to product %q", code, p.ID, other))
		}
	}
	return problems, nil
}
