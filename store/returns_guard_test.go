package store

import (
	"context"
	"errors"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// A return's lines were checked against what was sold when it was opened:
// the sale screen's −/+, the quantity keypad, discounts and scans must not
// change them afterwards, so the refund never exceeds the sale.
func TestReturnLinesCannotBeChangedAfterTheCheck(t *testing.T) {
	rig := newSellingRig(t)
	ctx := context.Background()
	rig.scan(kaese)
	sale := rig.payExact()
	ov := &register.Override{PIN: mgr, Reason: reason}
	if err := rig.reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
		t.Fatal(err)
	}
	if err := rig.reg.SetQty(0, -5000); !errors.Is(err, pos.ErrReturnFixed) {
		t.Errorf("SetQty on a return line: %v, want ErrReturnFixed", err)
	}
	if err := rig.reg.SetLineDiscount(ctx, 0, pos.Discount{Percent: 500}, ov); !errors.Is(err, pos.ErrReturnFixed) {
		t.Errorf("SetLineDiscount on a return line: %v, want ErrReturnFixed", err)
	}
	if err := rig.reg.OverridePrice(ctx, 0, 999, ov); !errors.Is(err, pos.ErrReturnFixed) {
		t.Errorf("OverridePrice on a return line: %v, want ErrReturnFixed", err)
	}
	if _, err := rig.reg.Scan(ctx, kaese); !errors.Is(err, pos.ErrReturnFixed) {
		t.Errorf("Scan into a return: %v, want ErrReturnFixed", err)
	}
	ret := rig.payExact()
	if -ret.Totals.Gross != sale.Totals.Gross || ret.Lines[0].Qty != -1000 {
		t.Fatalf("refunded %d (qty %d) for a sale of %d", -ret.Totals.Gross, ret.Lines[0].Qty, sale.Totals.Gross)
	}
}

// Two returns of the same receipt opened side by side (two registers on the
// same journal) each pass StartReturn's check; the commit checks again
// inside the journal's transaction and refuses the second.
func TestReturnCommitRechecksWhatIsLeft(t *testing.T) {
	rig := newSellingRig(t)
	ctx := context.Background()
	rig.scan(kaese)
	sale := rig.payExact()
	other := register.New(register.Config{RegisterID: "reg-test", RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: rig.db, Journal: rig.db, Parked: rig.db, Staff: rig.db, Clock: fixedClock{t0}})
	other.SetEmployee(register.Employee{ID: "e-max", Name: "Max", Role: register.RoleManager})
	ov := &register.Override{PIN: mgr, Reason: reason}
	for _, r := range []*register.Register{rig.reg, other} {
		if err := r.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
			t.Fatal(err)
		}
	}
	first := rig.payExact()
	_, err := other.TenderExact(ctx)
	if pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("second return of the same goods: %v, want a conflict", err)
	}
	refs, _ := rig.db.EntriesReferringTo(ctx, sale.SaleID)
	if len(refs) != 1 || -first.Totals.Gross != sale.Totals.Gross {
		t.Fatalf("%d returns journaled, first refunded %d of %d", len(refs), -first.Totals.Gross, sale.Totals.Gross)
	}
}
