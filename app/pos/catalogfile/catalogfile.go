package catalogfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// File is the JSON catalog format (see assets/demo_catalog.json). Prices
// are integer minor units in the store's tax mode; a product sold by weight
// is priced per kg.
type File struct {
	Version    int               `json:"version"` // 1
	Settings   map[string]string `json:"settings,omitempty"`
	TaxRates   []TaxRate         `json:"tax_rates"`
	Categories []Category        `json:"categories"`
	Products   []Product         `json:"products"`
	Employees  []Employee        `json:"employees,omitempty"`
}

// TaxRate is a tax rate in a File.
type TaxRate struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	BasisPoints int64  `json:"basis_points"` // 1900 = 19%
}

// Category is a category in a File.
type Category struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color,omitempty"` // "#RRGGBB"
	Sort  int    `json:"sort,omitempty"`
}

// Product is a product in a File.
type Product struct {
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

// Employee is an employee in a File. PIN is plain in the file (the file is
// the shop's own setup, like a password reset) and hashed with argon2id on
// import; only the hash is stored.
type Employee struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`          // one of Roles
	PIN  string `json:"pin,omitempty"` // 4-6 digits
	// PINHash replaces PIN where a PIN must not travel (the head office's
	// catalog feed): app/pinhash's encoding. The PIN wins when both are set.
	PINHash string `json:"pin_hash,omitempty"`
	Active  *bool  `json:"active,omitempty"`
	Sort    int    `json:"sort,omitempty"`
}

// Roles are the employee roles a File may name, lowest first; they are
// app/register's Role values (store's tests check that they agree).
var Roles = []string{"cashier", "supervisor", "manager", "owner"}

// Version is the File version this package reads.
const Version = 1

// Decode reads a File strictly (unknown fields are errors) without checking
// it; Problems does that. Errors are *ImportError.
func Decode(r io.Reader) (File, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields() // a misspelt field would otherwise vanish silently
	var f File
	if err := dec.Decode(&f); err != nil {
		return File{}, importErr([]string{"it is not valid catalog JSON: " + jsonProblem(err)}, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return File{}, importErr([]string{"it has data after the catalog object"}, nil)
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
