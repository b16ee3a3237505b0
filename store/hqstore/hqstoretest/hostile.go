package hqstoretest

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
)

// testIDsPerRegister: an entry id is unique per register only. A register
// that stored entries under ids another register will use later must not
// make that register stuck.
func testIDsPerRegister(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	squatter, victim := NewChain("R1"), NewChain("R2")
	squatter.IDPrefix, victim.IDPrefix = "X", "X"
	mustIngest(t, st, squatter, squatter.Sales(3))
	mustIngest(t, st, victim, victim.Sales(3)) // ids X-00000001..3 again
	for _, rid := range []string{"R1", "R2"} {
		if n, err := st.SalesCount(ctx, rid); err != nil || n != 3 {
			t.Errorf("%s: %d sales, %v; want 3", rid, n, err)
		}
	}
	// Within one register an id still names one entry.
	forked := NewChain("R2")
	forked.IDPrefix, forked.StoreID = "X", "S9"
	res, _, err := st.IngestBatch(ctx, "R2", forked.Sales(1))
	if err != nil || res[0].Status != hqstore.Rejected || !strings.Contains(res[0].Reason, "different content") {
		t.Fatalf("same id, other content: %+v, %v", res, err)
	}
}

// saleWith is the next sale of c with its record changed by edit.
func saleWith(t *testing.T, c *Chain, edit func(*pos.SaleRecord)) pos.Entry {
	t.Helper()
	var r pos.SaleRecord
	if err := json.Unmarshal(SalePayload(c.RegisterID, c.StoreID, c.Currency, c.seq+1, c.at.Add(time.Minute)), &r); err != nil {
		t.Fatal(err)
	}
	edit(&r)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return c.Next(pos.EntrySale, b)
}

// testRefusesOutOfBounds: payloads a second parser could read differently
// and figures beyond pos's bounds are refused, and nothing is stored.
func testRefusesOutOfBounds(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	tests := []struct {
		name   string
		entry  func(c *Chain, good []byte) pos.Entry
		reason string
	}{
		{"gross max int64", func(c *Chain, good []byte) pos.Entry {
			return saleWith(t, c, func(r *pos.SaleRecord) { r.Totals.Gross = math.MaxInt64 })
		}, "too large"},
		{"negative huge tender", func(c *Chain, good []byte) pos.Entry {
			return saleWith(t, c, func(r *pos.SaleRecord) { r.Tenders[0].Amount = math.MinInt64 })
		}, "too large"},
		{"completed in 2099", func(c *Chain, good []byte) pos.Entry {
			return saleWith(t, c, func(r *pos.SaleRecord) { r.Completed = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) })
		}, "out of range"},
		{"created in 2099", func(c *Chain, good []byte) pos.Entry {
			c.at = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
			return c.Next(pos.EntrySale, good)
		}, "out of range"},
		{"quantity beyond MaxQty", func(c *Chain, good []byte) pos.Entry {
			return saleWith(t, c, func(r *pos.SaleRecord) { r.Lines[0].Qty = pos.MaxQty * 10 })
		}, "qty"},
		{"leading space", func(c *Chain, good []byte) pos.Entry { return c.Next(pos.EntrySale, append([]byte(" "), good...)) }, "canonical"},
		{"trailing newline", func(c *Chain, good []byte) pos.Entry {
			return c.Next(pos.EntrySale, append(good[:len(good):len(good)], '\n'))
		}, "canonical"},
		{"byte-order mark", func(c *Chain, good []byte) pos.Entry { return c.Next(pos.EntrySale, append([]byte("\ufeff"), good...)) }, "canonical"},
		{"duplicate store_id", func(c *Chain, good []byte) pos.Entry {
			return c.Next(pos.EntrySale, []byte(strings.Replace(string(good), `{`, `{"store_id":"S02",`, 1)))
		}, "duplicate"},
		{"upper-case key", func(c *Chain, good []byte) pos.Entry {
			return c.Next(pos.EntrySale, []byte(strings.Replace(string(good), `"store_id"`, `"STORE_ID"`, 1)))
		}, "canonical"},
		{"exponent", func(c *Chain, good []byte) pos.Entry {
			return c.Next(pos.EntrySale, []byte(strings.Replace(string(good), `"gross":200`, `"gross":2e2`, 1)))
		}, "canonical"},
		{"duplicate key in a z report", func(c *Chain, good []byte) pos.Entry { return c.Next(pos.EntryZReport, []byte(`{"a":1,"a":2}`)) }, "duplicate"},
	}
	for i, tt := range tests {
		rid := "B" + string(rune('A'+i))
		c := NewChain(rid)
		first := c.Sales(1)
		bad := tt.entry(c, SalePayload(rid, c.StoreID, c.Currency, 2, c.at.Add(time.Minute)))
		res, acked, err := st.IngestBatch(ctx, rid, append(first, bad))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if acked != 1 || res[1].Status != hqstore.Rejected || !strings.Contains(res[1].Reason, tt.reason) {
			t.Errorf("%s: acked %d, %+v; want rejected with %q", tt.name, acked, res[1], tt.reason)
		}
		if n, _ := st.SalesCount(ctx, rid); n != 1 {
			t.Errorf("%s: %d sales stored, want 1", tt.name, n)
		}
	}
}

// testSumsCannotOverflow: enough sales at pos.MaxAmount to overflow an
// int64 sum still leave every report answering.
func testSumsCannotOverflow(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	c := NewChain("BIG")
	n := int(math.MaxInt64/pos.MaxAmount) + 2
	var batch []pos.Entry
	for range n {
		batch = append(batch, saleWith(t, c, func(r *pos.SaleRecord) {
			r.Totals.Gross, r.Totals.Paid, r.Tenders[0].Amount = pos.MaxAmount, pos.MaxAmount, pos.MaxAmount
		}))
	}
	mustIngest(t, st, c, batch)
	regs, err := st.Registers(ctx, time.Time{})
	if err != nil {
		t.Fatalf("Registers: %v", err)
	}
	if len(regs) != 1 || regs[0].SalesSince != int64(n) || regs[0].GrossSince[0].Minor != math.MaxInt64 {
		t.Errorf("Registers: %+v; want %d sales at the int64 limit", regs, n)
	}
	hours, err := st.SalesByHour(ctx, Epoch, Epoch.Add(30*24*time.Hour), time.UTC)
	if err != nil {
		t.Fatalf("SalesByHour: %v", err)
	}
	var sales int64
	for _, h := range hours {
		sales += h.Sales
		if h.Gross < 0 {
			t.Errorf("hour %d wrapped: %d", h.Hour, h.Gross)
		}
	}
	if sales != int64(n) {
		t.Errorf("SalesByHour counted %d sales, want %d", sales, n)
	}
	// Exact below the limit.
	small := NewChain("SMALL")
	mustIngest(t, st, small, []pos.Entry{
		saleWith(t, small, func(r *pos.SaleRecord) { r.Totals.Gross = pos.MaxAmount - 1 }),
		saleWith(t, small, func(r *pos.SaleRecord) { r.Totals.Gross = -999_999_999 }),
		saleWith(t, small, func(r *pos.SaleRecord) { r.Totals.Gross = 1_000_000_001 })})
	regs, err = st.Registers(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regs {
		if r.RegisterID == "SMALL" && r.GrossSince[0].Minor != pos.MaxAmount-1+2 {
			t.Errorf("SMALL gross %d, want %d", r.GrossSince[0].Minor, pos.MaxAmount+1)
		}
	}
}
