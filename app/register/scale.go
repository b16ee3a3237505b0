package register

import (
	"context"
	"fmt"

	"github.com/tillpos/till/app/pos"
)

// Scale weighs goods (hardware/scale drives a Toledo 8217-protocol scale).
// Weight returns a stable weight only; its errors carry a sentence for the
// cashier ("Scale: weight not stable").
type Scale interface {
	Weight(ctx context.Context) (pos.Qty, error)
}

// HasScale reports whether a scale is configured, so the UI weighs on it
// instead of asking for the weight.
func (r *Register) HasScale() bool { return r.deps.Scale != nil }

// AddWeighed weighs a product sold by weight on the scale and adds it.
func (r *Register) AddWeighed(ctx context.Context, productID string) (int, error) {
	if r.deps.Scale == nil {
		return -1, pos.Errorf(pos.EUnavailable, "No scale is configured: enter the weight by hand.")
	}
	p, err := r.deps.Catalog.Product(ctx, productID)
	if err != nil {
		return -1, fmt.Errorf("add weighed %q: %w", productID, err)
	}
	if !p.SoldByWeight {
		return -1, pos.Errorf(pos.EInvalid, "%s is not sold by weight.", p.Name)
	}
	return r.weighAndAdd(ctx, p, "")
}

func (r *Register) weighAndAdd(ctx context.Context, p pos.Product, barcode string) (int, error) {
	w, err := r.deps.Scale.Weight(ctx)
	if err != nil {
		return -1, err
	}
	if w <= 0 {
		return -1, pos.Errorf(pos.EInvalid, "Scale: put %s on the scale.", p.Name)
	}
	return r.add(ctx, p, w, barcode)
}
