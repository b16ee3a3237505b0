package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.Catalog = (*DB)(nil)

func scanProduct(row scanner) (pos.Product, error) {
	var p pos.Product
	var codes string
	err := row.Scan(&p.ID, &p.SKU, &p.Name, &p.Price, &p.TaxRateID, &p.CategoryID, &p.SoldByWeight, &p.QuickKey, &codes)
	if err != nil {
		return pos.Product{}, err
	}
	if codes != "" {
		p.Barcodes = strings.Split(codes, " ")
	}
	return p, nil
}

// ProductByBarcode returns the product a barcode belongs to, with its tax
// rate (Rate) from the same query: the scan path reads once.
func (db *DB) ProductByBarcode(ctx context.Context, code string) (pos.Product, error) {
	var p pos.Product
	var codes string
	var t pos.TaxRate
	err := db.stmts.productByBarcode.QueryRowContext(ctx, code).Scan(&p.ID, &p.SKU, &p.Name, &p.Price, &p.TaxRateID,
		&p.CategoryID, &p.SoldByWeight, &p.QuickKey, &codes, &t.ID, &t.Name, &t.BasisPoints)
	if codes != "" {
		p.Barcodes = strings.Split(codes, " ")
	}
	p.Rate = &t
	if errors.Is(err, sql.ErrNoRows) {
		return pos.Product{}, pos.Errorf(pos.ENotFound, "Unknown barcode %s", code)
	} else if err != nil {
		return pos.Product{}, fmt.Errorf("store: product by barcode %q: %w", code, err)
	}
	return p, nil
}

// Product returns a product by id.
func (db *DB) Product(ctx context.Context, id string) (pos.Product, error) {
	p, err := scanProduct(db.stmts.product.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return pos.Product{}, pos.Errorf(pos.ENotFound, "Unknown product %s", id)
	} else if err != nil {
		return pos.Product{}, fmt.Errorf("store: product %q: %w", id, err)
	}
	return p, nil
}

// TaxRate returns a tax rate by id.
func (db *DB) TaxRate(ctx context.Context, id string) (pos.TaxRate, error) {
	var t pos.TaxRate
	err := db.stmts.taxRate.QueryRowContext(ctx, id).Scan(&t.ID, &t.Name, &t.BasisPoints)
	if errors.Is(err, sql.ErrNoRows) {
		return pos.TaxRate{}, pos.Errorf(pos.ENotFound, "Unknown tax rate %s", id)
	} else if err != nil {
		return pos.TaxRate{}, fmt.Errorf("store: tax rate %q: %w", id, err)
	}
	return t, nil
}

// TaxRates returns every tax rate, highest first.
func (db *DB) TaxRates(ctx context.Context) ([]pos.TaxRate, error) {
	out, err := queryAll(ctx, db.r, func(row scanner) (pos.TaxRate, error) {
		var t pos.TaxRate
		err := row.Scan(&t.ID, &t.Name, &t.BasisPoints)
		return t, err
	}, `SELECT id, name, basis_points FROM tax_rates ORDER BY basis_points DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("store: tax rates: %w", err)
	}
	return out, nil
}

// Categories returns every category in display order.
func (db *DB) Categories(ctx context.Context) ([]pos.Category, error) {
	out, err := queryAll(ctx, db.r, func(row scanner) (pos.Category, error) {
		var c pos.Category
		err := row.Scan(&c.ID, &c.Name, &c.Color, &c.Sort)
		return c, err
	}, `SELECT id, name, color, sort FROM categories ORDER BY sort, name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	return out, nil
}

// QuickKeys returns the quick-key products of a category in display order.
// An unknown category is ENotFound; a category without quick keys is empty.
func (db *DB) QuickKeys(ctx context.Context, categoryID string) ([]pos.Product, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM categories WHERE id = ?`, categoryID).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: quick keys of %q: %w", categoryID, err)
	} else if n == 0 {
		return nil, pos.Errorf(pos.ENotFound, "Unknown category %s", categoryID)
	}
	out, err := db.queryProducts(ctx, `SELECT `+productColumns+` FROM products p
		WHERE p.category_id = ? AND p.quick_key = 1 ORDER BY p.sort, p.name`, categoryID)
	if err != nil {
		return nil, fmt.Errorf("store: quick keys of %q: %w", categoryID, err)
	}
	return out, nil
}

// ProductCount returns how many products the catalog holds.
func (db *DB) ProductCount(ctx context.Context) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM products`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count products: %w", err)
	}
	return n, nil
}
