package hqstoretest

import (
	"context"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
)

// testFactTotals: every dimension the reports group by, over the facts of
// moneyShift (R1 of S1: everything it sells is voided or returned) and
// three sales of R2 of S2 (three 7 % lines each, 1523 a sale, paid in cash
// 100, 200 and 300 as SalePayload fakes them), with days and hours in a
// zone 14 hours east so the shift lands on the next local day.
func testFactTotals(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	for _, s := range []hqstore.StoreInfo{{ID: "S1", Name: "One"}, {ID: "S2", Name: "Two"}} {
		if err := st.AddStore(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R1", StoreID: "S1"}, hqstore.PendingCode{Hash: "h", Hint: "H", ExpiresAt: Epoch}); err != nil {
		t.Fatal(err)
	}
	at := Epoch.Add(3 * time.Hour) // 12:00 UTC, 02:00 the next day at +14
	if _, _, err := st.IngestBatch(ctx, "R1", moneyShift(NewChain("R1"), at)); err != nil {
		t.Fatal(err)
	}
	c2 := NewChain("R2")
	c2.StoreID = "S2"
	if _, _, err := st.IngestBatch(ctx, "R2", c2.Sales(3)); err != nil { // 09:0x UTC, 23:0x at +14
		t.Fatal(err)
	}
	east := time.FixedZone("+14", 14*3600)
	q := func(by headoffice.Dimension, store string, kind headoffice.FactKind) map[string]headoffice.FactTotal {
		t.Helper()
		ts, err := st.FactTotals(ctx, headoffice.FactQuery{From: Epoch.Add(-24 * time.Hour), To: Epoch.Add(24 * time.Hour),
			StoreID: store, By: by, Kind: kind, Loc: east})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]headoffice.FactTotal{}
		for _, tt := range ts {
			if tt.Currency != "EUR" {
				t.Errorf("by %s: currency %q", by, tt.Currency)
			}
			out[tt.Key] = tt
		}
		return out
	}
	check := func(by headoffice.Dimension, store string, kind headoffice.FactKind, want map[string][2]int64) {
		t.Helper()
		got := q(by, store, kind)
		if len(got) != len(want) {
			t.Errorf("by %s (store %q, kind %q): %+v, want keys of %v", by, store, kind, got, want)
		}
		for k, w := range want {
			if g := got[k]; g.Count != w[0] || g.Gross != w[1] {
				t.Errorf("by %s (store %q, kind %q) %q: count %d gross %d, want %v", by, store, kind, k, g.Count, g.Gross, w)
			}
		}
	}
	check(headoffice.ByStore, "", "", map[string][2]int64{"S1": {4, 0}, "S2": {9, 4569}})
	check(headoffice.ByRegister, "", "", map[string][2]int64{"R1": {4, 0}, "R2": {9, 4569}})
	check(headoffice.ByEmployee, "", "", map[string][2]int64{"E1": {4, 0}, "E7": {9, 4569}})
	check(headoffice.ByProduct, "", "", map[string][2]int64{"P1": {5, 750}, "P2": {5, 2697}, "P3": {3, 1122}})
	check(headoffice.ByProduct, "S2", "", map[string][2]int64{"P1": {3, 750}, "P2": {3, 2697}, "P3": {3, 1122}})
	check(headoffice.ByTaxRate, "", "", map[string][2]int64{"700": {9, 4569}, "1900": {4, 0}})
	check(headoffice.ByKind, "", "", map[string][2]int64{"sale": {11, 4869}, "void": {1, -100}, "return": {1, -200}})
	check(headoffice.ByEmployee, "", headoffice.FactVoid, map[string][2]int64{"E1": {1, -100}})
	check(headoffice.ByTender, "", "", map[string][2]int64{"cash": {5, 600}, "card": {2, 0}})
	check(headoffice.ByDay, "", "", map[string][2]int64{"2026-03-02": {9, 4569}, "2026-03-03": {4, 0}})
	check(headoffice.ByHour, "", "", map[string][2]int64{"23": {9, 4569}, "02": {4, 0}})
	if p1 := q(headoffice.ByProduct, "", "")["P1"]; p1.Qty != 3000 || p1.Discount != 0 || p1.Net+p1.Tax != p1.Gross {
		t.Errorf("P1 %+v: qty 3000, discount 0 (the void's cancels the sale's)", p1)
	}
	if _, err := st.FactTotals(ctx, headoffice.FactQuery{From: Epoch, To: Epoch.Add(time.Hour), By: "colour"}); err == nil {
		t.Error("an unknown dimension was accepted")
	}

	ev, err := st.Events(ctx, headoffice.FactQuery{From: Epoch, To: Epoch.Add(24 * time.Hour), StoreID: "S1"}, headoffice.EventShiftClose)
	if err != nil || len(ev) != 1 || ev[0].Amount != -50 || ev[0].RegisterID != "R1" {
		t.Errorf("shift closes %+v %v", ev, err)
	}
	if ev, err := st.Events(ctx, headoffice.FactQuery{From: Epoch, To: Epoch.Add(24 * time.Hour), StoreID: "S2"}, headoffice.EventShiftClose); err != nil || len(ev) != 0 {
		t.Errorf("S2 closed no shift: %+v %v", ev, err)
	}

	// The use case over this store: labels from the registry, the
	// previous day empty.
	ho := HeadOffice(t, st, func() time.Time { return at }, nil)
	p, err := ho.Period("2026-03-02", "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ho.SalesReport(ctx, p, "", headoffice.ByStore)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2 || rep.Rows[0].Label != "Two" || rep.Rows[0].Gross != 4569 || rep.Rows[0].PrevGross != 0 ||
		len(rep.Totals) != 1 || rep.Totals[0].Gross != 4569 {
		t.Errorf("report by store %+v", rep)
	}
	staff, err := ho.StaffReport(ctx, p, "S1")
	if err != nil || len(staff) != 2 {
		t.Fatalf("staff report %+v %v", staff, err)
	}
	for _, r := range staff {
		switch r.EmployeeID {
		case "E1":
			if r.Gross != 300 || r.Voids != -100 || r.Returns != -200 || r.Discount != 0 || r.Asked != 1 || r.Approved != 0 {
				t.Errorf("E1 %+v", r)
			}
		case "M1":
			if r.Approved != 1 || r.Asked != 0 || r.Gross != 0 {
				t.Errorf("M1 %+v", r)
			}
		default:
			t.Errorf("staff row %+v", r)
		}
	}
	shifts, err := ho.ShiftsReport(ctx, p, "")
	if err != nil || len(shifts) != 1 || shifts[0].OverShort != -50 || shifts[0].Expected != 6500 || shifts[0].Counted != 6450 {
		t.Errorf("shifts %+v %v", shifts, err)
	}
}
