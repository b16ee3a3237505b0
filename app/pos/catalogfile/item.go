package catalogfile

import "encoding/json"

// Kinds of Item: the record types of a File.
const (
	KindSetting  = "setting"
	KindTaxRate  = "tax_rate"
	KindCategory = "category"
	KindProduct  = "product"
	KindEmployee = "employee"
)

// Item is one record of the head office's catalog feed: Data is the record
// in File JSON (TaxRate, Category, Product with the store's price, Employee
// with a PINHash, or a JSON string for a setting). Deleted removes a
// product and deactivates an employee; other kinds are referenced by
// history and are kept.
type Item struct {
	Kind    string
	ID      string
	Data    json.RawMessage
	Deleted bool
}
