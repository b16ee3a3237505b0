package headoffice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tillpos/till/app/pos"
)

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

// LedgerRegister is the register id of the head office's own journal: the
// stock records made at the back office (adjustments, receipts, counts,
// transfers) are entries of this chain, projected like any register's.
const LedgerRegister = "head-office"

// Stock reads the stock projection (store/hqstore.Stock).
type Stock interface {
	StockPositions(ctx context.Context, f StockFilter) ([]StockPosition, error)
	StockMovements(ctx context.Context, storeID, productID string) ([]pos.Movement, error)
	SetStockSetting(ctx context.Context, s StockSetting) error
	LowStock(ctx context.Context, storeID string, limit int) ([]LowStock, error)
	Valuation(ctx context.Context, storeID string) (Valuation, error)
}

// SetStockSetting sets a product's reorder point, maximum and cost price in
// a store; a setting out of bounds is a *pos.Error with code EInvalid.
func (h *HeadOffice) SetStockSetting(ctx context.Context, s StockSetting) error {
	if h.d.Stock == nil {
		return errNoStock
	}
	if err := s.Validate(); err != nil {
		return err
	}
	return h.d.Stock.SetStockSetting(ctx, s)
}

// LowStock is a store's products at or below their reorder point, with
// the suggested order (up to the maximum).
func (h *HeadOffice) LowStock(ctx context.Context, storeID string) ([]LowStock, error) {
	if h.d.Stock == nil {
		return nil, errNoStock
	}
	if storeID == "" {
		return nil, pos.Errorf(pos.EInvalid, "Name a store.")
	}
	return h.d.Stock.LowStock(ctx, storeID, DefaultStockLimit)
}

// Valuation is a store's stock at cost price.
func (h *HeadOffice) Valuation(ctx context.Context, storeID string) (Valuation, error) {
	if h.d.Stock == nil {
		return Valuation{}, errNoStock
	}
	if storeID == "" {
		return Valuation{}, pos.Errorf(pos.EInvalid, "Name a store.")
	}
	return h.d.Stock.Valuation(ctx, storeID)
}

// StockLedger is the head office's own stock journal: its chain end, and the append
// of its next sealed entry, which ingest stores and projects like a
// register's. stored is false with a reason when the entry was refused
// (another append took the seq first).
type StockLedger interface {
	LedgerEnd(ctx context.Context) (seq int64, hash string, err error)
	AppendLedger(ctx context.Context, e pos.Entry) (stored bool, reason string, err error)
}

// StockPositions lists on-hand positions.
func (h *HeadOffice) StockPositions(ctx context.Context, f StockFilter) ([]StockPosition, error) {
	if h.d.Stock == nil {
		return nil, errNoStock
	}
	return h.d.Stock.StockPositions(ctx, f)
}

// StockMovements is a product's history in a store, in the one order.
func (h *HeadOffice) StockMovements(ctx context.Context, storeID, productID string) ([]pos.Movement, error) {
	if h.d.Stock == nil {
		return nil, errNoStock
	}
	if storeID == "" || productID == "" {
		return nil, pos.Errorf(pos.EInvalid, "Name a store and a product.")
	}
	return h.d.Stock.StockMovements(ctx, storeID, productID)
}

var errNoStock = errors.New("headoffice: no stock store wired")

// RecordStock writes a stock record made at the back office into the head
// office's own journal (LedgerRegister) and so into on-hand. The head office
// stamps it: its own clock (offset 0), its register id. A record the
// register's rules refuse is a *pos.Error with code EInvalid. Two appends at
// once race for the next seq; the loser retries on the new chain end.
func (h *HeadOffice) RecordStock(ctx context.Context, rec pos.StockRecord) (entryID string, err error) {
	if h.d.StockLedger == nil {
		return "", errNoStock
	}
	zero := int64(0)
	rec.V, rec.RegisterID, rec.At, rec.ClockOffsetMS = pos.StockRecordVersion, LedgerRegister, h.d.Now().UTC().Truncate(time.Millisecond), &zero
	payload, err := pos.EncodeStockRecord(rec)
	if err != nil {
		return "", err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("headoffice: entry id: %w", err)
	}
	for range 5 {
		seq, hash, err := h.d.StockLedger.LedgerEnd(ctx)
		if err != nil {
			return "", err
		}
		e := pos.Entry{Seq: seq + 1, ID: id.String(), RegisterID: LedgerRegister, Kind: pos.EntryStock, CreatedAt: rec.At, Payload: payload}
		e.Seal(hash)
		stored, reason, err := h.d.StockLedger.AppendLedger(ctx, e)
		if err != nil {
			return "", err
		}
		if stored {
			return e.ID, nil
		}
		_ = reason // the seq was taken: read the new end and try again
	}
	return "", errors.New("headoffice: the stock ledger is busy; retry")
}

// StockSetting is what the owner sets for a product in a store: reorder
// when on-hand falls to ReorderPoint, order up to MaxQty (both thousandths);
// Cost is the cost price per unit in minor units.
type StockSetting struct {
	StoreID      string  `json:"store_id"`
	ProductID    string  `json:"product_id"`
	ReorderPoint pos.Qty `json:"reorder_point"`
	MaxQty       pos.Qty `json:"max_qty"`
	Cost         int64   `json:"cost"`
}

// Validate bounds a setting from outside.
func (s StockSetting) Validate() error {
	switch {
	case s.StoreID == "" || s.ProductID == "" || len(s.StoreID) > pos.MaxStockIDLen || len(s.ProductID) > pos.MaxStockIDLen:
		return pos.Errorf(pos.EInvalid, "Name a store and a product (at most %d bytes each).", pos.MaxStockIDLen)
	case s.ReorderPoint < 0 || s.ReorderPoint > pos.MaxQty || s.MaxQty < s.ReorderPoint || s.MaxQty > pos.MaxQty:
		return pos.Errorf(pos.EInvalid, "The reorder point must be between 0 and the maximum, the maximum at most %d.", pos.MaxQty)
	case s.Cost < 0 || s.Cost > pos.MaxAmount:
		return pos.Errorf(pos.EInvalid, "The cost price must be between 0 and %d.", pos.MaxAmount)
	}
	return nil
}

// LowStock is a product at or below its reorder point, with the suggested
// order: up to the maximum (min/max).
type LowStock struct {
	StoreID      string  `json:"store_id"`
	ProductID    string  `json:"product_id"`
	OnHand       pos.Qty `json:"on_hand"`
	ReorderPoint pos.Qty `json:"reorder_point"`
	MaxQty       pos.Qty `json:"max_qty"`
	Suggested    pos.Qty `json:"suggested"` // MaxQty - OnHand
}

// Valuation is a store's positive stock at cost, minor units; Unvalued
// counts positions with stock but no cost price set.
type Valuation struct {
	StoreID  string `json:"store_id"`
	Value    int64  `json:"value"`
	Unvalued int    `json:"unvalued"`
}
