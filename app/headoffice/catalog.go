package headoffice

import (
	"context"
	"io"
)

// ImportCatalog publishes a catalog file (the register's format, plain
// PINs hashed on the way) to every store; registers get it on their next
// pull. It returns the feed cursor of the last change.
func (h *HeadOffice) ImportCatalog(ctx context.Context, r io.Reader) (int64, error) {
	return h.d.CatalogFiles.ImportCatalog(ctx, r)
}

// SetEmployee adds or changes one employee given as catalog-file JSON.
func (h *HeadOffice) SetEmployee(ctx context.Context, id string, employeeJSON []byte) (int64, error) {
	return h.d.CatalogFiles.SetEmployee(ctx, id, employeeJSON)
}

// SetStorePrice gives a product its own price in one store, or with
// p.Clear drops it so the base price applies again.
func (h *HeadOffice) SetStorePrice(ctx context.Context, p StorePrice) (int64, error) {
	return h.d.Catalog.ApplyCatalog(ctx, CatalogBatch{Prices: []StorePrice{p}})
}

// StoreCatalog is a store's whole catalog as its registers get it.
func (h *HeadOffice) StoreCatalog(ctx context.Context, storeID string) (CatalogSnapshot, error) {
	return h.d.Catalog.CatalogSnapshot(ctx, storeID)
}

// RegisterHealth lists every register's last heartbeat.
func (h *HeadOffice) RegisterHealth(ctx context.Context) ([]RegisterHealth, error) {
	return h.d.Health.RegisterHealth(ctx)
}
