package hqstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos/catalogfile"
)

// Catalog is the head office's catalog administration and the change feed
// registers pull. Records are kept in the shared catalog format
// (app/pos/catalogfile), so one format is validated once and travels unchanged.
type Catalog interface {
	// ApplyCatalog writes a batch in one transaction and appends one change
	// per record and per price. A batch that refers to an unknown tax rate,
	// category, product or store, or that gives a barcode to a second
	// product, changes nothing and returns a *CatalogError. The result is
	// the cursor of the batch's last change.
	ApplyCatalog(ctx context.Context, b CatalogBatch) (int64, error)
	// CatalogChanges returns up to limit changes for a store after cursor,
	// products priced for that store. ErrCursorGone when cursor is older
	// than the pruned horizon (or newer than anything written): the register
	// must take a CatalogSnapshot.
	CatalogChanges(ctx context.Context, storeID string, after int64, limit int) (ChangePage, error)
	// CatalogSnapshot is the whole current catalog for a store and the
	// cursor it corresponds to.
	CatalogSnapshot(ctx context.Context, storeID string) (CatalogSnapshot, error)
	// PruneCatalogChanges drops changes written before before and returns
	// the new horizon (the highest dropped cursor).
	PruneCatalogChanges(ctx context.Context, before time.Time) (int64, error)

	// PutRegisterHealth keeps a register's latest heartbeat.
	PutRegisterHealth(ctx context.Context, h RegisterHealth) error
	// RegisterHealth lists the latest heartbeat of every register by id.
	RegisterHealth(ctx context.Context) ([]RegisterHealth, error)
}

// Record kinds: the record types of a catalogfile.File, named here too for
// the head office's callers.
const (
	KindSetting  = catalogfile.KindSetting
	KindTaxRate  = catalogfile.KindTaxRate
	KindCategory = catalogfile.KindCategory
	KindProduct  = catalogfile.KindProduct
	KindEmployee = catalogfile.KindEmployee
)

// The catalog's value types are app/headoffice's.
type (
	CatalogRecord   = headoffice.CatalogRecord
	StorePrice      = headoffice.StorePrice
	CatalogBatch    = headoffice.CatalogBatch
	Change          = headoffice.Change
	ChangePage      = headoffice.ChangePage
	CatalogSnapshot = headoffice.CatalogSnapshot
	CatalogError    = headoffice.CatalogError
	RegisterHealth  = headoffice.RegisterHealth
	LatencySummary  = headoffice.LatencySummary
)

// DefaultChangesLimit and MaxChangesLimit bound a page of the feed.
const (
	DefaultChangesLimit = 500
	MaxChangesLimit     = 2000
)

// ErrCursorGone: the feed no longer reaches back to the cursor.
var ErrCursorGone = headoffice.ErrCursorGone

// BatchFromCatalogFile checks a catalog file as the register would and turns
// it into a batch: PINs are hashed here (pinhash.Encode) so the head office
// keeps and ships only hashes. Problems come back as a *catalogfile.ImportError,
// worded as the register words them.
func BatchFromCatalogFile(f catalogfile.File) (CatalogBatch, error) {
	if p := f.Problems(pinhash.Valid); len(p) > 0 {
		return CatalogBatch{}, catalogfile.Invalid(p)
	}
	var b CatalogBatch
	add := func(kind, id string, v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Records = append(b.Records, CatalogRecord{Kind: kind, ID: id, Data: data})
		return nil
	}
	var errs []error
	for k, v := range f.Settings {
		errs = append(errs, add(KindSetting, k, v))
	}
	for _, t := range f.TaxRates {
		errs = append(errs, add(KindTaxRate, t.ID, t))
	}
	for _, c := range f.Categories {
		errs = append(errs, add(KindCategory, c.ID, c))
	}
	for _, p := range f.Products {
		errs = append(errs, add(KindProduct, p.ID, p))
	}
	for _, e := range f.Employees {
		if e.PIN != "" {
			h, err := pinhash.Encode(e.PIN)
			if err != nil {
				return CatalogBatch{}, &CatalogError{Problems: []string{fmt.Sprintf("employee %q: %v", e.ID, err)}}
			}
			e.PIN, e.PINHash = "", h
		}
		errs = append(errs, add(KindEmployee, e.ID, e))
	}
	return b, errors.Join(errs...)
}

// catalogTx is the little of a transaction the shared catalog code needs,
// so SQLite (database/sql) and PostgreSQL (pgx) run the same statements.
// Queries use ? placeholders.
type catalogTx interface {
	Exec(ctx context.Context, q string, args ...any) error
	QueryRow(ctx context.Context, q string, args ...any) rowScanner
	Query(ctx context.Context, q string, args ...any) (catalogRows, error)
}

type rowScanner interface{ Scan(dest ...any) error }

type catalogRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// errNoRow is what both adapters' QueryRow.Scan return for no row.
var errNoRow = errors.New("hqstore: no row")

func knownKind(k string) bool {
	switch k {
	case KindSetting, KindTaxRate, KindCategory, KindProduct, KindEmployee:
		return true
	}
	return false
}

func exists(ctx context.Context, tx catalogTx, q string, args ...any) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// applyCatalog is ApplyCatalog inside the backend's write transaction.
func applyCatalog(ctx context.Context, tx catalogTx, b CatalogBatch, now time.Time) (int64, error) {
	var last int64
	nowMS := now.UnixMilli()
	appendChange := func(storeID, kind, id string, data []byte) error {
		return tx.QueryRow(ctx, `INSERT INTO catalog_changes (store_id, kind, item_id, data, at_ms)
			VALUES (?, ?, ?, ?, ?) RETURNING change_id`, storeID, kind, id, string(data), nowMS).Scan(&last)
	}
	item := func(kind, id string) (bool, error) {
		if id == "" {
			return false, nil
		}
		return exists(ctx, tx, `SELECT count(*) FROM catalog_items WHERE kind = ? AND item_id = ?`, kind, id)
	}
	var problems []string
	for _, r := range b.Records {
		if !knownKind(r.Kind) || r.ID == "" || !json.Valid(r.Data) {
			problems = append(problems, fmt.Sprintf("record %s %q is not a catalog record", r.Kind, r.ID))
			continue
		}
		if r.Kind == KindProduct {
			p, err := productProblems(ctx, tx, r, item)
			if err != nil {
				return 0, err
			}
			if len(p) > 0 {
				problems = append(problems, p...)
				continue
			}
		}
		if err := tx.Exec(ctx, `INSERT INTO catalog_items (kind, item_id, data, updated_ms) VALUES (?, ?, ?, ?)
			ON CONFLICT (kind, item_id) DO UPDATE SET data = excluded.data, updated_ms = excluded.updated_ms`,
			r.Kind, r.ID, string(r.Data), nowMS); err != nil {
			return 0, err
		}
		if err := appendChange("", r.Kind, r.ID, r.Data); err != nil {
			return 0, err
		}
	}
	for _, pr := range b.Prices {
		var data string
		err := tx.QueryRow(ctx, `SELECT data FROM catalog_items WHERE kind = 'product' AND item_id = ?`, pr.ProductID).Scan(&data)
		if errors.Is(err, errNoRow) {
			problems = append(problems, fmt.Sprintf("price for unknown product %q", pr.ProductID))
			continue
		} else if err != nil {
			return 0, err
		}
		if ok, err := exists(ctx, tx, `SELECT count(*) FROM stores WHERE store_id = ?`, pr.StoreID); err != nil {
			return 0, err
		} else if !ok {
			problems = append(problems, fmt.Sprintf("price for unknown store %q", pr.StoreID))
			continue
		}
		if pr.Clear {
			err = tx.Exec(ctx, `DELETE FROM store_prices WHERE store_id = ? AND product_id = ?`, pr.StoreID, pr.ProductID)
		} else if pr.Price < 0 || pr.Price > 1e13 {
			problems = append(problems, fmt.Sprintf("price %d for product %q is out of range", pr.Price, pr.ProductID))
			continue
		} else {
			err = tx.Exec(ctx, `INSERT INTO store_prices (store_id, product_id, price) VALUES (?, ?, ?)
				ON CONFLICT (store_id, product_id) DO UPDATE SET price = excluded.price`, pr.StoreID, pr.ProductID, pr.Price)
		}
		if err != nil {
			return 0, err
		}
		if err := appendChange(pr.StoreID, KindProduct, pr.ProductID, []byte(data)); err != nil {
			return 0, err
		}
	}
	if len(problems) > 0 {
		return 0, &CatalogError{Problems: problems}
	}
	if last == 0 {
		err := tx.QueryRow(ctx, `SELECT last_cursor FROM catalog_horizon WHERE id = 1`).Scan(&last)
		return last, err
	}
	return last, tx.Exec(ctx, `UPDATE catalog_horizon SET last_cursor = ? WHERE id = 1`, last)
}

// productProblems checks a product's references and claims its barcodes.
func productProblems(ctx context.Context, tx catalogTx, r CatalogRecord, item func(kind, id string) (bool, error)) ([]string, error) {
	var p catalogfile.Product
	if err := json.Unmarshal(r.Data, &p); err != nil {
		return []string{fmt.Sprintf("product %q is not a product record", r.ID)}, nil
	}
	var problems []string
	if p.Price < 0 {
		problems = append(problems, fmt.Sprintf("product %q: negative price", r.ID))
	}
	if ok, err := item(KindTaxRate, p.TaxRate); err != nil {
		return nil, err
	} else if !ok {
		problems = append(problems, fmt.Sprintf("product %q: unknown tax rate %q", r.ID, p.TaxRate))
	}
	if p.Category != "" {
		if ok, err := item(KindCategory, p.Category); err != nil {
			return nil, err
		} else if !ok {
			problems = append(problems, fmt.Sprintf("product %q: unknown category %q", r.ID, p.Category))
		}
	}
	if err := tx.Exec(ctx, `DELETE FROM catalog_barcodes WHERE product_id = ?`, r.ID); err != nil {
		return nil, err
	}
	for _, code := range p.Barcodes {
		if err := tx.Exec(ctx, `INSERT INTO catalog_barcodes (code, product_id) VALUES (?, ?) ON CONFLICT (code) DO NOTHING`, code, r.ID); err != nil {
			return nil, err
		}
		var owner string
		if err := tx.QueryRow(ctx, `SELECT product_id FROM catalog_barcodes WHERE code = ?`, code).Scan(&owner); err != nil {
			return nil, err
		}
		if owner != r.ID {
			problems = append(problems, fmt.Sprintf("barcode %s of product %q already belongs to product %q", code, r.ID, owner))
		}
	}
	return problems, nil
}

func storePrices(ctx context.Context, tx catalogTx, storeID string) (map[string]int64, error) {
	rows, err := tx.Query(ctx, `SELECT product_id, price FROM store_prices WHERE store_id = ?`, storeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var p int64
		if err := rows.Scan(&id, &p); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// priced gives a product record the store's price, if it has its own.
func priced(kind, id string, data json.RawMessage, prices map[string]int64) (json.RawMessage, error) {
	p, ok := prices[id]
	if kind != KindProduct || len(data) == 0 || !ok {
		return data, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("product %q: %w", id, err)
	}
	m["price"] = json.RawMessage(fmt.Sprint(p))
	return json.Marshal(m)
}

// readChanges is CatalogChanges inside a read transaction that sees one
// moment of the database.
func readChanges(ctx context.Context, tx catalogTx, storeID string, after int64, limit int) (ChangePage, error) {
	if limit <= 0 {
		limit = DefaultChangesLimit
	}
	limit = min(limit, MaxChangesLimit)
	var pruned, last int64
	if err := tx.QueryRow(ctx, `SELECT pruned_through, last_cursor FROM catalog_horizon WHERE id = 1`).Scan(&pruned, &last); err != nil {
		return ChangePage{}, err
	}
	if after < pruned || after > last {
		return ChangePage{}, fmt.Errorf("%w (cursor %d, kept %d..%d)", ErrCursorGone, after, pruned, last)
	}
	rows, err := tx.Query(ctx, `SELECT change_id, kind, item_id, coalesce(data, '') FROM catalog_changes
		WHERE change_id > ? AND store_id IN ('', ?) ORDER BY change_id LIMIT ?`, after, storeID, limit+1)
	if err != nil {
		return ChangePage{}, err
	}
	var page ChangePage
	for rows.Next() {
		var c Change
		var data string
		if err := rows.Scan(&c.Cursor, &c.Kind, &c.ID, &data); err != nil {
			rows.Close()
			return ChangePage{}, err
		}
		if data != "" {
			c.Data = json.RawMessage(data)
		}
		page.Changes = append(page.Changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ChangePage{}, err
	}
	page.NextCursor = last
	if len(page.Changes) > limit {
		page.Changes, page.More = page.Changes[:limit], true
		page.NextCursor = page.Changes[limit-1].Cursor
	}
	prices, err := storePrices(ctx, tx, storeID)
	if err != nil {
		return ChangePage{}, err
	}
	for i, c := range page.Changes {
		if page.Changes[i].Data, err = priced(c.Kind, c.ID, c.Data, prices); err != nil {
			return ChangePage{}, err
		}
	}
	return page, nil
}

// readSnapshot is CatalogSnapshot inside a read transaction.
func readSnapshot(ctx context.Context, tx catalogTx, storeID string) (CatalogSnapshot, error) {
	var snap CatalogSnapshot
	if err := tx.QueryRow(ctx, `SELECT last_cursor FROM catalog_horizon WHERE id = 1`).Scan(&snap.Cursor); err != nil {
		return snap, err
	}
	prices, err := storePrices(ctx, tx, storeID)
	if err != nil {
		return snap, err
	}
	rows, err := tx.Query(ctx, `SELECT kind, item_id, data FROM catalog_items ORDER BY
		CASE kind WHEN 'tax_rate' THEN 0 WHEN 'category' THEN 1 WHEN 'product' THEN 2 WHEN 'employee' THEN 3 ELSE 4 END, item_id`)
	if err != nil {
		return snap, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var data string
		if err := rows.Scan(&c.Kind, &c.ID, &data); err != nil {
			return snap, err
		}
		if c.Data, err = priced(c.Kind, c.ID, json.RawMessage(data), prices); err != nil {
			return snap, err
		}
		snap.Records = append(snap.Records, c)
	}
	return snap, rows.Err()
}

// pruneChanges is PruneCatalogChanges inside the write transaction.
func pruneChanges(ctx context.Context, tx catalogTx, before time.Time) (int64, error) {
	var through, pruned int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(change_id), 0) FROM catalog_changes WHERE at_ms < ?`, before.UnixMilli()).Scan(&through); err != nil {
		return 0, err
	}
	if err := tx.QueryRow(ctx, `SELECT pruned_through FROM catalog_horizon WHERE id = 1`).Scan(&pruned); err != nil {
		return 0, err
	}
	if through <= pruned {
		return pruned, nil
	}
	if err := tx.Exec(ctx, `DELETE FROM catalog_changes WHERE change_id <= ?`, through); err != nil {
		return 0, err
	}
	return through, tx.Exec(ctx, `UPDATE catalog_horizon SET pruned_through = ? WHERE id = 1`, through)
}

func putHealth(ctx context.Context, tx catalogTx, h RegisterHealth) error {
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return tx.Exec(ctx, `INSERT INTO register_health (register_id, received_ms, data) VALUES (?, ?, ?)
		ON CONFLICT (register_id) DO UPDATE SET received_ms = excluded.received_ms, data = excluded.data`,
		h.RegisterID, h.ReceivedAt.UnixMilli(), string(data))
}

func readHealth(ctx context.Context, tx catalogTx) ([]RegisterHealth, error) {
	rows, err := tx.Query(ctx, `SELECT data FROM register_health ORDER BY register_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RegisterHealth
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var h RegisterHealth
		if err := json.Unmarshal([]byte(data), &h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ImportCatalog reads a catalog file in the shared format (strict JSON,
// catalogfile.Decode), checks it as the register would and applies it as
// one batch. Problems come back as a *catalogfile.ImportError or *CatalogError.
func ImportCatalog(ctx context.Context, c Catalog, r io.Reader) (int64, error) {
	f, err := catalogfile.Decode(r)
	if err != nil {
		return 0, err
	}
	b, err := BatchFromCatalogFile(f)
	if err != nil {
		return 0, err
	}
	return c.ApplyCatalog(ctx, b)
}

// SetEmployee adds or changes one employee; e.PIN (hashed here) or
// e.PINHash must be set.
func SetEmployee(ctx context.Context, c Catalog, e catalogfile.Employee) (int64, error) {
	b, err := BatchFromCatalogFile(catalogfile.File{Version: catalogfile.Version, Employees: []catalogfile.Employee{e}})
	if err != nil {
		return 0, err
	}
	return c.ApplyCatalog(ctx, b)
}
