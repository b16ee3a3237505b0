package pos

// Qty is a quantity in thousandths: 1000 is one piece, 1250 is 1.250 kg.
type Qty int64

// QtyOne is one piece.
const QtyOne Qty = 1000

// MaxQty bounds one line's quantity (1,000,000 pieces or kg).
const MaxQty Qty = 1_000_000_000

// TaxRate is a named VAT/sales-tax rate in basis points (1900 = 19%).
type TaxRate struct {
	ID          string // "std", "red"
	Name        string // "VAT 19%"
	BasisPoints int64
}

// TaxMode says whether shelf prices include tax (EU) or tax is added (US).
type TaxMode string

const (
	TaxInclusive TaxMode = "inclusive"
	TaxExclusive TaxMode = "exclusive"
)

// Category groups products for the quick-key grid.
type Category struct {
	ID    string
	Name  string
	Color string // "#RRGGBB" for the quick key
	Sort  int
}

// Product is a sellable item. Price is per piece, or per kg when SoldByWeight.
type Product struct {
	ID           string
	SKU          string
	Name         string
	Barcodes     []string
	Price        int64 // minor units; tax-inclusive or exclusive per the store's TaxMode
	TaxRateID    string
	CategoryID   string
	SoldByWeight bool
	QuickKey     bool // shown on the quick-key grid
	// Rate is the product's tax rate when the catalog read it with the
	// product (one query on the scan path); nil: look it up by TaxRateID.
	Rate *TaxRate
}
