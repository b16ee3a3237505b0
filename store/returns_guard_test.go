package store

import (
	"context"
	"errors"
	"testing"
	"time"

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

// A parked return is not in the journal, so nothing counts it: parking a
// return is refused, and the commit refuses a return of a voided sale.
func TestReturnCannotBeParkedNorRefundedAfterVoid(t *testing.T) {
	rig := newSellingRig(t)
	ctx := context.Background()
	if _, err := rig.reg.StartShift(ctx, nil); err != nil { // a sale is voided only in its shift
		t.Fatal(err)
	}
	rig.scan(kaese)
	sale := rig.payExact()
	ov := &register.Override{PIN: mgr, Reason: reason}
	if err := rig.reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.reg.Park(ctx); !errors.Is(err, register.ErrReturnNotParked) {
		t.Fatalf("park a return: %v, want ErrReturnNotParked", err)
	}
	if s, _ := rig.reg.Sale(); !s.Return || len(s.Lines) != 1 {
		t.Fatalf("the return is no longer open after a refused park: %+v", s)
	}

	// The same receipt voided from a second register on the same journal
	// while the return is open: the return's commit must refuse.
	other := register.New(register.Config{RegisterID: "reg-test", RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: rig.db, Journal: rig.db, Staff: rig.db, Clock: fixedClock{t0}})
	other.SetEmployee(register.Employee{ID: "e-max", Name: "Max", Role: register.RoleManager})
	if _, err := other.VoidSale(ctx, sale.SaleID, reason, ov); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.reg.TenderExact(ctx); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("return after a void: %v, want a conflict", err)
	}
	if refs, _ := rig.db.EntriesReferringTo(ctx, sale.SaleID); len(refs) != 1 || refs[0].Kind != pos.EntryVoid {
		t.Fatalf("entries referring to the sale: %+v", refs)
	}
}

// hookJournal runs beforeVoid just before a void is appended: another
// register's commit landing between VoidSale's checks and its append.
type hookJournal struct {
	*DB
	beforeVoid func()
}

func (j *hookJournal) Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	if f := j.beforeVoid; kind == pos.EntryVoid && f != nil {
		j.beforeVoid = nil
		f()
	}
	return j.DB.Append(ctx, kind, id, at, build)
}

// A return committed after VoidSale checked the sale (but before the void's
// append) makes the void's commit refuse: the goods are not paid back twice.
func TestVoidRefusedAtCommitAfterAReturn(t *testing.T) {
	rig := newSellingRig(t)
	ctx := context.Background()
	if _, err := rig.reg.StartShift(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rig.scan(kaese)
	sale := rig.payExact()
	ov := &register.Override{PIN: mgr, Reason: reason}
	if err := rig.reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
		t.Fatal(err)
	}
	j := &hookJournal{DB: rig.db, beforeVoid: func() { rig.payExact() }}
	other := register.New(register.Config{RegisterID: "reg-test", RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: rig.db, Journal: j, Staff: rig.db, Clock: fixedClock{t0}})
	other.SetEmployee(register.Employee{ID: "e-max", Name: "Max", Role: register.RoleManager})
	if _, err := other.VoidSale(ctx, sale.SaleID, reason, ov); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("void after a return: %v, want a conflict", err)
	}
	if refs, _ := rig.db.EntriesReferringTo(ctx, sale.SaleID); len(refs) != 1 || refs[0].Kind != pos.EntryReturn {
		t.Fatalf("entries referring to the sale: %+v", refs)
	}
}
