package store

import (
	"context"
	"database/sql"
)

// statements are prepared once: the scan and the sale commit are the hot
// paths, and parsing SQL on every call costs more than the lookup itself.
type statements struct {
	productByBarcode *sql.Stmt // reader
	product          *sql.Stmt // reader
	taxRate          *sql.Stmt // reader
	lastEntry        *sql.Stmt // writer
	insertEntry      *sql.Stmt // writer
	insertOutbox     *sql.Stmt // writer
	all              []*sql.Stmt
}

const productColumns = `p.id, p.sku, p.name, p.price, p.tax_rate_id, coalesce(p.category_id, ''),
	p.sold_by_weight, p.quick_key,
	coalesce((SELECT group_concat(c.code, ' ' ORDER BY c.pos, c.code) FROM barcodes c WHERE c.product_id = p.id), '')`

func (s *statements) prepare(ctx context.Context, db *DB) error {
	for _, p := range []struct {
		dst  **sql.Stmt
		on   *sql.DB
		text string
	}{
		// The scan path: product and tax rate in one query.
		{&s.productByBarcode, db.r, `SELECT ` + productColumns + `, t.id, t.name, t.basis_points
			FROM barcodes b JOIN products p ON p.id = b.product_id JOIN tax_rates t ON t.id = p.tax_rate_id WHERE b.code = ?`},
		{&s.product, db.r, `SELECT ` + productColumns + ` FROM products p WHERE p.id = ?`},
		{&s.taxRate, db.r, `SELECT id, name, basis_points FROM tax_rates WHERE id = ?`},
		{&s.lastEntry, db.w, `SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1`},
		{&s.insertEntry, db.w, `INSERT INTO journal (seq, id, register_id, kind, created_at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.insertOutbox, db.w, `INSERT INTO outbox (seq) VALUES (?)`},
	} {
		st, err := p.on.PrepareContext(ctx, p.text)
		if err != nil {
			return err
		}
		*p.dst = st
		s.all = append(s.all, st)
	}
	return nil
}

func (s *statements) close() {
	for _, st := range s.all {
		st.Close()
	}
	s.all = nil
}
