package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.Catalog = (*DB)(nil) // SearchProducts is part of the catalog port

// SearchProducts finds up to limit products for what the cashier typed: a
// barcode exactly, a SKU by prefix (for digits), and products whose name has
// a word starting with each typed word ("bio bre" finds "Bio Brezel"),
// ignoring case and accents. Name hits starting with the query come first.
func (db *DB) SearchProducts(ctx context.Context, query string, limit int) ([]pos.Product, error) {
	q := strings.TrimSpace(query)
	if q == "" || limit <= 0 {
		return nil, nil
	}
	var out []pos.Product
	seen := map[string]bool{}
	add := func(ps []pos.Product) {
		for _, p := range ps {
			if !seen[p.ID] && len(out) < limit {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	if allDigits(q) {
		if p, err := db.ProductByBarcode(ctx, q); err == nil {
			add([]pos.Product{p})
		} else if pos.ErrorCode(err) != pos.ENotFound {
			return nil, err
		}
		ps, err := db.queryProducts(ctx, `SELECT `+productColumns+` FROM products p WHERE p.sku >= ? AND p.sku < ? ORDER BY p.sku LIMIT ?`,
			q, q+"\U0010FFFF", limit)
		if err != nil {
			return nil, fmt.Errorf("store: search sku %q: %w", q, err)
		}
		add(ps)
	}
	if match := ftsQuery(q); match != "" && len(out) < limit {
		ps, err := db.queryProducts(ctx, `SELECT `+productColumns+` FROM products_fts f JOIN products p ON p.rowid = f.rowid
			WHERE products_fts MATCH ? LIMIT ?`, match, limit-len(out))
		if err != nil {
			return nil, fmt.Errorf("store: search %q: %w", q, err)
		}
		add(ps)
	}
	return out, nil
}

// ftsQuery makes an FTS5 prefix query of the typed words; quoting each word
// keeps FTS5 syntax (AND, NEAR, *, ") typed by a cashier from being parsed.
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
}

func (db *DB) queryProducts(ctx context.Context, query string, args ...any) ([]pos.Product, error) {
	return queryAll(ctx, db.r, scanProduct, query, args...)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
