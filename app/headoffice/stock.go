package headoffice

import "github.com/tillpos/till/app/pos"

// StockPosition is the on-hand of one product in one store as the head
// office's projection holds it (docs/INVENTORY.md).
type StockPosition struct {
	StoreID   string `json:"store_id"`
	ProductID string `json:"product_id"`
	pos.Position
}

// StockFilter narrows a list of positions; empty fields match all.
type StockFilter struct {
	StoreID   string
	ProductID string
	Negative  bool // only positions below zero
	Limit     int  // 0: DefaultStockLimit
}

// DefaultStockLimit caps a list of positions or movements.
const DefaultStockLimit = 10000
