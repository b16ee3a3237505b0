package register

import (
	"context"

	"github.com/tillpos/till/app/pos"
)

// Searcher finds products by name, SKU or barcode as the cashier types; a
// Catalog may offer it (store does).
type Searcher interface {
	SearchProducts(ctx context.Context, query string, limit int) ([]pos.Product, error)
}

// Search finds up to limit products matching query (name words by prefix,
// SKU by prefix, barcode exactly). Without a searching catalog it finds none.
func (r *Register) Search(ctx context.Context, query string, limit int) ([]pos.Product, error) {
	s, ok := r.deps.Catalog.(Searcher)
	if !ok {
		return nil, nil
	}
	return s.SearchProducts(ctx, query, limit)
}
