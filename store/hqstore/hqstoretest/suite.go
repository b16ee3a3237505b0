package hqstoretest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
)

// Run runs the conformance suite against stores made by open. open is called
// once per subtest and must return an empty store that is closed when t ends.
func Run(t *testing.T, open func(t *testing.T) hqstore.Store) {
	t.Run("Ingest", func(t *testing.T) { t.Parallel(); testIngest(t, open) })
	t.Run("ConcurrentSameBatch", func(t *testing.T) { t.Parallel(); testConcurrent(t, open) })
	t.Run("SaleFigures", func(t *testing.T) { t.Parallel(); testSaleFigures(t, open) })
	t.Run("SalesByHour", func(t *testing.T) { t.Parallel(); testSalesByHour(t, open) })
	t.Run("Registers", func(t *testing.T) { t.Parallel(); testRegisters(t, open) })
	t.Run("UnknownRegister", func(t *testing.T) { t.Parallel(); testUnknownRegister(t, open) })
	t.Run("Registry", func(t *testing.T) { t.Parallel(); testRegistry(t, open) })
	t.Run("Catalog", func(t *testing.T) { t.Parallel(); testCatalog(t, open) })
	t.Run("RegisterHealth", func(t *testing.T) { t.Parallel(); testRegisterHealth(t, open) })
	t.Run("MoneyFacts", func(t *testing.T) { t.Parallel(); testMoneyFacts(t, open) })
	t.Run("IDsPerRegister", func(t *testing.T) { t.Parallel(); testIDsPerRegister(t, open) })
	t.Run("RefusesOutOfBounds", func(t *testing.T) { t.Parallel(); testRefusesOutOfBounds(t, open) })
	t.Run("SumsCannotOverflow", func(t *testing.T) { t.Parallel(); testSumsCannotOverflow(t, open) })
	t.Run("StoreDetailsAndRevoke", func(t *testing.T) { t.Parallel(); testStoreDetailsAndRevoke(t, open) })
	t.Run("Accounts", func(t *testing.T) { t.Parallel(); testAccounts(t, open) })
	t.Run("Audit", func(t *testing.T) { t.Parallel(); testAudit(t, open) })
	t.Run("FactTotals", func(t *testing.T) { t.Parallel(); testFactTotals(t, open) })
	t.Run("BookedDays", func(t *testing.T) { t.Parallel(); testBookedDays(t, open) })
	t.Run("LegacyCustomer", func(t *testing.T) { t.Parallel(); testLegacyCustomer(t, open) })
	t.Run("StockProperty", func(t *testing.T) { t.Parallel(); testStockProperty(t, open) })
	t.Run("StockSettings", func(t *testing.T) { t.Parallel(); testStockSettings(t, open) })
	t.Run("StockLateBeforeCount", func(t *testing.T) { t.Parallel(); testStockLateBeforeCount(t, open) })
}

// step is one IngestBatch call and what it must answer.
type step struct {
	entries []pos.Entry
	want    []hqstore.Status
	reasons []string // substring per entry, "" for any
	acked   int64
}

const (
	isStored = hqstore.Stored
	isDup    = hqstore.Duplicate
	isRej    = hqstore.Rejected
)

func statuses(s hqstore.Status, n int) []hqstore.Status { return slices.Repeat([]hqstore.Status{s}, n) }

func cat[T any](parts ...[]T) []T { return slices.Concat(parts...) }

func tamper(e pos.Entry) pos.Entry {
	e.Payload = []byte(strings.Replace(string(e.Payload), `"gross":`, `"gross":9`, 1))
	return e
}

func testIngest(t *testing.T, open func(t *testing.T) hqstore.Store) {
	tests := []struct {
		name      string
		steps     func(c *Chain) []step
		wantSales int64
	}{
		{"in order across batches", func(c *Chain) []step {
			return []step{{entries: c.Sales(5), want: statuses(isStored, 5), acked: 5},
				{entries: c.Sales(3), want: statuses(isStored, 3), acked: 8}}
		}, 8},
		{"same batch twice stores nothing new", func(c *Chain) []step {
			b := c.Sales(4)
			return []step{{entries: b, want: statuses(isStored, 4), acked: 4},
				{entries: b, want: statuses(isDup, 4), acked: 4}}
		}, 4},
		{"overlapping batch", func(c *Chain) []step {
			b := c.Sales(8)
			return []step{{entries: b[:5], want: statuses(isStored, 5), acked: 5},
				{entries: b[2:], want: cat(statuses(isDup, 3), statuses(isStored, 3)), acked: 8}}
		}, 8},
		{"empty batch reports the chain end", func(c *Chain) []step {
			return []step{{entries: c.Sales(2), want: statuses(isStored, 2), acked: 2}, {acked: 2}}
		}, 2},
		{"edited payload is rejected, later entries out of sequence", func(c *Chain) []step {
			b := c.Sales(5)
			b[2] = tamper(b[2])
			return []step{{entries: b, want: cat(statuses(isStored, 2), statuses(isRej, 3)),
				reasons: []string{"", "", "edited", "out of sequence", "out of sequence"}, acked: 2}}
		}, 2},
		{"broken link is rejected", func(c *Chain) []step {
			b := c.Sales(3)
			b[1].PrevHash = strings.Repeat("ab", 32)
			b[1].Hash = b[1].ComputeHash()
			return []step{{entries: b, want: cat(statuses(isStored, 1), statuses(isRej, 2)),
				reasons: []string{"", "previous-hash", "out of sequence"}, acked: 1}}
		}, 1},
		{"gap is refused until the missing entries arrive", func(c *Chain) []step {
			b := c.Sales(6)
			return []step{
				{entries: b[3:], want: statuses(isRej, 3), reasons: []string{"gap: expected seq 1, got 4", "out of sequence", ""}, acked: 0},
				{entries: b[:2], want: statuses(isStored, 2), acked: 2},
				{entries: b[3:], want: statuses(isRej, 3), reasons: []string{"gap: expected seq 3, got 4"}, acked: 2},
				{entries: b[2:], want: statuses(isStored, 4), acked: 6},
			}
		}, 6},
		{"entry of another register is rejected", func(c *Chain) []step {
			other := NewChain("R-other").Sales(1)
			return []step{{entries: cat(other, c.Sales(1)), want: statuses(isRej, 2),
				reasons: []string{`belongs to register "R-other"`, "out of sequence"}, acked: 0}}
		}, 0},
		{"id reused with different content is rejected", func(c *Chain) []step {
			b := c.Sales(2)
			fake := b[1]
			fake.ID = b[0].ID
			fake.Hash = fake.ComputeHash()
			return []step{{entries: b[:1], want: statuses(isStored, 1), acked: 1},
				{entries: []pos.Entry{fake}, want: statuses(isRej, 1), reasons: []string{"different content"}, acked: 1}}
		}, 1},
		{"seq already stored under another id is rejected", func(c *Chain) []step {
			b := c.Sales(2)
			fork := NewChain(c.RegisterID)
			fork.Next(pos.EntryCashMove, []byte(`{"fork":true}`))
			f := fork.Sales(1)
			f[0].ID = "forked-id"
			return []step{{entries: b, want: statuses(isStored, 2), acked: 2},
				{entries: f, want: statuses(isRej, 1), reasons: []string{"seq 2 is already stored"}, acked: 2}}
		}, 2},
		{"other kinds are stored but are not sales", func(c *Chain) []step {
			b := cat(c.Sales(1), []pos.Entry{c.Next(pos.EntryShiftOpen, []byte(`{"float":10000}`)),
				c.Next(pos.EntryCashMove, []byte(`{"kind":"drop","amount":5000}`))}, c.Sales(1))
			return []step{{entries: b, want: statuses(isStored, 4), acked: 4}}
		}, 2},
		{"a payload that is not canonical JSON is rejected, whatever its kind", func(c *Chain) []step {
			b := cat(c.Sales(1), []pos.Entry{c.Next(pos.EntryCashMove, []byte("not json at all"))})
			return []step{{entries: b, want: []hqstore.Status{isStored, isRej}, reasons: []string{"", "canonical"}, acked: 1}}
		}, 1},
		{"sale with a payload that is not a sale record is rejected", func(c *Chain) []step {
			b := cat(c.Sales(1), []pos.Entry{c.Next(pos.EntrySale, []byte(`[1,2,3]`))})
			return []step{{entries: b, want: []hqstore.Status{isStored, isRej}, reasons: []string{"", "not a sale record"}, acked: 1}}
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := open(t)
			c := NewChain("R1")
			for i, s := range tt.steps(c) {
				res, acked, err := st.IngestBatch(ctx, "R1", s.entries)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				checkResults(t, i, s, res)
				if acked != s.acked {
					t.Errorf("step %d: acked through %d, want %d", i, acked, s.acked)
				}
				state, err := st.SyncState(ctx, "R1")
				if err != nil {
					t.Fatal(err)
				}
				if state.LastSeq != acked {
					t.Errorf("step %d: sync state seq %d, acked %d", i, state.LastSeq, acked)
				}
			}
			n, err := st.SalesCount(ctx, "R1")
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.wantSales {
				t.Errorf("sales count %d, want %d", n, tt.wantSales)
			}
		})
	}
}

func checkResults(t *testing.T, step int, s step, res []hqstore.Outcome) {
	t.Helper()
	if len(res) != len(s.entries) {
		t.Fatalf("step %d: %d results for %d entries", step, len(res), len(s.entries))
	}
	for j, r := range res {
		e := s.entries[j]
		if r.ID != e.ID || r.Seq != e.Seq {
			t.Errorf("step %d result %d: id/seq %s/%d, want %s/%d", step, j, r.ID, r.Seq, e.ID, e.Seq)
		}
		if r.Status != s.want[j] {
			t.Errorf("step %d seq %d: status %s (%s), want %s", step, e.Seq, r.Status, r.Reason, s.want[j])
		}
		if (r.Status == hqstore.Rejected) != (r.Reason != "") {
			t.Errorf("step %d seq %d: status %s with reason %q", step, e.Seq, r.Status, r.Reason)
		}
		if j < len(s.reasons) && !strings.Contains(r.Reason, s.reasons[j]) {
			t.Errorf("step %d seq %d: reason %q, want it to contain %q", step, e.Seq, r.Reason, s.reasons[j])
		}
	}
}

// testConcurrent pushes the same batch from several goroutines, as a
// register retrying after a timeout may: every entry is stored exactly once.
func testConcurrent(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	batch := NewChain("R1").Sales(50)
	const pushers = 4
	var wg sync.WaitGroup
	storedBy := make([]int, pushers)
	errs := make([]error, pushers)
	for p := range pushers {
		wg.Go(func() {
			res, acked, err := st.IngestBatch(ctx, "R1", batch)
			if err == nil && acked != 50 {
				err = fmt.Errorf("acked through %d, want 50", acked)
			}
			errs[p] = err
			for _, r := range res {
				switch r.Status {
				case hqstore.Stored:
					storedBy[p]++
				case hqstore.Rejected:
					errs[p] = fmt.Errorf("seq %d rejected: %s", r.Seq, r.Reason)
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for p := range pushers {
		if errs[p] != nil {
			t.Errorf("pusher %d: %v", p, errs[p])
		}
		total += storedBy[p]
	}
	if total != 50 {
		t.Errorf("stored %d times in all, want 50", total)
	}
	if n, _ := st.SalesCount(ctx, "R1"); n != 50 {
		t.Errorf("sales count %d, want 50", n)
	}
}

func testSaleFigures(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	r1, r2 := NewChain("R1"), NewChain("R2")
	r2.StoreID = "S2"
	for _, c := range []*Chain{r1, r2} {
		if _, _, err := st.IngestBatch(ctx, c.RegisterID, c.Sales(3)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := st.Sales(ctx, hqstore.SalesFilter{RegisterID: "R1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("got %d sales of R1, want 3", len(all))
	}
	want := hqstore.Sale{EntryID: "R1-00000002", RegisterID: "R1", Seq: 2, SaleID: "R1-sale-2", StoreID: "S1",
		ReceiptNo: "R1-000002", Currency: "EUR", TotalGross: 200, CompletedAt: Epoch.Add(2 * time.Minute)}
	if got := all[1]; got != want {
		t.Errorf("sale 2:\n got %+v\nwant %+v", got, want)
	}
	tests := []struct {
		name string
		f    hqstore.SalesFilter
		want []string // receipt numbers
	}{
		{"all", hqstore.SalesFilter{}, []string{"R1-000001", "R2-000001", "R1-000002", "R2-000002", "R1-000003", "R2-000003"}},
		{"store", hqstore.SalesFilter{StoreID: "S2"}, []string{"R2-000001", "R2-000002", "R2-000003"}},
		{"from", hqstore.SalesFilter{RegisterID: "R2", From: Epoch.Add(2 * time.Minute)}, []string{"R2-000002", "R2-000003"}},
		{"to is exclusive", hqstore.SalesFilter{To: Epoch.Add(2 * time.Minute)}, []string{"R1-000001", "R2-000001"}},
		{"limit", hqstore.SalesFilter{Limit: 1}, []string{"R1-000001"}},
		{"no match", hqstore.SalesFilter{RegisterID: "R9"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := st.Sales(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var receipts []string
			for _, s := range got {
				receipts = append(receipts, s.ReceiptNo)
			}
			if !slices.Equal(receipts, tt.want) {
				t.Errorf("got %v, want %v", receipts, tt.want)
			}
		})
	}
}

func testRegisters(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	r1, r2, chf := NewChain("R1"), NewChain("R2"), NewChain("R3")
	chf.Currency = "CHF"
	mustIngest(t, st, r1, r1.Sales(4))
	mustIngest(t, st, r2, append(r2.Sales(1), r2.Next(pos.EntryZReport, []byte(`{}`))))
	mustIngest(t, st, chf, chf.Sales(2))
	// A register whose only batch was rejected does not appear.
	if _, _, err := st.IngestBatch(ctx, "R4", NewChain("R4").Sales(3)[1:]); err != nil {
		t.Fatal(err)
	}
	got, err := st.Registers(ctx, Epoch.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id          string
		seq, n, nSi int64
		gross       []hqstore.Amount
	}
	want := []row{
		{"R1", 4, 4, 2, []hqstore.Amount{{Currency: "EUR", Minor: 700}}},
		{"R2", 2, 1, 0, nil},
		{"R3", 2, 2, 0, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d registers %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.RegisterID != w.id || g.LastSeq != w.seq || g.SalesCount != w.n || g.SalesSince != w.nSi || !slices.Equal(g.GrossSince, w.gross) {
			t.Errorf("register %d: got %+v, want %+v", i, g, w)
		}
		if len(g.LastHash) != 64 || g.LastEntryAt.IsZero() {
			t.Errorf("register %s: last hash %q at %v", g.RegisterID, g.LastHash, g.LastEntryAt)
		}
	}
	all, err := st.Registers(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if g := all[2].GrossSince; !slices.Equal(g, []hqstore.Amount{{Currency: "CHF", Minor: 300}}) {
		t.Errorf("R3 gross %+v, want CHF 300", g)
	}
}

func mustIngest(t *testing.T, st hqstore.Store, c *Chain, entries []pos.Entry) {
	t.Helper()
	res, _, err := st.IngestBatch(context.Background(), c.RegisterID, entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != hqstore.Stored {
			t.Fatalf("seq %d: %s %s", r.Seq, r.Status, r.Reason)
		}
	}
}

func testUnknownRegister(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	state, err := st.SyncState(ctx, "nobody")
	if err != nil {
		t.Fatal(err)
	}
	if state != (hqstore.SyncState{RegisterID: "nobody", LastHash: pos.GenesisHash}) {
		t.Errorf("state %+v", state)
	}
	if n, err := st.SalesCount(ctx, "nobody"); err != nil || n != 0 {
		t.Errorf("count %d, %v", n, err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
	if _, _, err := st.IngestBatch(ctx, "", nil); err == nil {
		t.Error("empty register id accepted")
	}
}
