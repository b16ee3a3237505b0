package pos

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func validMove() Movement {
	return Movement{ID: "e1/0", Kind: MoveReceipt, Store: "S1", Product: "P1", Qty: 12 * QtyOne, At: t0, Register: "R1", Seq: 1}
}

func TestMovementValidate(t *testing.T) {
	t.Parallel()
	if err := validMove().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Movement){
		"no id":              func(m *Movement) { m.ID = "" },
		"long store":         func(m *Movement) { m.Store = strings.Repeat("s", MaxStockIDLen+1) },
		"no product":         func(m *Movement) { m.Product = "" },
		"receipt negative":   func(m *Movement) { m.Qty = -1 },
		"receipt zero":       func(m *Movement) { m.Qty = 0 },
		"over max":           func(m *Movement) { m.Qty = MaxQty + 1 },
		"sale zero":          func(m *Movement) { m.Kind, m.Qty = MoveSale, 0 },
		"return negative":    func(m *Movement) { m.Kind, m.Qty = MoveReturn, -1 },
		"transfer out plus":  func(m *Movement) { m.Kind, m.Ref = MoveTransferOut, "T1" },
		"transfer no ref":    func(m *Movement) { m.Kind = MoveTransferIn },
		"count negative":     func(m *Movement) { m.Kind, m.Qty = MoveCount, -1 },
		"adjust no reason":   func(m *Movement) { m.Kind = MoveAdjustment },
		"adjust bad reason":  func(m *Movement) { m.Kind, m.Reason = MoveAdjustment, "lost" },
		"reason on receipt":  func(m *Movement) { m.Reason = ReasonDamage },
		"unknown kind":       func(m *Movement) { m.Kind = "gift" },
		"long lot":           func(m *Movement) { m.Lot = strings.Repeat("L", MaxStockLotLen+1) },
		"control in lot":     func(m *Movement) { m.Lot = "A\x1dB" },
		"bad expiry":         func(m *Movement) { m.Expiry = "2026-02-30" },
		"non-canon expiry":   func(m *Movement) { m.Expiry = "2026-2-3" },
		"no time":            func(m *Movement) { m.At = time.Time{} },
		"clock off 8 days":   func(m *Movement) { m.ClockOffset = 8 * 24 * time.Hour },
		"negative seq":       func(m *Movement) { m.Seq = -1 },
		"line out of bounds": func(m *Movement) { m.Line = MaxStockLines },
	} {
		m := validMove()
		mut(&m)
		if err := m.Validate(); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	ok := []Movement{
		{ID: "a", Kind: MoveSale, Store: "S", Product: "P", Qty: -1250, At: t0}, // 1.250 kg sold
		{ID: "b", Kind: MoveSale, Store: "S", Product: "P", Qty: 1000, At: t0},  // a void puts it back
		{ID: "c", Kind: MoveAdjustment, Reason: ReasonOwnUse, Store: "S", Product: "P", Qty: -1000, At: t0},
		{ID: "d", Kind: MoveCount, Store: "S", Product: "P", Qty: 0, At: t0, Lot: "L1", Expiry: "2026-12-31"},
		{ID: "e", Kind: MoveTransferOut, Ref: "T1", Store: "S", Product: "P", Qty: -1000, At: t0},
	}
	for _, m := range ok {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.ID, err)
		}
	}
}

func sampleRecord() StockRecord {
	off := int64(1500)
	return StockRecord{V: 1, Kind: MoveReceipt, StoreID: "S1", RegisterID: "R1", EmployeeID: "E7", Ref: "PO-1001",
		At: t0, ClockOffsetMS: &off, Lines: []StockLine{
			{ProductID: "P1", SKU: "MILK", Qty: 24000, Expected: 24000, Lot: "ABC1", Expiry: "2026-12-20"},
			{ProductID: "P2", Qty: 11000, Expected: 12000},
		}}
}

func TestStockRecordRoundTripIsCanonical(t *testing.T) {
	t.Parallel()
	r := sampleRecord()
	b, err := EncodeStockRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"kind":"receipt","store_id":"S1","register_id":"R1","employee_id":"E7","ref":"PO-1001","at":"2026-12-07T10:00:00Z","clock_offset_ms":1500,` +
		`"lines":[{"product_id":"P1","sku":"MILK","qty":24000,"expected":24000,"lot":"ABC1","expiry":"2026-12-20"},{"product_id":"P2","qty":11000,"expected":12000}]}`
	if string(b) != want {
		t.Fatalf("encoding\n got %s\nwant %s", b, want)
	}
	got, err := DecodeStockRecord(b)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("decode: %+v, %v", got, err)
	}
	ms := got.Movements(Entry{ID: "E1", RegisterID: "R1", Seq: 9}, 0)
	if len(ms) != 2 || ms[0].ID != "E1/0" || ms[1].ID != "E1/1" || ms[0].ClockOffset != 1500*time.Millisecond ||
		ms[0].Ref != "PO-1001" || ms[0].Lot != "ABC1" || ms[1].Qty != 11000 || ms[1].Seq != 9 || ms[1].Line != 1 {
		t.Fatalf("movements: %+v", ms)
	}
	// Without its own offset the record takes the heartbeat log's.
	r.ClockOffsetMS = nil
	if ms := r.Movements(Entry{ID: "E1"}, -2*time.Second); ms[0].ClockOffset != -2*time.Second {
		t.Fatalf("fallback offset: %v", ms[0].ClockOffset)
	}
}

func TestDecodeStockRecordIsStrict(t *testing.T) {
	t.Parallel()
	good, _ := EncodeStockRecord(sampleRecord())
	for name, in := range map[string]string{
		"spaces":         strings.Replace(string(good), `"v":1,`, `"v": 1,`, 1),
		"unknown field":  strings.Replace(string(good), `"v":1,`, `"v":1,"x":2,`, 1),
		"repeated field": strings.Replace(string(good), `"v":1,`, `"v":1,"v":1,`, 1),
		"reordered":      strings.Replace(strings.Replace(string(good), `"v":1,"kind":"receipt",`, `"kind":"receipt","v":1,`, 1), "", "", 1),
		"non-UTC time":   strings.Replace(string(good), `2026-12-07T10:00:00Z`, `2026-12-07T11:00:00+01:00`, 1),
		"sub-ms time":    strings.Replace(string(good), `10:00:00Z`, `10:00:00.0001Z`, 1),
		"trailing":       string(good) + `{}`,
		"trailing space": string(good) + " ",
		"version 2":      strings.Replace(string(good), `"v":1`, `"v":2`, 1),
		"sale kind":      strings.Replace(string(good), `"receipt"`, `"sale"`, 1),
		"no lines":       `{"v":1,"kind":"receipt","store_id":"S1","at":"2026-12-07T10:00:00Z","lines":[]}`,
		"negative qty":   strings.Replace(string(good), `"qty":11000`, `"qty":-11000`, 1),
		"not json":       `{"v":1,`,
		"too large":      `{"v":1,"note":"` + strings.Repeat("x", MaxStockRecordSz) + `"}`,
	} {
		if _, err := DecodeStockRecord([]byte(in)); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	mk := func(mut func(*StockRecord)) error {
		r := sampleRecord()
		mut(&r)
		_, err := EncodeStockRecord(r)
		return err
	}
	for name, mut := range map[string]func(*StockRecord){
		"transfer to self":     func(r *StockRecord) { r.Kind, r.OtherStore = MoveTransferIn, "S1" },
		"expected on a count":  func(r *StockRecord) { r.Kind = MoveCount },
		"line time on receipt": func(r *StockRecord) { r.Lines[0].At = t0 },
		"counted twice": func(r *StockRecord) {
			r.Kind, r.Lines[0].Expected, r.Lines[1].Expected, r.Lines[1].ProductID, r.Lines[1].Lot = MoveCount, 0, 0, "P1", "ABC1"
		},
		"too many lines": func(r *StockRecord) { r.Lines = make([]StockLine, MaxStockLines+1) },
		"long note":      func(r *StockRecord) { r.Note = strings.Repeat("n", MaxStockNoteLen+1) },
		"local time":     func(r *StockRecord) { r.At = t0.In(time.FixedZone("X", 3600)) },
		"huge offset":    func(r *StockRecord) { o := int64(8 * 24 * 3600 * 1000); r.ClockOffsetMS = &o },
		"adjust reason":  func(r *StockRecord) { r.Kind, r.Lines[0].Expected, r.Lines[1].Expected = MoveAdjustment, 0, 0 },
	} {
		if err := mk(mut); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	// A transfer and an adjustment that are right encode.
	for _, r := range []StockRecord{
		{V: 1, Kind: MoveTransferOut, StoreID: "S1", OtherStore: "S2", Ref: "T1", At: t0, Lines: []StockLine{{ProductID: "P", Qty: -5000}}},
		{V: 1, Kind: MoveAdjustment, Reason: ReasonDamage, StoreID: "S1", At: t0, Note: "dropped", Lines: []StockLine{{ProductID: "P", Qty: -1000}}},
		{V: 1, Kind: MoveCount, StoreID: "S1", Ref: "C1", At: t0, Lines: []StockLine{{ProductID: "P", Qty: 7000, At: t0.Add(-time.Minute)}, {ProductID: "Q", Qty: 0}}},
	} {
		b, err := EncodeStockRecord(r)
		if err != nil {
			t.Fatalf("%s: %v", r.Kind, err)
		}
		if _, err := DecodeStockRecord(b); err != nil {
			t.Fatalf("%s decode: %v", r.Kind, err)
		}
	}
}

func FuzzDecodeStockRecord(f *testing.F) {
	good, _ := EncodeStockRecord(sampleRecord())
	f.Add(good)
	f.Add([]byte(`{"v":1,"kind":"count","store_id":"S","at":"2026-12-07T10:00:00Z","lines":[{"product_id":"P","qty":0,"at":"2026-12-07T09:59:00Z"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeStockRecord(b)
		if err != nil {
			return
		}
		again, err := EncodeStockRecord(r)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted %q but re-encodes to %q, %v", b, again, err)
		}
		for _, m := range r.Movements(Entry{ID: "E"}, 0) {
			if err := m.Validate(); err != nil {
				t.Fatalf("accepted record has an invalid movement: %v", err)
			}
		}
	})
}

func TestSaleMovements(t *testing.T) {
	t.Parallel()
	rec := SaleRecord{SaleID: "S-1", StoreID: "S1", Completed: t0, Lines: []RecordLine{
		{Line: Line{ProductID: "P1", Qty: 2000, Lot: "L7", Expiry: "2026-12-09"}},
		{Line: Line{ProductID: "APPLES", Qty: 1250, Weighed: true}}, // 1.250 kg = 1250 g
		{Line: Line{ProductID: "", Qty: 1000}},                      // open-price item: no stock
		{Line: Line{ProductID: "P2", Qty: -1000, Restock: true}},    // exchange: back on the shelf
		{Line: Line{ProductID: "P3", Qty: -1000}},                   // returned, disposed
	}}
	e := Entry{ID: "E5", RegisterID: "R1", Seq: 5, Kind: EntrySale}
	got := SaleMovements(e, rec, "ignored", time.Second)
	want := []Movement{
		{ID: "E5/0", Kind: MoveSale, Store: "S1", Product: "P1", Qty: -2000, Lot: "L7", Expiry: "2026-12-09", Ref: "S-1", At: t0, Register: "R1", Seq: 5, Line: 0, ClockOffset: time.Second},
		{ID: "E5/1", Kind: MoveSale, Store: "S1", Product: "APPLES", Qty: -1250, Ref: "S-1", At: t0, Register: "R1", Seq: 5, Line: 1, ClockOffset: time.Second},
		{ID: "E5/3", Kind: MoveReturn, Store: "S1", Product: "P2", Qty: 1000, Ref: "S-1", At: t0, Register: "R1", Seq: 5, Line: 3, ClockOffset: time.Second},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sale:\n got %+v\nwant %+v", got, want)
	}
	for _, m := range got {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	// The void negates every line; stock comes back exactly as it left.
	void := rec
	void.Lines = nil
	for _, l := range rec.Lines {
		l.Qty = -l.Qty
		void.Lines = append(void.Lines, l)
	}
	vm := SaleMovements(Entry{ID: "E6", RegisterID: "R1", Seq: 6, Kind: EntryVoid}, void, "", 0)
	if p := OnHand(append(got, vm...)); p.Qty != 0 || len(vm) != 3 {
		t.Fatalf("sale then void: %+v from %+v", p, vm)
	}
	// A return: only restock lines move stock.
	ret := SaleRecord{SaleID: "S-2", Completed: t0, Lines: []RecordLine{
		{Line: Line{ProductID: "P1", Qty: -1000, Restock: true}}, {Line: Line{ProductID: "P4", Qty: -3000}}}}
	rm := SaleMovements(Entry{ID: "E7", Kind: EntryReturn}, ret, "S2", 0)
	if len(rm) != 1 || rm[0].Kind != MoveReturn || rm[0].Qty != 1000 || rm[0].Store != "S2" {
		t.Fatalf("return: %+v", rm)
	}
	if SaleMovements(Entry{ID: "E8", Kind: EntryCashMove}, rec, "S1", 0) != nil {
		t.Fatal("a cash move moved stock")
	}
}

// The worked example of docs/INVENTORY.md: R1's clock is 5 minutes fast,
// R2's 3 minutes slow. By the registers' own clocks R2's 10:01 sale
// (showing 09:58) looks older than R1's 10:00 count (showing 10:05) and
// would vanish into it; corrected by the heartbeat offsets it comes after.
func TestCountWithSkewedClocksWorkedExample(t *testing.T) {
	t.Parallel()
	at := func(hhmm string) time.Time {
		d, _ := time.Parse("15:04", hhmm)
		return time.Date(2026, 12, 7, d.Hour(), d.Minute(), 0, 0, time.UTC)
	}
	fast, slow := 5*time.Minute, -3*time.Minute
	ms := []Movement{
		{ID: "r1-1/0", Kind: MoveCount, Store: "S1", Product: "P", Qty: 20000, At: at("10:05"), Register: "R1", Seq: 1, ClockOffset: fast},
		{ID: "r2-1/0", Kind: MoveSale, Store: "S1", Product: "P", Qty: -2000, At: at("09:55"), Register: "R2", Seq: 1, ClockOffset: slow},
		{ID: "r2-2/0", Kind: MoveSale, Store: "S1", Product: "P", Qty: -1000, At: at("09:58"), Register: "R2", Seq: 2, ClockOffset: slow},
		{ID: "r1-2/0", Kind: MoveReceipt, Store: "S1", Product: "P", Qty: 12000, At: at("10:07"), Register: "R1", Seq: 2, ClockOffset: fast},
	}
	want := Position{Qty: 31000, Counted: true, CountedAt: at("10:00"), CountQty: 20000, Since: 2}
	for _, perm := range permutations(len(ms)) {
		in := make([]Movement, len(ms))
		for i, j := range perm {
			in[i] = ms[j]
		}
		if got := OnHand(in); got != want {
			t.Fatalf("arrival order %v: %+v, want %+v", perm, got, want)
		}
	}
	// Uncorrected, the 10:01 sale would be swallowed by the count: 32.
	raw := append([]Movement(nil), ms...)
	for i := range raw {
		raw[i].ClockOffset = 0
	}
	if got := OnHand(raw); got.Qty != 32000 {
		t.Fatalf("the example no longer shows the skew: %+v", got)
	}
}

func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// Property: random sales, returns, receipts, counts, adjustments and
// transfers on several registers with skewed clocks in two stores,
// delivered in random order with duplicates, give the on-hand of a simple
// model that applies them one by one in true time order.
func TestOnHandPropertyArrivalOrderAndDuplicates(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		ms := randomHistory(rng, true)
		model := map[StockKey]Qty{}
		for _, m := range ms { // generated in true time order
			k := StockKey{m.Store, m.Product}
			if m.Kind == MoveCount {
				model[k] = m.Qty
			} else {
				model[k] += m.Qty
			}
		}
		for round := 0; round < 3; round++ {
			got := OnHandAll(deliver(rng, ms))
			if len(got) != len(model) {
				t.Fatalf("seed %d: %d positions, model %d", seed, len(got), len(model))
			}
			for k, q := range model {
				if got[k].Qty != q || got[k].Negative != (q < 0) {
					t.Fatalf("seed %d round %d %v: on-hand %d, model %d", seed, round, k, got[k].Qty, q)
				}
			}
		}
	}
}

// Property: with no counts, transfers conserve stock: all stores' on-hand
// plus in transit equals what came in and went out through sales,
// returns, receipts and adjustments, however the batches arrive.
func TestTransfersConserveStock(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		ms := randomHistory(rng, false)
		external := map[string]Qty{}
		transfers := 0
		for _, m := range ms {
			if m.Kind == MoveTransferOut || m.Kind == MoveTransferIn {
				transfers++
				continue
			}
			external[m.Product] += m.Qty
		}
		in := deliver(rng, ms)
		total := map[string]Qty{}
		for k, p := range OnHandAll(in) {
			total[k.Product] += p.Qty
		}
		for k, q := range InTransit(in) {
			total[k.Product] += q
		}
		for p := range external {
			if total[p] != external[p] {
				t.Fatalf("seed %d product %s (%d transfer moves): stores + in transit %d, external flows %d", seed, p, transfers, total[p], external[p])
			}
		}
	}
	// In transit is what was sent and not received; a short arrival stays
	// visible as a discrepancy.
	ms := []Movement{
		{ID: "a", Kind: MoveTransferOut, Ref: "T1", Store: "S1", Product: "P", Qty: -5000, At: t0},
		{ID: "b", Kind: MoveTransferIn, Ref: "T1", Store: "S2", Product: "P", Qty: 4000, At: t0.Add(time.Hour)},
		{ID: "c", Kind: MoveTransferOut, Ref: "T2", Store: "S1", Product: "P", Qty: -1000, At: t0},
	}
	if got := InTransit(append(ms, ms[0])); !reflect.DeepEqual(got, map[TransferKey]Qty{{"T1", "P"}: 1000, {"T2", "P"}: 1000}) {
		t.Fatalf("in transit: %v", got)
	}
}

// randomHistory makes movements in true time order on 2 stores x 2
// registers with skewed clocks whose offsets the heartbeat measured.
func randomHistory(rng *rand.Rand, counts bool) []Movement {
	type reg struct {
		id, store string
		off       time.Duration
		seq       int64
	}
	regs := []*reg{{id: "R1", store: "S1"}, {id: "R2", store: "S1"}, {id: "R3", store: "S2"}, {id: "R4", store: "S2"}}
	for _, r := range regs {
		r.off = time.Duration(rng.IntN(2*3600)-3600) * time.Second // up to an hour either way
	}
	products := []string{"P1", "P2", "P3"}
	var ms []Movement
	now := t0
	nextTransfer := 0
	var open []Movement // transfers out not yet received
	n := 20 + rng.IntN(60)
	for i := 0; i < n; i++ {
		now = now.Add(time.Duration(1+rng.IntN(600)) * time.Second)
		r := regs[rng.IntN(len(regs))]
		r.seq++
		m := Movement{ID: fmt.Sprintf("%s-%d/0", r.id, r.seq), Store: r.store, Product: products[rng.IntN(len(products))],
			At: now.Add(r.off), Register: r.id, Seq: r.seq, ClockOffset: r.off}
		q := Qty(1+rng.IntN(5000)) * 10
		switch k := rng.IntN(8); {
		case k == 0 && counts:
			m.Kind, m.Qty = MoveCount, Qty(rng.IntN(30))*QtyOne
		case k == 1:
			m.Kind, m.Qty = MoveReceipt, q
		case k == 2:
			m.Kind, m.Qty = MoveReturn, q
		case k == 3:
			m.Kind, m.Qty, m.Reason = MoveAdjustment, q-25005, ReasonDamage // either sign, never 0
		case k == 4:
			nextTransfer++
			m.Kind, m.Qty, m.Ref = MoveTransferOut, -q, fmt.Sprintf("T%d", nextTransfer)
			open = append(open, m)
		case k == 5 && len(open) > 0:
			j := rng.IntN(len(open))
			out := open[j]
			open = append(open[:j], open[j+1:]...)
			dest := "S1"
			if out.Store == "S1" {
				dest = "S2"
			}
			if r.store != dest {
				r.seq--
				continue
			}
			recv := -out.Qty
			if rng.IntN(4) == 0 {
				recv -= 10 // short on arrival: a discrepancy
			}
			m.Kind, m.Qty, m.Ref, m.Product = MoveTransferIn, recv, out.Ref, out.Product
		default:
			m.Kind, m.Qty = MoveSale, -q // may go negative: never blocked
		}
		if err := m.Validate(); err != nil {
			panic(err)
		}
		ms = append(ms, m)
	}
	return ms
}

// deliver shuffles the movements into random batches with some of them
// delivered twice, as retried syncs do.
func deliver(rng *rand.Rand, ms []Movement) []Movement {
	out := append([]Movement(nil), ms...)
	for _, m := range ms {
		if rng.IntN(3) == 0 {
			out = append(out, m)
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestLocalOnHand(t *testing.T) {
	t.Parallel()
	fig := StockFigure{StockKey: StockKey{"S1", "P"}, Qty: 10000, AsOf: t0, Through: 40}
	own := []Movement{
		{ID: "a", Kind: MoveSale, Store: "S1", Product: "P", Qty: -1000, At: t0, Seq: 40}, // already in the figure
		{ID: "b", Kind: MoveSale, Store: "S1", Product: "P", Qty: -2000, At: t0, Seq: 41},
		{ID: "c", Kind: MoveSale, Store: "S1", Product: "Q", Qty: -2000, At: t0, Seq: 42},
		{ID: "d", Kind: MoveReceipt, Store: "S1", Product: "P", Qty: 5000, At: t0, Seq: 43},
	}
	got := LocalOnHand(fig, own)
	if got != (LocalStock{Qty: 13000, Synced: 10000, SyncedAt: t0, Pending: 2, Estimated: true}) {
		t.Fatalf("%+v", got)
	}
	if got := LocalOnHand(fig, own[:1]); got.Qty != 10000 || got.Estimated {
		t.Fatalf("nothing pending: %+v", got)
	}
	// An own count since the figure replaces it; a sale after it counts.
	own = append(own, Movement{ID: "e", Kind: MoveCount, Store: "S1", Product: "P", Qty: 4000, At: t0.Add(time.Minute), Seq: 44},
		Movement{ID: "f", Kind: MoveSale, Store: "S1", Product: "P", Qty: -5000, At: t0.Add(2 * time.Minute), Seq: 45})
	if got := LocalOnHand(fig, own); got.Qty != -1000 || !got.Negative || got.Pending != 2 {
		t.Fatalf("after an own count: %+v", got)
	}
}

func TestExpiryWarning(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600)
	}
	for _, tt := range []struct {
		expiry string
		now    time.Time
		tz     *time.Location
		warn   bool
	}{
		{"2026-12-07", t0, time.UTC, false},                                          // the expiry day itself is fine
		{"2026-12-06", t0, time.UTC, true},                                           // a day past
		{"2026-12-07", time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC), berlin, true}, // 00:30 on the 8th in Berlin
		{"2026-12-07", time.Date(2026, 12, 7, 22, 59, 0, 0, time.UTC), berlin, false},
		{"2026-12-08", time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC), time.FixedZone("PST", -8*3600), false}, // still the 7th there
		{"2027-01-31", t0, time.UTC, false},
	} {
		w, err := ExpiryWarning(tt.expiry, tt.now, tt.tz)
		if err != nil || (w != "") != tt.warn {
			t.Errorf("ExpiryWarning(%s, %v, %v) = %q, %v; want warn %v", tt.expiry, tt.now, tt.tz, w, err, tt.warn)
		}
		if tt.warn && !strings.Contains(w, tt.expiry) {
			t.Errorf("warning %q does not name the date", w)
		}
	}
	if _, err := ExpiryWarning("261206", t0, time.UTC); ErrorCode(err) != EInvalid {
		t.Errorf("a raw YYMMDD must be converted first: %v", err)
	}
	if _, err := ExpiryWarning("2026-12-06", t0, nil); err == nil {
		t.Error("nil zone accepted")
	}
}

func BenchmarkOnHand(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ms []Movement
	for len(ms) < 10000 {
		ms = append(ms, randomHistory(rng, true)...)
	}
	for i := range ms {
		ms[i].Store, ms[i].Product = "S1", "P1"
		ms[i].ID = fmt.Sprintf("m%d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = OnHand(ms)
	}
}

func TestOffsetAt(t *testing.T) {
	t.Parallel()
	// The register ran 5 minutes fast, then its clock was fixed (offset 0)
	// at 12:00 head-office time.
	log := []ClockSample{
		{ReceivedAt: t0.Add(2 * time.Hour), Offset: 0},
		{ReceivedAt: t0, Offset: 5 * time.Minute},
		{ReceivedAt: t0.Add(time.Hour), Offset: 5 * time.Minute},
	}
	for _, tt := range []struct {
		at   time.Time // register clock
		want time.Duration
	}{
		{t0.Add(-time.Hour), 5 * time.Minute},                // before the first heartbeat: the first one
		{t0.Add(5 * time.Minute), 5 * time.Minute},           // at the first heartbeat
		{t0.Add(90 * time.Minute), 5 * time.Minute},          // between the second and third
		{t0.Add(2*time.Hour + time.Second), 0},               // after the fix
		{t0.Add(2*time.Hour - time.Second), 5 * time.Minute}, // just before it
		{t0.Add(48 * time.Hour), 0},
	} {
		got, ok := OffsetAt(log, tt.at)
		if !ok || got != tt.want {
			t.Errorf("OffsetAt(%v) = %v, %v; want %v", tt.at, got, ok, tt.want)
		}
	}
	if _, ok := OffsetAt(nil, t0); ok {
		t.Error("no samples, yet an offset")
	}
}

// Same corrected time: register, then seq, then line, then id decide, so
// two counts in one instant have one winner whatever the arrival order.
func TestMovementOrderTies(t *testing.T) {
	t.Parallel()
	a := Movement{ID: "a", Kind: MoveCount, Store: "S", Product: "P", Qty: 5000, At: t0.Add(time.Minute), Register: "R1", Seq: 9, ClockOffset: time.Minute}
	b := Movement{ID: "b", Kind: MoveCount, Store: "S", Product: "P", Qty: 7000, At: t0.Add(-time.Minute), Register: "R2", Seq: 1, ClockOffset: -time.Minute}
	if !MovementBefore(a, b) || MovementBefore(b, a) {
		t.Fatal("register R1 orders before R2 at the same corrected time")
	}
	for _, in := range [][]Movement{{a, b}, {b, a}} {
		if p := OnHand(in); p.Qty != 7000 || !p.CountedAt.Equal(t0) {
			t.Fatalf("%+v", p)
		}
	}
	c, d := a, a
	c.Register, d.Register = "R2", "R2"
	c.Line, d.Line, d.ID = 0, 1, "d"
	if !MovementBefore(c, d) || MovementBefore(d, c) {
		t.Fatal("line orders")
	}
	d.Line = 0
	if !MovementBefore(c, d) || MovementBefore(c, c) {
		t.Fatal("id orders last; nothing is before itself")
	}
	e := a
	e.Seq = 10
	if !MovementBefore(a, e) {
		t.Fatal("seq orders")
	}
}

// Property: for a register alone in its store, the synced figure of any
// prefix of its journal plus its own movements since equals the head
// office's on-hand of the whole journal, so the register's marked figure
// becomes the head office's once the rest syncs.
func TestLocalOnHandMeetsHeadOffice(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 13))
		var own []Movement
		for _, m := range randomHistory(rng, true) {
			if m.Register == "R1" && m.Kind != MoveTransferIn {
				m.Product = "P"
				own = append(own, m)
			}
		}
		if len(own) == 0 {
			continue
		}
		cut := rng.IntN(len(own) + 1)
		through := int64(0)
		if cut > 0 {
			through = own[cut-1].Seq
		}
		fig := StockFigure{StockKey: StockKey{"S1", "P"}, Qty: OnHand(own[:cut]).Qty, Through: through}
		local, ho := LocalOnHand(fig, own), OnHand(own)
		if local.Qty != ho.Qty || local.Estimated != (cut < len(own)) {
			t.Fatalf("seed %d cut %d/%d: register shows %+v, head office %+v", seed, cut, len(own), local, ho)
		}
	}
}
