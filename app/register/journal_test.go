package register

import (
	"context"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Every entry the register journals reaches OnCommitted once, with its
// record decoded, after the register's lock is released: the hook calls
// back into the Register (Sale and Current lock it), which deadlocked when
// the hook ran under the lock. Overrides are entries too: they wake the
// syncer like any other.
func TestOnCommittedAfterUnlockWithTheRecord(t *testing.T) {
	t.Parallel()
	j := &fakeJournal{}
	var got []Committed
	var r *Register
	hook := func(c Committed) {
		done := make(chan struct{})
		go func() { // on another goroutine: a held r.mu blocks it, and the test fails by timeout below
			r.Sale()
			r.Current()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("OnCommitted for %s ran with the register locked", c.Entry.Kind)
		}
		got = append(got, c)
	}
	staff := fakeStaff{"1111": {ID: "e-anna", Name: "Anna", Role: RoleCashier}, "9999": {ID: "m1", Name: "Maria", Role: RoleManager}}
	r = New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: j, Staff: staff, Printer: newFakePrinter(),
		Clock: fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}, OnCommitted: hook})
	ctx := context.Background()
	if _, _, err := r.Login(ctx, "e-anna", "1111"); err != nil { // clock in
		t.Fatal(err)
	}
	if _, err := r.StartShift(ctx, []DenomCount{{Value: 1000, Count: 10}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Scan(ctx, "4000417025005"); err != nil {
		t.Fatal(err)
	}
	pay, err := r.TenderCash(ctx, 500) // commits under the register's lock
	if err != nil || pay.Completed == nil {
		t.Fatal(pay, err)
	}
	if _, err := r.Scan(ctx, "4000417025005"); err != nil {
		t.Fatal(err)
	}
	if err := r.CancelSale(ctx, "changed mind"); err != nil { // also under the lock
		t.Fatal(err)
	}
	ov := &Override{PIN: "9999", Reason: "wrong item"}
	if _, err := r.VoidSale(ctx, pay.Completed.SaleID, "wrong item", ov); err != nil { // override + void
		t.Fatal(err)
	}
	if _, err := r.CashDrop(ctx, 5000, "safe"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CloseShift(ctx, nil, ov); err != nil { // override + Z under the lock
		t.Fatal(err)
	}
	if err := r.ClockOut(ctx); err != nil {
		t.Fatal(err)
	}
	want := []pos.EntryKind{pos.EntryClockInOut, pos.EntryShiftOpen, pos.EntrySale, pos.EntryCancel,
		pos.EntryOverride, pos.EntryVoid, pos.EntryCashMove, pos.EntryOverride, pos.EntryZReport, pos.EntryClockInOut}
	if len(got) != len(want) || len(j.entries) != len(want) {
		t.Fatalf("hook heard %d entries, journal has %d, want %d", len(got), len(j.entries), len(want))
	}
	for i, c := range got {
		if c.Entry.Kind != want[i] || c.Entry.Seq != j.entries[i].Seq || c.Entry.Hash != j.entries[i].Hash {
			t.Errorf("entry %d: hook heard %s seq %d, journal has %s seq %d", i, c.Entry.Kind, c.Entry.Seq, j.entries[i].Kind, j.entries[i].Seq)
		}
	}
	if rec, ok := got[2].Sale(); !ok || rec.ReceiptNo != pay.Completed.ReceiptNo || rec.Totals.Gross != 119 {
		t.Errorf("sale record %+v %v", rec, ok)
	}
	if rec, ok := got[4].Record.(OverrideRecord); !ok || rec.Action != ActionVoidSale || rec.ApproverID != "m1" {
		t.Errorf("override record %#v", got[4].Record)
	}
	if rec, ok := got[5].Sale(); !ok || rec.RefersTo != pay.Completed.SaleID || rec.Totals.Gross != -119 {
		t.Errorf("void record %+v", rec)
	}
	if rec, ok := got[6].Record.(CashMoveRecord); !ok || rec.Kind != CashDrop || rec.Amount != 5000 {
		t.Errorf("cash move record %#v", got[6].Record)
	}
	if rec, ok := got[8].Record.(ShiftReport); !ok || !rec.Z || rec.Sales != 1 || rec.Voids != 1 {
		t.Errorf("z record %#v", got[8].Record)
	}
	if rec, ok := got[9].Record.(ClockRecord); !ok || rec.In || rec.EmployeeID != "e-anna" {
		t.Errorf("clock record %#v", got[9].Record)
	}
	if _, ok := got[3].Record.(CancelRecord); !ok {
		t.Errorf("cancel record %#v", got[3].Record)
	}
}

// A failed commit tells the hook nothing.
func TestOnCommittedNotCalledForAFailedCommit(t *testing.T) {
	t.Parallel()
	j := &fakeJournal{failNext: errDiskFull}
	called := 0
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: j, OnCommitted: func(Committed) { called++ }})
	ctx := context.Background()
	if _, err := r.Scan(ctx, "4000417025005"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.TenderExact(ctx); err == nil {
		t.Fatal("commit on a full disk succeeded")
	}
	if called != 0 {
		t.Fatalf("hook called %d times for a failed commit", called)
	}
	if _, err := r.Complete(ctx); err != nil { // the retry commits
		t.Fatal(err)
	}
	if called != 1 {
		t.Fatalf("hook called %d times for one commit", called)
	}
}
