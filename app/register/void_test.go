package register_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// TestVoidOnlyInTheOpenShift: a completed sale is voided (a compensating
// entry referring to it) only while its shift is open, once, also after a
// restart; after the Z report it must be returned instead, even the same
// day.
func TestVoidOnlyInTheOpenShift(t *testing.T) {
	ctx := context.Background()
	mgr := &register.Override{PIN: "3333", Reason: "Wrong items rung up"}
	float := []register.DenomCount{{Value: 5000, Count: 1}}
	s := newShop(t)
	s.login(anna, "1111")
	if _, err := s.reg.StartShift(ctx, float); err != nil {
		t.Fatal(err)
	}
	sell := func(s *shop) pos.SaleRecord {
		t.Helper()
		scan(t, s.reg, "2176221586642")
		p, err := s.reg.TenderExact(ctx)
		if err != nil || p.Completed == nil {
			t.Fatalf("sale: %v", err)
		}
		return *p.Completed
	}
	first, second := sell(s), sell(s)

	// Restart between the sale and the void: still the same shift.
	s = s.reopen()
	s.login(anna, "1111")
	void, err := s.reg.VoidSale(ctx, first.SaleID, "Wrong items rung up", mgr)
	if err != nil {
		t.Fatalf("void in the open shift after a restart: %v", err)
	}
	if void.RefersTo != first.SaleID || void.Totals.Gross != -first.Totals.Gross {
		t.Fatalf("void record %+v", void)
	}
	if _, err := s.reg.VoidSale(ctx, first.SaleID, "again", mgr); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("second void: %v", err)
	}

	// Z report: the shift is closed; its other sale can no longer be voided,
	// neither with no shift open nor in the next shift, nor after a restart.
	if _, err := s.reg.CloseShift(ctx, float, mgr); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reg.VoidSale(ctx, second.SaleID, "late", mgr); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("void with no shift open: %v", err)
	}
	s = s.reopen()
	s.login(anna, "1111")
	if _, err := s.reg.StartShift(ctx, float); err != nil {
		t.Fatal(err)
	}
	_, err = s.reg.VoidSale(ctx, second.SaleID, "late", mgr)
	if pos.ErrorCode(err) != pos.EConflict || pos.ErrorMessage(err) != "Receipt "+second.ReceiptNo+" is from an earlier shift: take a return instead." {
		t.Fatalf("void of the last shift's sale: %v", err)
	}
	third := sell(s)
	if _, err := s.reg.VoidSale(ctx, third.SaleID, "Wrong items rung up", mgr); err != nil {
		t.Fatalf("void in the new shift: %v", err)
	}
	voids := s.entries(pos.EntryVoid)
	refs := map[string]bool{}
	for _, e := range voids {
		var rec pos.SaleRecord
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			t.Fatal(err)
		}
		refs[rec.RefersTo] = true
	}
	if len(voids) != 2 || !refs[first.SaleID] || !refs[third.SaleID] {
		t.Fatalf("voids %d refer to %v", len(voids), refs)
	}
	if n, err := s.db.VerifyJournal(ctx); err != nil || n == 0 {
		t.Fatalf("chain: %d %v", n, err)
	}
}
