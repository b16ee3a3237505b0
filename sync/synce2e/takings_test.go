package synce2e_test

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	appregister "github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncserver"
)

// approvingTerminal approves every card payment, refund and reversal.
type approvingTerminal struct{}

func (approvingTerminal) Authorize(_ context.Context, req appregister.CardRequest, _ func(string)) (appregister.CardResult, error) {
	return appregister.CardResult{Approved: true, Amount: req.Amount, MaskedPAN: "************0119", Brand: "VISA",
		AuthCode: "123456", Trace: "000042", ReceiptNo: "0042", TerminalID: "52500038", ResultCode: "00"}, nil
}

func (t approvingTerminal) Refund(ctx context.Context, req appregister.CardRequest, p func(string)) (appregister.CardResult, error) {
	return t.Authorize(ctx, req, p)
}

func (approvingTerminal) Reverse(_ context.Context, receipt string, _ func(string)) (appregister.CardResult, error) {
	return appregister.CardResult{Approved: true, ResultCode: "00", ReceiptNo: receipt, Trace: "000043"}, nil
}
func (approvingTerminal) Abort(context.Context) error { return nil }
func (approvingTerminal) LastTransaction(context.Context) (appregister.CardResult, error) {
	return appregister.CardResult{}, nil
}

// demoBarcodes are products of the demo catalog (SeedDemoIfEmpty).
var demoBarcodes = []string{"2117674936530", "2168615649859", "2102942849810", "2154069937093", "2174431423955"}

// tillUnderTest is a real register: its own SQLite journal and app/register's use cases.
type tillUnderTest struct {
	id, store string
	db        *store.DB
	reg       *appregister.Register
	clock     *fakeClock
}

func newTill(t *testing.T, id, storeID string, clock *fakeClock) *tillUnderTest {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), id+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetRegisterID(id)
	if err := db.SeedDemoIfEmpty(context.Background()); err != nil {
		t.Fatal(err)
	}
	reg := appregister.New(appregister.Config{RegisterID: id, RegisterCode: id, StoreID: storeID, Currency: pos.MustCurrency("EUR")},
		appregister.Deps{Catalog: db, Journal: db, Clock: clock, PaymentTerminal: approvingTerminal{}, Payments: db,
			Log: slog.New(slog.DiscardHandler)})
	reg.SetEmployee(appregister.Employee{ID: "owner", Name: "Olga", Role: appregister.RoleOwner})
	return &tillUnderTest{id: id, store: storeID, db: db, reg: reg, clock: clock}
}

// shift rings one random shift and returns its Z report: sales paid in cash
// (with change) or by card, voids and returns of the shift's sales, drops,
// payouts and no-sales, each through the register's own use cases.
func (u *tillUnderTest) shift(t *testing.T, rng *rand.Rand) appregister.ShiftReport {
	t.Helper()
	ctx := context.Background()
	if _, err := u.reg.StartShift(ctx, []appregister.DenomCount{{Value: 1000, Count: int64(1 + rng.IntN(10))}}); err != nil {
		t.Fatal(err)
	}
	var sold []pos.SaleRecord
	for range 4 + rng.IntN(10) {
		u.clock.Advance(time.Duration(1+rng.IntN(9)) * time.Minute)
		switch op := rng.IntN(10); {
		case op < 5 || len(sold) == 0: // a sale
			for range 1 + rng.IntN(3) {
				if _, err := u.reg.Scan(ctx, demoBarcodes[rng.IntN(len(demoBarcodes))]); err != nil {
					t.Fatal(err)
				}
			}
			_, tot := u.reg.Sale()
			var pay appregister.Payment
			var err error
			if rng.IntN(2) == 0 {
				pay, err = u.reg.TenderCash(ctx, tot.Due+int64(rng.IntN(3))*500) // sometimes with change
			} else {
				pay, err = u.reg.TenderCard(ctx, tot.Due, nil)
			}
			if err != nil || pay.Completed == nil {
				t.Fatalf("sale: %+v %v", pay, err)
			}
			sold = append(sold, *pay.Completed)
		case op == 5: // void a sale of the shift
			s := sold[rng.IntN(len(sold))]
			if _, err := u.reg.VoidSale(ctx, s.SaleID, "customer changed mind", nil); err != nil && pos.ErrorCode(err) != pos.EConflict {
				t.Fatalf("void: %v", err)
			}
		case op == 6: // return one piece of a sale's first line, refunded in cash
			s := sold[rng.IntN(len(sold))]
			err := u.reg.StartReturn(ctx, s.ReceiptNo, []appregister.ReturnLine{{Index: 0, Qty: 1000}}, nil)
			if err != nil {
				if c := pos.ErrorCode(err); c != pos.EConflict && c != pos.EInvalid { // voided or returned already
					t.Fatalf("return: %v", err)
				}
				continue
			}
			if pay, err := u.reg.TenderExact(ctx); err != nil || pay.Completed == nil {
				t.Fatalf("refund: %+v %v", pay, err)
			}
		case op == 7:
			if _, err := u.reg.CashDrop(ctx, int64(1+rng.IntN(4))*500, "to the safe"); err != nil {
				t.Fatal(err)
			}
		case op == 8:
			if _, err := u.reg.Payout(ctx, int64(1+rng.IntN(500)), "window cleaner", nil); err != nil {
				t.Fatal(err)
			}
		default:
			if _, err := u.reg.NoSale(ctx, "change for a note", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	u.clock.Advance(time.Minute)
	rep, err := u.reg.CloseShift(ctx, []appregister.DenomCount{{Value: 100, Count: int64(rng.IntN(50))}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// addZ adds a Z report to a store's day as the head office reports it.
func addZ(into *headoffice.StoreTakings, rep appregister.ShiftReport) {
	into.Sales += int64(rep.Sales)
	into.Returns += int64(rep.Returns)
	into.Voids += int64(rep.Voids)
	into.Gross += rep.Gross
	into.Net += rep.Net
	into.Tax += rep.Tax
	into.Float += rep.Float
	into.CashSales += rep.CashSales
	into.Drops += rep.Drops
	into.Payouts += rep.Payouts
	into.NoSales += int64(rep.NoSales)
	for _, bt := range rep.ByTender {
		i := slices.IndexFunc(into.ByTender, func(t headoffice.TenderTakings) bool { return t.Tender == string(bt.Kind) })
		if i < 0 {
			into.ByTender = append(into.ByTender, headoffice.TenderTakings{Tender: string(bt.Kind)})
			i = len(into.ByTender) - 1
		}
		into.ByTender[i].Count += int64(bt.Count)
		into.ByTender[i].Amount += bt.Amount
	}
	slices.SortFunc(into.ByTender, func(a, b headoffice.TenderTakings) int { return cmp.Compare(a.Tender, b.Tender) })
}

// TestHeadOfficeTakingsEqualZReports is the property: for random shifts rung
// on real registers over several days and two stores, pushed through the
// sync protocol, the head office's figures per store, day and tender equal
// the sum of the registers' Z reports.
func TestHeadOfficeTakingsEqualZReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hqs, err := hqstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer hqs.Close()
	api, err := syncserver.New(syncserver.Config{AllowUnenrolled: true, Store: hqs})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(api)
	defer ts.Close()
	ho := hqstoretest.HeadOffice(t, hqs, nil, api) // days in UTC
	// The registry says which store a register is in: a float or a cash
	// move names none.
	for _, st := range []string{"S1", "S2"} {
		if err := ho.AddStore(ctx, headoffice.StoreInfo{ID: st, Name: st}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range [][2]string{{"R1", "S1"}, {"R2", "S1"}, {"R3", "S2"}} {
		hqstoretest.AddRegister(t, ho, r[0], r[1], 0)
	}

	const days = 4
	first := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: first}
	tills := []*tillUnderTest{newTill(t, "R1", "S1", clock), newTill(t, "R2", "S1", clock), newTill(t, "R3", "S2", clock)}
	for d := range days {
		day := first.AddDate(0, 0, d)
		rng := rand.New(rand.NewPCG(uint64(d), 9))
		want := map[string]*headoffice.StoreTakings{}
		for _, u := range tills {
			clock.Advance(day.Add(8*time.Hour).Sub(clock.Now()) + time.Duration(rng.IntN(60))*time.Minute)
			rep := u.shift(t, rng)
			if want[u.store] == nil {
				want[u.store] = &headoffice.StoreTakings{StoreID: u.store, Currency: "EUR"}
			}
			addZ(want[u.store], rep)
			s := syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: u.id, Clock: clock}, u.db)
			drain(t, s)
		}
		got, err := ho.Takings(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("day %d: head office has %d stores, Z reports %d: %+v", d, len(got), len(want), got)
		}
		for _, g := range got {
			w := want[g.StoreID]
			if w == nil || fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", *w) {
				t.Errorf("day %d, store %s:\nhead office %+v\nZ reports   %+v", d, g.StoreID, g, w)
			}
		}
	}
	// And the projection rebuilt from the stored entries says the same.
	before, err := hqs.MoneyFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hqs.RebuildMoneyFacts(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := hqs.MoneyFacts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(before) != fmt.Sprint(after) || len(before) == 0 {
		t.Errorf("rebuilt money facts differ (%d rows before, %d after)", len(before), len(after))
	}
}
