package store

import (
	"context"
	"testing"

	"github.com/tillpos/till/app/pos"
)

// An amount discount was checked against the limit on the amount it was
// given on. When the quantity or the lines shrink under it, it keeps the
// share it was approved for: the cashier's 10 % stays 10 %, and a line
// never goes below zero.
func TestAmountDiscountKeepsItsApprovedShare(t *testing.T) {
	ctx := context.Background()
	t.Run("line", func(t *testing.T) {
		rig := newSellingRig(t)
		for range 10 {
			rig.scan(kaese) // 10 × 1.89, one line
		}
		if err := rig.reg.SetLineDiscount(ctx, 0, pos.Discount{Amount: 189}, nil); err != nil {
			t.Fatalf("10 %% as a cashier: %v", err)
		}
		if err := rig.reg.SetQty(0, 1000); err != nil {
			t.Fatal(err)
		}
		rig.scan(creme) // 0.99
		s, tot := rig.reg.Sale()
		if s.Lines[0].Discount != 19 || tot.Gross != 189-19+99 {
			t.Fatalf("one roll: discount %d, gross %d; want 0.19 off, %d", s.Lines[0].Discount, tot.Gross, 189-19+99)
		}
		rec := rig.payExact()
		if rec.Lines[0].Amount < 0 {
			t.Fatalf("a sold line went negative: %d", rec.Lines[0].Amount)
		}
	})
	t.Run("order", func(t *testing.T) {
		rig := newSellingRig(t)
		for range 10 {
			rig.scan(kaese)
		}
		rig.scan(creme) // 19.89 in all
		if err := rig.reg.SetOrderDiscount(ctx, pos.Discount{Amount: 198}, nil); err != nil {
			t.Fatalf("order discount as a cashier: %v", err)
		}
		if err := rig.reg.RemoveLine(0); err != nil {
			t.Fatal(err)
		}
		if _, tot := rig.reg.Sale(); tot.Gross != 99-10 {
			t.Fatalf("crème fraîche alone: gross %d, want %d (the approved 10 %%)", tot.Gross, 99-10)
		}
	})
}
