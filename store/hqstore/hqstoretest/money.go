package hqstoretest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store/hqstore"
)

// Payload makes a journal payload of the register's own record types, so
// the projection is checked against their real JSON names.
func Payload(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // records always marshal
	}
	return b
}

// moneyShift is one shift of register R1 of store S1 (enrolled) that moves
// money every way the register can: float 100.00; a 1.00 sale paid with
// 5.00 cash (4.00 change); a 2.00 card sale; the void of the first; the
// return of the second; a drop of 30.00, a payout of 5.00 and a no-sale.
func moneyShift(c *Chain, at time.Time) []pos.Entry {
	sale := func(id string, gross, change int64, tenders ...pos.Tender) pos.SaleRecord {
		net := gross * 100 / 119
		sign := int64(1)
		if gross < 0 {
			sign = -1
		}
		return pos.SaleRecord{SaleID: id, ReceiptNo: id, RegisterID: c.RegisterID, StoreID: c.StoreID, ShiftID: "shift-1",
			CashierID: "E1", Currency: c.Currency, Completed: at, Tenders: tenders,
			Lines: []pos.RecordLine{{Line: pos.Line{ProductID: "P" + id[1:], Name: "Item " + id[1:], UnitPrice: gross * sign, Qty: pos.Qty(1000 * sign),
				TaxRateID: "std", TaxBP: 1900, Discount: 10 * sign, OrderDiscount: 5 * sign}, Amount: gross, Net: net, Tax: gross - net, Gross: gross}},
			Totals: pos.Totals{Gross: gross, Net: net, Tax: gross - net, Change: change}}
	}
	void := sale("v1", -100, -400, pos.Tender{Kind: pos.TenderCash, Amount: -500})
	void.RefersTo = "s1"
	ret := sale("r2", -200, 0, pos.Tender{Kind: pos.TenderCard, Amount: -200})
	ret.RefersTo = "s2"
	return []pos.Entry{
		c.Next(pos.EntryShiftOpen, Payload(register.ShiftOpenRecord{ShiftID: "shift-1", RegisterID: c.RegisterID, Currency: c.Currency, Float: 10000, At: at})),
		c.Next(pos.EntrySale, Payload(sale("s1", 100, 400, pos.Tender{Kind: pos.TenderCash, Amount: 500}))),
		c.Next(pos.EntrySale, Payload(sale("s2", 200, 0, pos.Tender{Kind: pos.TenderCard, Amount: 200}))),
		c.Next(pos.EntryVoid, Payload(void)),
		c.Next(pos.EntryReturn, Payload(ret)),
		c.Next(pos.EntryCashMove, Payload(register.CashMoveRecord{ShiftID: "shift-1", Kind: register.CashDrop, Amount: 3000, At: at})),
		c.Next(pos.EntryCashMove, Payload(register.CashMoveRecord{ShiftID: "shift-1", Kind: register.CashPayout, Amount: 500, At: at})),
		c.Next(pos.EntryCashMove, Payload(register.CashMoveRecord{ShiftID: "shift-1", Kind: register.CashNoSale, At: at})),
		c.Next(pos.EntryOverride, Payload(register.OverrideRecord{Action: register.ActionVoidSale, CashierID: "E1", ApproverID: "M1", SaleID: "s1"})),
		c.Next(pos.EntryZReport, Payload(register.ShiftReport{ShiftID: "shift-1", Z: true, Currency: c.Currency, Closed: at, ClosedByID: "E1",
			Gross: 0, Net: 0, Tax: 0, ExpectedCash: 6500, Counted: 6450, OverShort: -50})),
		c.Next(pos.EntryClockInOut, Payload(register.ClockRecord{EmployeeID: "E1", In: false, At: at})),
	}
}

// testMoneyFacts: every entry that moves money is projected at ingest, the
// way the Z report counts it, and a rebuild from the entries gives the
// same rows.
func testMoneyFacts(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	if err := st.AddStore(ctx, hqstore.StoreInfo{ID: "S1", Name: "One"}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R1", StoreID: "S1"}, hqstore.PendingCode{Hash: "h", Hint: "H", ExpiresAt: Epoch}); err != nil {
		t.Fatal(err)
	}
	at := Epoch.Add(3 * time.Hour) // 12:00 UTC
	c := NewChain("R1")
	entries := moneyShift(c, at)
	// Two batches: the second continues the shift's state (store, currency).
	for _, b := range [][]pos.Entry{entries[:3], entries[3:]} {
		if _, _, err := st.IngestBatch(ctx, "R1", b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.MoneyFacts(ctx, "R1")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		seq    int64
		part   int
		kind   headoffice.FactKind
		tender string
		amount int64
	}
	want := []row{
		{1, 0, headoffice.FactFloat, "cash", 10000},
		{2, 0, headoffice.FactSale, "", 100}, {2, 1, headoffice.FactSale, "cash", 100},
		{3, 0, headoffice.FactSale, "", 200}, {3, 1, headoffice.FactSale, "card", 200},
		{4, 0, headoffice.FactVoid, "", -100}, {4, 1, headoffice.FactVoid, "cash", -100},
		{5, 0, headoffice.FactReturn, "", -200}, {5, 1, headoffice.FactReturn, "card", -200},
		{6, 0, headoffice.FactDrop, "cash", 3000},
		{7, 0, headoffice.FactPayout, "cash", 500},
		{8, 0, headoffice.FactNoSale, "cash", 0},
	}
	if len(got) != len(want) {
		t.Fatalf("%d facts, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Seq != w.seq || g.Part != w.part || g.Kind != w.kind || g.Tender != w.tender || g.Amount != w.amount ||
			g.StoreID != "S1" || g.Currency != "EUR" || g.ShiftID != "shift-1" || !g.At.Equal(at) || g.EntryID != entries[w.seq-1].ID {
			t.Errorf("fact %d = %+v, want %+v in S1, EUR, shift-1 at %v", i, g, w, at)
		}
	}
	if got[1].Net != 84 || got[1].Tax != 16 {
		t.Errorf("sale net/tax %d/%d, want 84/16", got[1].Net, got[1].Tax)
	}

	// Every line of a sale, return or void, signed, with its cashier.
	lines, err := st.LineFacts(ctx, "R1")
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []struct {
		seq      int64
		kind     headoffice.FactKind
		product  string
		qty      int64
		gross    int64
		discount int64
		refersTo string
	}{
		{2, headoffice.FactSale, "P1", 1000, 100, 15, ""},
		{3, headoffice.FactSale, "P2", 1000, 200, 15, ""},
		{4, headoffice.FactVoid, "P1", -1000, -100, -15, "s1"},
		{5, headoffice.FactReturn, "P2", -1000, -200, -15, "s2"},
	}
	if len(lines) != len(wantLines) {
		t.Fatalf("%d line facts, want %d: %+v", len(lines), len(wantLines), lines)
	}
	for i, w := range wantLines {
		g := lines[i]
		if g.Seq != w.seq || g.Line != 1 || g.Kind != w.kind || g.ProductID != w.product || g.Qty != w.qty || g.Gross != w.gross ||
			g.Net+g.Tax != w.gross || g.TaxBP != 1900 || g.Discount != w.discount || g.RefersTo != w.refersTo ||
			g.EmployeeID != "E1" || g.StoreID != "S1" || g.ShiftID != "shift-1" || g.Currency != "EUR" || !g.At.Equal(at) {
			t.Errorf("line fact %d = %+v, want %+v", i, g, w)
		}
	}
	// The override, the Z report's over/short and the clock out.
	events, err := st.EventFacts(ctx, "R1")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 {
		t.Fatalf("event facts %+v, want 3", events)
	}
	if e := events[0]; e.Seq != 9 || e.Kind != headoffice.EventOverride || e.EmployeeID != "E1" || e.ApproverID != "M1" ||
		e.Action != string(register.ActionVoidSale) || e.ShiftID != "shift-1" || e.StoreID != "S1" || !e.At.Equal(entries[8].CreatedAt) {
		t.Errorf("override fact %+v", e)
	}
	if e := events[1]; e.Seq != 10 || e.Kind != headoffice.EventShiftClose || e.Amount != -50 || e.Expected != 6500 ||
		e.Counted != 6450 || e.ShiftID != "shift-1" || e.Currency != "EUR" || e.EmployeeID != "E1" || !e.At.Equal(at) {
		t.Errorf("shift close fact %+v", e)
	}
	if e := events[2]; e.Seq != 11 || e.Kind != headoffice.EventClockOut || e.EmployeeID != "E1" || !e.At.Equal(at) {
		t.Errorf("clock fact %+v", e)
	}

	// A register missing from the registry: its sale names the store, and
	// its cash moves follow the last fact.
	c2 := NewChain("R9")
	c2.StoreID = "S9"
	if _, _, err := st.IngestBatch(ctx, "R9", moneyShift(c2, at)); err != nil {
		t.Fatal(err)
	}
	other, err := st.MoneyFacts(ctx, "R9")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range other {
		wantStore := "S9"
		if f.Kind == headoffice.FactFloat { // before any sale: nothing says
			wantStore = ""
		}
		if f.StoreID != wantStore || f.Currency != "EUR" {
			t.Errorf("unregistered register's fact %+v: want store %q, EUR", f, wantStore)
		}
	}

	// Rebuilt from the entries: the same rows.
	before, err := st.MoneyFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	linesBefore, err := st.LineFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	eventsBefore, err := st.EventFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.RebuildMoneyFacts(ctx)
	if want := len(before) + len(linesBefore) + len(eventsBefore); err != nil || n != want {
		t.Fatalf("rebuild wrote %d rows (%v), want %d", n, err, want)
	}
	linesAfter, err := st.LineFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	eventsAfter, err := st.EventFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(linesBefore, linesAfter, func(a, b hqstore.LineFact) bool { return a == b && a.At.Equal(b.At) }) {
		t.Errorf("rebuild differs:\nlines before %+v\nafter  %+v", linesBefore, linesAfter)
	}
	if !slices.EqualFunc(eventsBefore, eventsAfter, func(a, b hqstore.EventFact) bool { return a == b && a.At.Equal(b.At) }) {
		t.Errorf("rebuild differs:\nevents before %+v\nafter  %+v", eventsBefore, eventsAfter)
	}
	after, err := st.MoneyFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(before, after, func(a, b hqstore.MoneyFact) bool { return a == b && a.At.Equal(b.At) }) {
		t.Errorf("rebuild differs:\nbefore %+v\nafter  %+v", before, after)
	}

	// Summed per store, register, hour, kind, tender, currency.
	totals, err := st.MoneyByHour(ctx, at.Add(-time.Hour), at.Add(time.Hour), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]int64{}
	for _, tt := range totals {
		if tt.RegisterID == "R1" && tt.Hour == 12 {
			sum[string(tt.Kind)+"/"+tt.Tender] += tt.Amount
			sum["n:"+string(tt.Kind)+"/"+tt.Tender] += tt.Count
		}
	}
	for k, v := range map[string]int64{"sale/": 300, "n:sale/": 2, "void/": -100, "return/card": -200, "sale/cash": 100, "drop/cash": 3000, "n:no_sale/cash": 1} {
		if sum[k] != v {
			t.Errorf("MoneyByHour %s = %d, want %d (all: %v)", k, sum[k], v, sum)
		}
	}
	if none, err := st.MoneyByHour(ctx, at.Add(time.Hour), at.Add(2*time.Hour), time.UTC); err != nil || len(none) != 0 {
		t.Errorf("an hour later: %v %v", none, err)
	}
}
