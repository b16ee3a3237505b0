package headoffice

import "time"

// Dimension is what a report groups by.
type Dimension string

const (
	ByDay      Dimension = "day"
	ByHour     Dimension = "hour"
	ByStore    Dimension = "store"
	ByRegister Dimension = "register"
	ByEmployee Dimension = "employee"
	ByProduct  Dimension = "product"
	ByCategory Dimension = "category"
	ByTaxRate  Dimension = "tax_rate"
	ByTender   Dimension = "tender"
	ByKind     Dimension = "kind" // sale, return, void
)

// Dimensions are every Dimension, in the order the back office offers them.
var Dimensions = []Dimension{ByDay, ByHour, ByStore, ByRegister, ByEmployee, ByProduct, ByCategory, ByTaxRate, ByTender, ByKind}

// FactQuery selects facts for Facts.
type FactQuery struct {
	From, To time.Time
	StoreID  string // "" for every store
	By       Dimension
	Kind     FactKind       // "" for every kind; else only sales, returns or voids
	Loc      *time.Location // for ByDay and ByHour
}

// FactTotal is one group of line facts (Count lines) or, ByTender, of
// tender facts (Count tenders, Gross their amount as the Z report counts
// it). Every figure is signed: returns and voids subtract.
type FactTotal struct {
	Key      string
	Currency string
	Count    int64
	Qty      int64 // thousandths
	Net      int64
	Tax      int64
	Gross    int64
	Discount int64
}
