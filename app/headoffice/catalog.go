package headoffice

import (
	"context"
	"encoding/json"
	"io"
)

// ImportCatalog publishes a catalog file (the register's format, plain
// PINs hashed on the way) to every store; registers get it on their next
// pull. It returns the feed cursor of the last change.
func (h *HeadOffice) ImportCatalog(ctx context.Context, r io.Reader) (int64, error) {
	cursor, err := h.d.CatalogFiles.ImportCatalog(ctx, r)
	if err != nil {
		return 0, err
	}
	return cursor, h.audit(ctx, "catalog.import", "", nil, struct {
		Cursor int64 `json:"cursor"`
	}{cursor})
}

// SetEmployee adds or changes one employee given as catalog-file JSON.
func (h *HeadOffice) SetEmployee(ctx context.Context, id string, employeeJSON []byte) (int64, error) {
	cursor, err := h.d.CatalogFiles.SetEmployee(ctx, id, employeeJSON)
	if err != nil {
		return 0, err
	}
	var e struct { // the record without its PIN
		Name   string `json:"name"`
		Role   string `json:"role"`
		Active *bool  `json:"active,omitempty"`
	}
	json.Unmarshal(employeeJSON, &e) // it was just parsed by SetEmployee
	return cursor, h.audit(ctx, "employee.set", id, nil, e)
}

// SetStorePrice gives a product its own price in one store, or with
// p.Clear drops it so the base price applies again.
func (h *HeadOffice) SetStorePrice(ctx context.Context, p StorePrice) (int64, error) {
	before, err := h.priceIn(ctx, p.StoreID, p.ProductID)
	if err != nil {
		return 0, err
	}
	cursor, err := h.d.Catalog.ApplyCatalog(ctx, CatalogBatch{Prices: []StorePrice{p}})
	if err != nil {
		return 0, err
	}
	type price struct {
		Price int64 `json:"price"`
	}
	var after any = price{p.Price}
	if p.Clear {
		after = struct {
			Base bool `json:"base_price"`
		}{true}
	}
	var was any
	if before != nil {
		was = price{*before}
	}
	return cursor, h.audit(ctx, "price.set", p.StoreID+"/"+p.ProductID, was, after)
}

// priceIn is a product's price in a store as its registers have it; nil
// if the store's catalog has no such product.
func (h *HeadOffice) priceIn(ctx context.Context, storeID, productID string) (*int64, error) {
	snap, err := h.d.Catalog.CatalogSnapshot(ctx, storeID)
	if err != nil {
		return nil, err
	}
	for _, r := range snap.Records {
		if r.Kind == "product" && r.ID == productID {
			var p struct {
				Price int64 `json:"price"`
			}
			if err := json.Unmarshal(r.Data, &p); err != nil {
				return nil, err
			}
			return &p.Price, nil
		}
	}
	return nil, nil
}

// StoreCatalog is a store's whole catalog as its registers get it.
func (h *HeadOffice) StoreCatalog(ctx context.Context, storeID string) (CatalogSnapshot, error) {
	return h.d.Catalog.CatalogSnapshot(ctx, storeID)
}

// RegisterHealth lists every register's last heartbeat.
func (h *HeadOffice) RegisterHealth(ctx context.Context) ([]RegisterHealth, error) {
	return h.d.Health.RegisterHealth(ctx)
}
