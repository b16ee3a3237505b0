package hqstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
)

// CatalogFiles is app/headoffice's CatalogFiles port over a Catalog: the
// register's file format is read and checked here, and a file that fails
// the checks comes back as a pos.EInvalid error with the register's words.
type CatalogFiles struct{ Catalog Catalog }

// ImportCatalog implements headoffice.CatalogFiles.
func (c CatalogFiles) ImportCatalog(ctx context.Context, r io.Reader) (int64, error) {
	cursor, err := ImportCatalog(ctx, c.Catalog, r)
	return cursor, invalidFile(err)
}

// SetEmployee implements headoffice.CatalogFiles: employeeJSON is one
// catalog-file employee, read strictly (no unknown fields, nothing after it).
func (c CatalogFiles) SetEmployee(ctx context.Context, id string, employeeJSON []byte) (int64, error) {
	var e catalogfile.Employee
	dec := json.NewDecoder(bytes.NewReader(employeeJSON))
	dec.DisallowUnknownFields()
	err := dec.Decode(&e)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("unexpected data after the JSON body")
		}
	}
	if err != nil {
		return 0, pos.Errorf(pos.EInvalid, "malformed JSON: %v", err)
	}
	e.ID = id
	cursor, err := SetEmployee(ctx, c.Catalog, e)
	return cursor, invalidFile(err)
}

// invalidFile turns a *catalogfile.ImportError into pos.EInvalid.
func invalidFile(err error) error {
	var ie *catalogfile.ImportError
	if errors.As(err, &ie) {
		return &pos.Error{Code: pos.EInvalid, Message: ie.Error()}
	}
	return err
}
