package register_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store"
)

type tickClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *tickClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

type recPrinter struct {
	mu   sync.Mutex
	docs []pos.Doc
}

func (p *recPrinter) Print(_ context.Context, d pos.Doc) error {
	p.mu.Lock()
	p.docs = append(p.docs, d)
	p.mu.Unlock()
	return nil
}

type countDrawer struct{ opens int }

func (d *countDrawer) OpenDrawer(context.Context) error { d.opens++; return nil }

// shop is a register on a real store with the demo catalog and staff.
type shop struct {
	t      *testing.T
	path   string
	db     *store.DB
	reg    *register.Register
	clock  *tickClock
	drawer *countDrawer
}

func openShop(t *testing.T, path string, clock *tickClock) *shop {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetRegisterID("reg-1")
	db.SetClock(clock)
	db.UseCheapPINHashes() // production cost: store's TestPINHashTakesTensOfMilliseconds
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	s := &shop{t: t, path: path, db: db, clock: clock, drawer: &countDrawer{}}
	s.reg = register.New(register.Config{RegisterID: "reg-1", RegisterCode: "K1", StoreName: "Demo",
		Currency: pos.MustCurrency("EUR"), TaxMode: pos.TaxInclusive},
		register.Deps{Catalog: db, Journal: db, Staff: db, Drawer: s.drawer, Clock: clock, Printer: &recPrinter{}})
	return s
}

func newShop(t *testing.T) *shop {
	return openShop(t, filepath.Join(t.TempDir(), "till.db"), &tickClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)})
}

// reopen closes nothing (t.Cleanup does) and opens the same file again, as
// after a restart of the register.
func (s *shop) reopen() *shop { return openShop(s.t, s.path, s.clock) }

func (s *shop) login(id, pin string) {
	s.t.Helper()
	if _, _, err := s.reg.Login(context.Background(), id, pin); err != nil {
		s.t.Fatalf("login %s: %v", id, err)
	}
}

func (s *shop) entries(kind pos.EntryKind) []pos.Entry {
	s.t.Helper()
	es, err := s.db.EntriesOfKind(context.Background(), 0, kind)
	if err != nil {
		s.t.Fatal(err)
	}
	return es
}

func (s *shop) overrides() []register.OverrideRecord {
	var out []register.OverrideRecord
	for _, e := range s.entries(pos.EntryOverride) {
		var o register.OverrideRecord
		if err := json.Unmarshal(e.Payload, &o); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

var anna, clara = "emp-anna", "emp-clara"

// guarded runs each guarded action the register has a method for; the rest
// (price override, discounts, voids, refunds, returns) go through Authorize,
// which their methods call.
func guarded(ctx context.Context, r *register.Register, a register.Action, ov *register.Override) error {
	switch a {
	case register.ActionPayout:
		_, err := r.Payout(ctx, 500, "Window cleaner", ov)
		return err
	case register.ActionNoSale:
		_, err := r.NoSale(ctx, "Change for customer", ov)
		return err
	case register.ActionZReport:
		_, err := r.CloseShift(ctx, []register.DenomCount{{Value: 5000, Count: 1}}, ov)
		return err
	}
	_, err := r.Authorize(ctx, a, ov, "test")
	return err
}

func TestEveryGuardedActionBothWays(t *testing.T) {
	actions := []register.Action{register.ActionPriceOverride, register.ActionDiscountOverLimit, register.ActionVoidSale,
		register.ActionRefund, register.ActionBlindReturn, register.ActionNoSale, register.ActionPayout, register.ActionZReport}
	for _, a := range actions {
		t.Run(string(a), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newShop(t)
			s.login(clara, "3333")
			if _, err := s.reg.StartShift(ctx, []register.DenomCount{{Value: 5000, Count: 1}}); err != nil {
				t.Fatal(err)
			}
			s.login(anna, "1111")
			if register.Allowed(register.RoleCashier, a) {
				t.Fatalf("a cashier may %s alone", a)
			}
			if err := guarded(ctx, s.reg, a, nil); !errors.Is(err, register.ErrNeedsOverride) {
				t.Fatalf("cashier alone: %v, want ErrNeedsOverride", err)
			}
			// A cashier's PIN cannot approve, nor can a reason-less override.
			if err := guarded(ctx, s.reg, a, &register.Override{PIN: "1111", Reason: "please"}); pos.ErrorCode(err) != pos.EUnauthorized {
				t.Fatalf("cashier PIN approved: %v", err)
			}
			if err := guarded(ctx, s.reg, a, &register.Override{PIN: "3333", Reason: ""}); pos.ErrorCode(err) != pos.EInvalid {
				t.Fatalf("no reason: %v", err)
			}
			if n := len(s.overrides()); n != 0 {
				t.Fatalf("%d overrides journaled before approval", n)
			}
			if err := guarded(ctx, s.reg, a, &register.Override{PIN: "3333", Reason: "Manager says so"}); err != nil {
				t.Fatalf("manager override: %v", err)
			}
			ovs := s.overrides()
			if len(ovs) != 1 || ovs[0].Action != a || ovs[0].CashierID != anna || ovs[0].Cashier != "Anna" ||
				ovs[0].ApproverID != clara || ovs[0].Approver != "Clara" || ovs[0].Reason != "Manager says so" {
				t.Fatalf("override entries = %+v", ovs)
			}
			// The manager alone needs no override.
			if a != register.ActionZReport {
				s.login(clara, "3333")
				if err := guarded(ctx, s.reg, a, nil); err != nil {
					t.Fatalf("manager alone: %v", err)
				}
			}
			if n, err := s.db.VerifyJournal(ctx); err != nil || n == 0 {
				t.Fatalf("chain: %d, %v", n, err)
			}
		})
	}
}

func TestShiftCashAndZSurviveRestart(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	s.login(anna, "1111")
	if clocks := s.entries(pos.EntryClockInOut); len(clocks) != 1 {
		t.Fatalf("login journaled %d clock entries, want 1 clock in", len(clocks))
	}
	float := []register.DenomCount{{Value: 2000, Count: 5}, {Value: 1000, Count: 3}, {Value: 200, Count: 10}} // 150 €
	if _, err := s.reg.StartShift(ctx, float); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reg.StartShift(ctx, float); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("second open: %v", err)
	}
	// A sale: 2 x Espresso (19 %) + Brötchen (7 %) = 4.25, paid 10.00 cash.
	scan(t, s.reg, "2176221586642", "2176221586642", "2117674936530")
	if _, err := s.reg.TenderCash(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reg.CashDrop(ctx, 5000, "Safe"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reg.Payout(ctx, 300, "Stamps", &register.Override{PIN: "3333", Reason: "Post office"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reg.NoSale(ctx, "Change", &register.Override{PIN: "2222", Reason: "Change for a 50"}); err != nil {
		t.Fatal(err)
	}
	if s.drawer.opens != 3 {
		t.Errorf("drawer opened %d times, want 3 (drop, payout, no-sale)", s.drawer.opens)
	}

	// Restart: the shift is still open and the X report is the same.
	x1, err := s.reg.XReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s2 := s.reopen()
	s2.login(anna, "1111")
	if clocks := s2.entries(pos.EntryClockInOut); len(clocks) != 1 {
		t.Fatalf("relogin after restart clocked in again: %d entries", len(clocks))
	}
	x, err := s2.reg.XReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if x.ShiftID != x1.ShiftID || x.Gross != x1.Gross {
		t.Fatalf("after restart: %+v vs %+v", x, x1)
	}
	if x.Float != 15000 || x.Sales != 1 || x.Gross != 425 || x.CashSales != 425 || x.Drops != 5000 || x.Payouts != 300 || x.NoSales != 1 {
		t.Fatalf("X report = %+v", x)
	}
	if x.ExpectedCash != 15000+425-5000-300 {
		t.Fatalf("expected cash %d", x.ExpectedCash)
	}
	if refs, err := s2.reg.ShiftReceipts(ctx); err != nil || len(refs) != 1 || refs[0].ReceiptNo == "" || refs[0].Gross != 425 {
		t.Fatalf("receipts %+v %v", refs, err)
	}
	// Z with a blind count 1.25 short.
	counted := []register.DenomCount{{Value: 5000, Count: 1}, {Value: 2000, Count: 2}, {Value: 1000, Count: 1}, {Value: 100, Count: 1}}
	z, err := s2.reg.CloseShift(ctx, counted, &register.Override{PIN: "3333", Reason: "End of day"})
	if err != nil {
		t.Fatal(err)
	}
	if z.Counted != 10100 || z.OverShort != 10100-(15000+425-5000-300) || !z.Z || z.ClosedBy != "Clara" {
		t.Fatalf("Z = %+v", z)
	}
	if _, _, open, _ := s2.reg.OpenShift(ctx); open {
		t.Fatal("shift still open after Z")
	}
	zs := s2.entries(pos.EntryZReport)
	if len(zs) != 1 {
		t.Fatalf("%d Z entries", len(zs))
	}
	if n, err := s2.db.VerifyJournal(ctx); err != nil || n < zs[0].Seq {
		t.Fatalf("chain after Z: %d %v", n, err)
	}
	if _, err := s2.reg.XReport(ctx); !errors.Is(err, register.ErrNoShift) {
		t.Fatalf("X after Z: %v", err)
	}
	s3 := s2.reopen()
	if last, ok, err := s3.reg.LastZReport(ctx); err != nil || !ok || last.OverShort != z.OverShort {
		t.Fatalf("last Z after restart: %+v %v %v", last, ok, err)
	}
	if err := s2.reg.ClockOut(ctx); err != nil {
		t.Fatal(err)
	}
	if in, _ := s3.reg.ClockedIn(ctx); len(in) != 0 {
		t.Fatalf("still clocked in: %v", in)
	}
}

func scan(t *testing.T, r *register.Register, codes ...string) {
	t.Helper()
	for _, c := range codes {
		if _, err := r.Scan(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
}

// TestZReportEqualsJournalProperty is acceptance 5: over random shifts of
// sales with mixed rates, cash and card, change, and returns (negative
// sales), the Z report's totals by tender and tax rate equal the sums of the
// shift's journal entries, and the Z entry verifies in the chain.
func TestZReportEqualsJournalProperty(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(4, 2026))
	codes := []string{"2176221586642", "2117674936530", "4001132648593", "2154069937093", "4017250239988", "2174373412659"}
	s := newShop(t)
	s.login(clara, "3333")
	for shift := 0; shift < 8; shift++ {
		if _, err := s.reg.StartShift(ctx, []register.DenomCount{{Value: 1000, Count: int64(rng.IntN(20))}}); err != nil {
			t.Fatal(err)
		}
		for range rng.IntN(12) {
			appendRandomSale(t, s, rng, codes)
			if rng.IntN(4) == 0 {
				if _, err := s.reg.CashDrop(ctx, int64(1+rng.IntN(3000)), "Safe"); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, open, _, _ := s.reg.OpenShift(ctx)
		z, err := s.reg.CloseShift(ctx, []register.DenomCount{{Value: 1, Count: int64(rng.IntN(100000))}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkZAgainstJournal(t, s, open.Seq, z)
	}
	if _, err := s.db.VerifyJournal(ctx); err != nil {
		t.Fatal(err)
	}
}

// checkZAgainstJournal sums the entries between the shift's open and its Z
// independently of ComputeShiftReport.
func checkZAgainstJournal(t *testing.T, s *shop, openSeq int64, z register.ShiftReport) {
	t.Helper()
	ctx := context.Background()
	entries, err := s.db.Entries(ctx, openSeq, 100000)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Kind != pos.EntryZReport {
		t.Fatalf("last entry is %s, not the Z", last.Kind)
	}
	var stored register.ShiftReport
	if err := json.Unmarshal(last.Payload, &stored); err != nil || stored.Gross != z.Gross || stored.OverShort != z.OverShort {
		t.Fatalf("stored Z differs: %v", err)
	}
	byTender := map[pos.TenderKind]int64{}
	byRate := map[string][3]int64{}
	var gross, drops int64
	for _, e := range entries[:len(entries)-1] {
		switch e.Kind {
		case pos.EntrySale, pos.EntryReturn, pos.EntryVoid:
			var rec pos.SaleRecord
			if err := json.Unmarshal(e.Payload, &rec); err != nil {
				t.Fatal(err)
			}
			for _, l := range rec.Lines {
				r := byRate[l.TaxRateID]
				byRate[l.TaxRateID] = [3]int64{r[0] + l.Net, r[1] + l.Tax, r[2] + l.Gross}
				gross += l.Gross
			}
			for _, tn := range rec.Tenders {
				byTender[tn.Kind] += tn.Amount
			}
			byTender[pos.TenderCash] -= rec.Totals.Change
		case pos.EntryCashMove:
			var mv register.CashMoveRecord
			json.Unmarshal(e.Payload, &mv)
			drops += mv.Amount
		}
	}
	if z.Gross != gross || z.Drops != drops {
		t.Fatalf("Z gross %d drops %d, journal %d %d", z.Gross, z.Drops, gross, drops)
	}
	var zt []string
	for _, tt := range z.ByTender {
		if byTender[tt.Kind] != tt.Amount {
			t.Errorf("tender %s: Z %d, journal %d", tt.Kind, tt.Amount, byTender[tt.Kind])
		}
		zt = append(zt, string(tt.Kind))
		delete(byTender, tt.Kind)
	}
	for k, v := range byTender {
		if v != 0 {
			t.Errorf("tender %s (%d) missing from Z %v", k, v, zt)
		}
	}
	for _, tl := range z.ByRate {
		if r := byRate[tl.RateID]; r != [3]int64{tl.Net, tl.Tax, tl.Gross} {
			t.Errorf("rate %s: Z %+v, journal %v", tl.RateID, tl, r)
		}
		delete(byRate, tl.RateID)
	}
	keys := make([]string, 0, len(byRate))
	for k := range byRate {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		t.Errorf("rates missing from Z: %v", keys)
	}
	if z.ExpectedCash != z.Float+z.TenderAmount(pos.TenderCash)-z.Drops-z.Payouts || z.OverShort != z.Counted-z.ExpectedCash {
		t.Errorf("cash: %+v", z)
	}
}

// appendRandomSale journals a random sale or return (negative quantities)
// paid by card, cash with change, or both, built with the domain's Sale.
func appendRandomSale(t *testing.T, s *shop, rng *rand.Rand, codes []string) {
	t.Helper()
	ctx := context.Background()
	sale := pos.NewSale(uuidLike(rng), "reg-1", pos.MustCurrency("EUR"), pos.TaxInclusive, s.clock.Now())
	sign := pos.Qty(1)
	if rng.IntN(5) == 0 {
		sign = -1 // a return
	}
	for range 1 + rng.IntN(4) {
		p, err := s.db.ProductByBarcode(ctx, codes[rng.IntN(len(codes))])
		if err != nil {
			t.Fatal(err)
		}
		rate, _ := s.db.TaxRate(ctx, p.TaxRateID)
		if _, err := sale.AddProduct(p, sign*pos.Qty(1+rng.IntN(3))*pos.QtyOne, rate.BasisPoints, ""); err != nil {
			t.Fatal(err)
		}
	}
	tot, _ := sale.Totals()
	var tenders []pos.Tender
	switch {
	case tot.Gross == 0:
	case rng.IntN(3) == 0:
		tenders = []pos.Tender{{Kind: pos.TenderCard, Amount: tot.Due}}
	case sign > 0 && rng.IntN(2) == 0:
		part := 1 + rng.Int64N(tot.Due)
		tenders = []pos.Tender{{Kind: pos.TenderCard, Amount: tot.Due - part}, {Kind: pos.TenderCash, Amount: part + rng.Int64N(5000)}}
	case sign > 0:
		tenders = []pos.Tender{{Kind: pos.TenderCash, Amount: tot.Due + rng.Int64N(5000)}}
	default:
		tenders = []pos.Tender{{Kind: pos.TenderCash, Amount: tot.Due}}
	}
	for _, tn := range tenders {
		if tn.Amount == 0 {
			continue
		}
		if err := sale.AddTender(tn); err != nil {
			t.Fatal(err)
		}
	}
	kind := pos.EntrySale
	if sign < 0 {
		kind = pos.EntryReturn
	}
	_, err := s.db.Append(ctx, kind, sale.ID, s.clock.Now(), func(seq int64) ([]byte, error) {
		rec, err := sale.Record(register.ReceiptNo("K1", seq), s.clock.Now())
		if err != nil {
			return nil, err
		}
		return json.Marshal(rec)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func uuidLike(rng *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 32)
	for i := range b {
		b[i] = hex[rng.IntN(16)]
	}
	return string(b)
}

// TestZReportWaitsForTheOpenSale: a sale with lines open at the Z could be
// paid after it and land in no Z report; the Z refuses until it is finished
// (or parked), and journals nothing (no override) meanwhile.
func TestZReportWaitsForTheOpenSale(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	s.login(anna, "1111")
	if _, err := s.reg.StartShift(ctx, []register.DenomCount{{Value: 5000, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	scan(t, s.reg, "2176221586642")
	z := &register.Override{PIN: "3333", Reason: "End of day"}
	if _, err := s.reg.CloseShift(ctx, []register.DenomCount{{Value: 5000, Count: 1}}, z); !errors.Is(err, register.ErrSaleOpenAtClose) {
		t.Fatalf("Z with a sale open: err = %v, want ErrSaleOpenAtClose", err)
	}
	if n := len(s.entries(pos.EntryOverride)); n != 0 {
		t.Errorf("the refused Z journaled %d overrides", n)
	}
	if _, err := s.reg.TenderExact(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := s.reg.CloseShift(ctx, []register.DenomCount{{Value: 5000, Count: 1}}, z)
	if err != nil || rep.Sales != 1 {
		t.Fatalf("Z after the sale was paid: %d sales, %v", rep.Sales, err)
	}
}
