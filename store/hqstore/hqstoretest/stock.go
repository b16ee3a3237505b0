package hqstoretest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
)

// stockHistory is a random history of several offline registers in two
// stores: the chains' entries, and every movement they make as the domain
// derives them (the model the head office must agree with).
type stockHistory struct {
	chains  []*Chain
	entries [][]pos.Entry // per chain, in seq order
	moves   []pos.Movement
}

// randomStockHistory makes n entries per register: sales with restocked
// returns, receipts, counts, adjustments and transfers between the stores,
// on clocks up to an hour off (stock records carry the offset).
func randomStockHistory(t *testing.T, rng *rand.Rand, n int) stockHistory {
	t.Helper()
	stores := []string{"S1", "S2"}
	products := []string{"P1", "P2", "P3"}
	var h stockHistory
	offsets := []int64{}
	for i := range 4 {
		c := NewChain(fmt.Sprintf("R%d", i+1))
		c.StoreID = stores[i%2]
		h.chains = append(h.chains, c)
		h.entries = append(h.entries, nil)
		offsets = append(offsets, (rng.Int64N(7200)-3600)*1000)
	}
	transfer := 0
	for step := range n * len(h.chains) {
		ci := rng.IntN(len(h.chains))
		c := h.chains[ci]
		at := Epoch.Add(time.Duration(step) * time.Minute).Add(time.Duration(offsets[ci]) * time.Millisecond)
		var e pos.Entry
		switch k := rng.IntN(10); {
		case k < 4: // a sale, sometimes with a restocked return line
			e = saleWith(t, c, func(r *pos.SaleRecord) {
				r.Completed, r.StartedAt = at, at.Add(-time.Minute)
				r.Lines = r.Lines[:1+rng.IntN(3)]
				for i := range r.Lines {
					r.Lines[i].ProductID = products[rng.IntN(len(products))]
					r.Lines[i].Qty = pos.Qty(1+rng.IntN(3)) * 1000
					if rng.IntN(5) == 0 {
						r.Lines[i].Qty, r.Lines[i].Restock = -r.Lines[i].Qty, true
					}
				}
			})
		default:
			rec := pos.StockRecord{V: pos.StockRecordVersion, StoreID: c.StoreID, RegisterID: c.RegisterID, At: at,
				ClockOffsetMS: &offsets[ci]}
			p := products[rng.IntN(len(products))]
			q := pos.Qty(1+rng.IntN(20)) * 1000
			switch k {
			case 4, 5:
				rec.Kind, rec.Ref = pos.MoveReceipt, "PO-1"
			case 6:
				rec.Kind, rec.Ref = pos.MoveCount, "C-1"
			case 7:
				rec.Kind, rec.Reason = pos.MoveAdjustment, pos.AdjustReason("damage")
				q = -q
			default: // a transfer out and, usually, its receipt at the other store by a register there
				transfer++
				rec.Kind, rec.Ref, rec.OtherStore = pos.MoveTransferOut, fmt.Sprintf("T-%d", transfer), other(c.StoreID)
				q = -q
			}
			rec.Lines = []pos.StockLine{{ProductID: p, Qty: q}}
			b, err := pos.EncodeStockRecord(rec)
			if err != nil {
				t.Fatal(err)
			}
			e = c.Next(pos.EntryStock, b)
			if rec.Kind == pos.MoveTransferOut && rng.IntN(4) != 0 {
				h.add(t, ci, e)
				ri := (ci + 1) % len(h.chains) // a register of the other store
				in := rec
				in.Kind, in.StoreID, in.RegisterID, in.OtherStore = pos.MoveTransferIn, other(c.StoreID), h.chains[ri].RegisterID, c.StoreID
				in.At = at.Add(30 * time.Second).Add(time.Duration(offsets[ri]-offsets[ci]) * time.Millisecond)
				in.ClockOffsetMS = &offsets[ri]
				in.Lines = []pos.StockLine{{ProductID: p, Qty: -q + pos.Qty(rng.IntN(3)-1)*1000, Expected: -q}} // short, exact or over
				if in.Lines[0].Qty <= 0 {
					in.Lines[0].Qty = 1000
				}
				b, err := pos.EncodeStockRecord(in)
				if err != nil {
					t.Fatal(err)
				}
				h.add(t, ri, h.chains[ri].Next(pos.EntryStock, b))
				continue
			}
		}
		h.add(t, ci, e)
	}
	return h
}

func other(store string) string {
	if store == "S1" {
		return "S2"
	}
	return "S1"
}

// add appends e to chain ci's entries and its movements to the model.
func (h *stockHistory) add(t *testing.T, ci int, e pos.Entry) {
	t.Helper()
	h.entries[ci] = append(h.entries[ci], e)
	c := h.chains[ci]
	switch e.Kind {
	case pos.EntryStock:
		r, err := pos.DecodeStockRecord(e.Payload)
		if err != nil {
			t.Fatal(err)
		}
		h.moves = append(h.moves, r.Movements(e, 0)...)
	default:
		var r pos.SaleRecord
		if err := json.Unmarshal(e.Payload, &r); err != nil {
			t.Fatal(err)
		}
		h.moves = append(h.moves, pos.SaleMovements(e, r, c.StoreID, 0)...)
	}
}

// deliver pushes every chain's entries in batches, the registers'
// batches interleaved at random, with batches sent again (duplicates) and
// sent too early (rejected, then sent again in turn).
func (h *stockHistory) deliver(t *testing.T, st hqstore.Store, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	next := make([]int, len(h.chains)) // the first entry of each chain not yet acknowledged
	for {
		var open []int
		for i := range h.chains {
			if next[i] < len(h.entries[i]) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			return
		}
		ci := open[rng.IntN(len(open))]
		from := next[ci]
		switch rng.IntN(6) {
		case 0: // a resend of something already stored
			from = rng.IntN(from + 1)
		case 1: // a later batch, before its predecessor
			from = min(from+1+rng.IntN(3), len(h.entries[ci])-1)
		}
		to := min(from+1+rng.IntN(5), len(h.entries[ci]))
		_, acked, err := st.IngestBatch(ctx, h.chains[ci].RegisterID, h.entries[ci][from:to])
		if err != nil {
			t.Fatal(err)
		}
		next[ci] = int(acked)
	}
}

// positionsOf reads every position of st as pos.OnHandAll's map.
func positionsOf(t *testing.T, st hqstore.Store) map[pos.StockKey]pos.Position {
	t.Helper()
	ps, err := st.StockPositions(context.Background(), hqstore.StockFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[pos.StockKey]pos.Position{}
	for _, p := range ps {
		out[pos.StockKey{Store: p.StoreID, Product: p.ProductID}] = p.Position
	}
	return out
}

// testStockProperty is the acceptance of issue 13 at the head office:
// random histories on four offline registers in two stores, delivered in
// random order with duplicates, give pos.OnHandAll's on-hand; a rebuild
// gives the same table; the movements read back are the model's; and stock
// in all stores plus in transit is conserved by transfers.
func testStockProperty(t *testing.T, open func(t *testing.T) hqstore.Store) {
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	for round := range rounds {
		rng := rand.New(rand.NewPCG(uint64(round), 13))
		h := randomStockHistory(t, rng, 15)
		st := open(t)
		h.deliver(t, st, rng)
		want := pos.OnHandAll(h.moves)
		got := positionsOf(t, st)
		if !maps.Equal(got, want) {
			t.Fatalf("round %d: on-hand\n got %+v\nwant %+v", round, got, want)
		}
		stored, err := st.StockMovements(context.Background(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != len(h.moves) {
			t.Fatalf("round %d: %d movements stored, want %d", round, len(stored), len(h.moves))
		}
		if got := pos.OnHandAll(stored); !maps.Equal(got, want) {
			t.Fatalf("round %d: on-hand of the stored movements differs from the model's", round)
		}
		if !maps.Equal(pos.InTransit(stored), pos.InTransit(h.moves)) {
			t.Fatalf("round %d: in transit %v, want %v", round, pos.InTransit(stored), pos.InTransit(h.moves))
		}
		checkConserved(t, h.moves)
		n, err := st.RebuildStock(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n != len(h.moves) {
			t.Fatalf("round %d: rebuild wrote %d movements, want %d", round, n, len(h.moves))
		}
		if rebuilt := positionsOf(t, st); !maps.Equal(rebuilt, got) {
			t.Fatalf("round %d: rebuilt positions differ\n got %+v\nwant %+v", round, rebuilt, got)
		}
	}
}

// checkConserved: without counts, all stores' stock plus in transit is the
// sum of the external flows; transfers only move it.
func checkConserved(t *testing.T, moves []pos.Movement) {
	t.Helper()
	var changes []pos.Movement
	external := map[string]pos.Qty{}
	for _, m := range moves {
		if m.Kind == pos.MoveCount {
			continue
		}
		changes = append(changes, m)
		if m.Kind != pos.MoveTransferIn && m.Kind != pos.MoveTransferOut {
			external[m.Product] += m.Qty
		}
	}
	total := map[string]pos.Qty{}
	for k, p := range pos.OnHandAll(changes) {
		total[k.Product] += p.Qty
	}
	for k, q := range pos.InTransit(changes) {
		total[k.Product] += q
	}
	for p := range total {
		if total[p] != external[p] {
			t.Fatalf("product %s: stores + in transit %d, external flows %d", p, total[p], external[p])
		}
	}
}

// testStockLateBeforeCount: a movement older than the latest count that
// arrives after it is history only; one newer than the count is added.
func testStockLateBeforeCount(t *testing.T, open func(t *testing.T) hqstore.Store) {
	st := open(t)
	r1, r2 := NewChain("R1"), NewChain("R2")
	sale := saleWith(t, r2, func(r *pos.SaleRecord) {
		r.Completed, r.StartedAt = Epoch.Add(10*time.Minute), Epoch.Add(9*time.Minute)
		r.Lines = r.Lines[:1]
	}) // P1 -1 at 09:10
	count := func(at time.Time, qty pos.Qty) pos.Entry {
		b, err := pos.EncodeStockRecord(pos.StockRecord{V: 1, Kind: pos.MoveCount, StoreID: "S1", RegisterID: "R1", At: at,
			Lines: []pos.StockLine{{ProductID: "P1", Qty: qty}}})
		if err != nil {
			t.Fatal(err)
		}
		return r1.Next(pos.EntryStock, b)
	}
	mustIngest(t, st, r1, []pos.Entry{count(Epoch.Add(20*time.Minute), 20000)})
	mustIngest(t, st, r2, []pos.Entry{sale})
	got := positionsOf(t, st)[pos.StockKey{Store: "S1", Product: "P1"}]
	if got.Qty != 20000 || !got.Counted || got.Since != 0 {
		t.Fatalf("after a late sale before the count: %+v, want 20 counted", got)
	}
	late := saleWith(t, r2, func(r *pos.SaleRecord) {
		r.Completed, r.StartedAt = Epoch.Add(30*time.Minute), Epoch.Add(29*time.Minute)
		r.Lines = r.Lines[:1]
	})
	mustIngest(t, st, r2, []pos.Entry{late})
	if got := positionsOf(t, st)[pos.StockKey{Store: "S1", Product: "P1"}]; got.Qty != 19000 || got.Since != 1 {
		t.Fatalf("after a sale after the count: %+v, want 19", got)
	}
	ms, err := st.StockMovements(context.Background(), "S1", "P1")
	if err != nil {
		t.Fatal(err)
	}
	if kinds := kindsOf(ms); !slices.Equal(kinds, []pos.MovementKind{pos.MoveSale, pos.MoveCount, pos.MoveSale}) {
		t.Fatalf("history %v, want sale, count, sale in the one order", kinds)
	}
	// A stock record the projection could not read is refused at ingest.
	bad := r1.Next(pos.EntryStock, []byte(`{"v":1,"kind":"count"}`))
	res, _, err := st.IngestBatch(context.Background(), "R1", []pos.Entry{bad})
	if err != nil || res[0].Status != hqstore.Rejected {
		t.Fatalf("malformed stock record: %+v %v, want rejected", res, err)
	}
}

func kindsOf(ms []pos.Movement) []pos.MovementKind {
	out := make([]pos.MovementKind, len(ms))
	for i, m := range ms {
		out[i] = m.Kind
	}
	return out
}

// testStockSettings: the low-stock list, its suggested order and the
// valuation at cost read the positions and the owner's settings.
func testStockSettings(t *testing.T, open func(t *testing.T) hqstore.Store) {
	st := open(t)
	ctx := context.Background()
	c := NewChain("R1")
	mustIngest(t, st, c, c.Sales(3)) // P1 -3, P2 -3, P3 -3.75 in S1
	rec := func(p string, q pos.Qty) pos.Entry {
		b, err := pos.EncodeStockRecord(pos.StockRecord{V: 1, Kind: pos.MoveReceipt, StoreID: "S1", At: Epoch.Add(time.Hour),
			Lines: []pos.StockLine{{ProductID: p, Qty: q}}})
		if err != nil {
			t.Fatal(err)
		}
		return c.Next(pos.EntryStock, b)
	}
	mustIngest(t, st, c, []pos.Entry{rec("P1", 10000), rec("P3", 5333)}) // P1 7, P3 1.583
	for _, s := range []hqstore.StockSetting{
		{StoreID: "S1", ProductID: "P1", ReorderPoint: 8000, MaxQty: 20000, Cost: 95},
		{StoreID: "S1", ProductID: "P3", ReorderPoint: 1000, MaxQty: 5000, Cost: 300},
		{StoreID: "S2", ProductID: "P1", ReorderPoint: 1000, MaxQty: 2000, Cost: 1},
	} {
		if err := st.SetStockSetting(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetStockSetting(ctx, hqstore.StockSetting{StoreID: "S1", ProductID: "P3", ReorderPoint: 1000, MaxQty: 5000, Cost: 333}); err != nil {
		t.Fatal(err) // a second setting replaces the first
	}
	low, err := st.LowStock(ctx, "S1", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []hqstore.LowStock{{StoreID: "S1", ProductID: "P1", OnHand: 7000, ReorderPoint: 8000, MaxQty: 20000, Suggested: 13000}}
	if !slices.Equal(low, want) {
		t.Fatalf("low stock %+v, want %+v", low, want)
	}
	v, err := st.Valuation(ctx, "S1")
	if err != nil {
		t.Fatal(err)
	}
	// P1 7 × 95 = 665; P3 1.583 × 333 = 527.139 → 527; P2 negative: not valued.
	if v.Value != 665+527 || v.Unvalued != 0 {
		t.Fatalf("valuation %+v, want 1192", v)
	}
}
