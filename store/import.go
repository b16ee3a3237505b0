package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/assets"
)

// CatalogFile is the JSON catalog format ImportCatalog reads (see
// assets/demo_catalog.json). Prices are integer minor units in the store's
// tax mode; a product sold by weight is priced per kg.
type CatalogFile struct {
	Version    int               `json:"version"` // 1
	Settings   map[string]string `json:"settings,omitempty"`
	TaxRates   []CatalogTaxRate  `json:"tax_rates"`
	Categories []CatalogCategory `json:"categories"`
	Products   []CatalogProduct  `json:"products"`
	Employees  []CatalogEmployee `json:"employees,omitempty"`
}

// CatalogTaxRate is a tax rate in a CatalogFile.
type CatalogTaxRate struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	BasisPoints int64  `json:"basis_points"` // 1900 = 19%
}

// CatalogCategory is a category in a CatalogFile.
type CatalogCategory struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color,omitempty"` // "#RRGGBB"
	Sort  int    `json:"sort,omitempty"`
}

// CatalogProduct is a product in a CatalogFile.
type CatalogProduct struct {
	ID           string   `json:"id"`
	SKU          string   `json:"sku,omitempty"`
	Name         string   `json:"name"`
	Price        int64    `json:"price"`
	TaxRate      string   `json:"tax_rate"`
	Category     string   `json:"category,omitempty"`
	Barcodes     []string `json:"barcodes,omitempty"`
	SoldByWeight bool     `json:"sold_by_weight,omitempty"`
	QuickKey     bool     `json:"quick_key,omitempty"`
	Sort         int      `json:"sort,omitempty"`
}

// CatalogVersion is the CatalogFile version this package reads.
const CatalogVersion = 1

// ImportCatalog reads a JSON CatalogFile and upserts its settings, tax rates,
// categories and products in one transaction: on any error nothing is
// imported. An imported product's barcodes replace the ones it had. Problems
// with the file are reported as one EInvalid error listing them.
func (db *DB) ImportCatalog(ctx context.Context, r io.Reader) error {
	f, err := decodeCatalog(r)
	if err != nil {
		return err
	}
	_, err = db.importCatalog(ctx, f, false)
	return err
}

// SeedDemoIfEmpty imports the demo catalog (assets/demo_catalog.json) when the
// catalog has no products, so a fresh install can sell at once.
func (db *DB) SeedDemoIfEmpty(ctx context.Context) error {
	f, err := decodeCatalog(bytes.NewReader(assets.DemoCatalog))
	if err != nil {
		return fmt.Errorf("store: demo catalog: %w", err)
	}
	_, err = db.importCatalog(ctx, f, true)
	return err
}

// DecodeCatalog reads a CatalogFile strictly (unknown fields are errors)
// without checking it; Problems does that. The head office reads the same
// files with it.
func DecodeCatalog(r io.Reader) (CatalogFile, error) { return decodeCatalog(r) }

// Problems lists what is wrong with f that needs no database (an empty list
// when nothing is); importing reports the same problems.
func (f *CatalogFile) Problems() []string { return f.validate() }

// InvalidCatalog wraps problems in the *ImportError ImportCatalog returns.
func InvalidCatalog(problems []string) error { return importErr(problems, nil) }

func decodeCatalog(r io.Reader) (CatalogFile, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields() // a misspelt field would otherwise vanish silently
	var f CatalogFile
	if err := dec.Decode(&f); err != nil {
		return CatalogFile{}, importErr([]string{"it is not valid catalog JSON: " + jsonProblem(err)}, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return CatalogFile{}, importErr([]string{"it has data after the catalog object"}, nil)
	}
	return f, nil
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be %s, not %s (at byte %d)", typ.Field, jsonKind(typ.Type), typ.Value, typ.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file is empty or cut short"
	}
	return err.Error()
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number (minor units: 1,99 € is 199)"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	}
	return "an object"
}

// ImportError lists what is wrong with a catalog; it unwraps to an EInvalid
// *pos.Error whose message is fit to show the person importing.
type ImportError struct {
	Problems []string
	Cause    error // a decoding error, if any
	msg      *pos.Error
}

func importErr(problems []string, cause error) *ImportError {
	const show = 10
	msg := strings.Join(problems[:min(len(problems), show)], "; ")
	if len(problems) > show {
		msg += fmt.Sprintf("; and %d more", len(problems)-show)
	}
	return &ImportError{Problems: problems, Cause: cause,
		msg: pos.Errorf(pos.EInvalid, "The catalog was not imported: %s.", msg)}
}

func (e *ImportError) Error() string { return e.msg.Message }

// Unwrap returns the *pos.Error (code EInvalid) and the decoding cause.
func (e *ImportError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.msg, e.Cause}
	}
	return []error{e.msg}
}

// validate checks everything that needs no database and returns the problems.
func (f *CatalogFile) validate() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if f.Version != CatalogVersion {
		add("version is %d, want %d", f.Version, CatalogVersion)
	}
	for k := range f.Settings {
		if k == "" {
			add("a setting has an empty name")
		}
	}
	rates := map[string]bool{}
	for i, t := range f.TaxRates {
		switch {
		case t.ID == "":
			add("tax rate #%d has no id", i+1)
		case rates[t.ID]:
			add("tax rate %q appears twice", t.ID)
		}
		rates[t.ID] = true
		if t.Name == "" {
			add("tax rate %q has no name", t.ID)
		}
		if t.BasisPoints < 0 || t.BasisPoints > 10000 {
			add("tax rate %q: %d basis points is outside 0..10000", t.ID, t.BasisPoints)
		}
	}
	cats := map[string]bool{}
	for i, c := range f.Categories {
		switch {
		case c.ID == "":
			add("category #%d has no id", i+1)
		case cats[c.ID]:
			add("category %q appears twice", c.ID)
		}
		cats[c.ID] = true
		if c.Name == "" {
			add("category %q has no name", c.ID)
		}
		if c.Color != "" && !validColor(c.Color) {
			add("category %q: colour %q is not #RRGGBB", c.ID, c.Color)
		}
	}
	p = append(p, validateEmployees(f.Employees)...)
	products := map[string]bool{}
	codes := map[string]string{} // barcode -> product id
	for i, pr := range f.Products {
		name := fmt.Sprintf("product %q", pr.ID)
		switch {
		case pr.ID == "":
			name = fmt.Sprintf("product #%d (%s)", i+1, pr.Name)
			add("%s has no id", name)
		case products[pr.ID]:
			add("%s appears twice", name)
		}
		products[pr.ID] = true
		if strings.TrimSpace(pr.Name) == "" {
			add("%s has no name", name)
		}
		if pr.Price < 0 || pr.Price > pos.MaxAmount {
			add("%s: price %d is out of range", name, pr.Price)
		}
		if pr.TaxRate == "" {
			add("%s has no tax rate", name)
		}
		for _, code := range pr.Barcodes {
			if problem := barcodeProblem(code); problem != "" {
				add("%s: barcode %q %s", name, code, problem)
				continue
			}
			if other, dup := codes[code]; dup {
				if other == pr.ID {
					add("%s lists barcode %s twice", name, code)
				} else {
					add("barcode %s is on both product %q and product %q", code, other, pr.ID)
				}
				continue
			}
			codes[code] = pr.ID
		}
	}
	return p
}

func validColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < 7; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// barcodeProblem says what is wrong with a barcode, or "". A 13-digit code
// must carry a correct EAN-13 check digit: a scanner always sends one, so a
// wrong digit is a typing error and the product could never be scanned.
func barcodeProblem(code string) string {
	switch {
	case code == "":
		return "is empty"
	case len(code) > 64:
		return "is longer than 64 characters"
	case strings.ContainsFunc(code, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return "contains spaces or control characters"
	case len(code) == 13 && allDigits(code) && !validEAN13(code):
		d, _ := ean13CheckDigit(code[:12])
		return fmt.Sprintf("has a wrong EAN-13 check digit (should end in %c)", d)
	}
	return ""
}

// importCatalog writes f in one transaction. With onlyIfEmpty it does nothing
// (and reports false) when products exist, checked inside the transaction so
// two processes cannot both seed.
func (db *DB) importCatalog(ctx context.Context, f CatalogFile, onlyIfEmpty bool) (bool, error) {
	if problems := f.validate(); len(problems) > 0 {
		return false, importErr(problems, nil)
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
	if problems, err := f.checkReferences(ctx, tx); err != nil {
		return false, fmt.Errorf("store: import catalog: %w", err)
	} else if len(problems) > 0 {
		return false, importErr(problems, nil)
	}
	if problems, err := f.write(ctx, tx, db.pinCost()); err != nil {
		return false, fmt.Errorf("store: import catalog: %w", err)
	} else if len(problems) > 0 {
		return false, importErr(problems, nil)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: import catalog: commit: %w", err)
	}
	return true, nil
}

// checkReferences reports tax rates and categories that are neither in the
// file nor already in the database.
func (f *CatalogFile) checkReferences(ctx context.Context, tx *sql.Tx) ([]string, error) {
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

// write upserts everything. Barcodes that belong to a product outside the
// file are reported as problems (the caller rolls back).
func (f *CatalogFile) write(ctx context.Context, tx *sql.Tx, pin pinParams) ([]string, error) {
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
