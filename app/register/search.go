package register

import (
	"context"

	"github.com/tillpos/till/app/pos"
)

// Search finds up to limit products matching query (name words by prefix,
// SKU by prefix, barcode exactly).
func (r *Register) Search(ctx context.Context, query string, limit int) ([]pos.Product, error) {
	return r.deps.Catalog.SearchProducts(ctx, query, limit)
}
