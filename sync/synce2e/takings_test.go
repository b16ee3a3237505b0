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
		zs := map[string]*zFigures{}
		for _, u := range tills {
			clock.Advance(day.Add(8*time.Hour).Sub(clock.Now()) + time.Duration(rng.IntN(60))*time.Minute)
			rep := u.shift(t, rng)
			if want[u.store] == nil {
				want[u.store] = &headoffice.StoreTakings{StoreID: u.store, Currency: "EUR"}
				zs[u.store] = newZFigures()
			}
			addZ(want[u.store], rep)
			zs[u.store].add(u.id, rep)
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
		for storeID, z := range zs {
			checkReportsEqualZ(t, ho, day, storeID, z)
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
	linesBefore, _ := hqs.LineFacts(ctx, "")
	eventsBefore, _ := hqs.EventFacts(ctx, "")
	if _, err := hqs.RebuildMoneyFacts(ctx); err != nil {
		t.Fatal(err)
	}
	linesAfter, _ := hqs.LineFacts(ctx, "")
	eventsAfter, _ := hqs.EventFacts(ctx, "")
	if fmt.Sprint(linesBefore) != fmt.Sprint(linesAfter) || fmt.Sprint(eventsBefore) != fmt.Sprint(eventsAfter) || len(linesBefore) == 0 || len(eventsBefore) != 3*days {
		t.Errorf("rebuilt line or event facts differ (%d/%d lines, %d/%d events)", len(linesBefore), len(linesAfter), len(eventsBefore), len(eventsAfter))
	}
}

// zFigures are a store's day summed from its registers' Z reports, in the
// shapes the reports give them.
type zFigures struct {
	gross, net, tax int64
	byRate          map[string][3]int64 // bp -> net, tax, gross
	byTender        map[string]int64
	overShort       map[string]int64 // register -> over/short
}

func newZFigures() *zFigures {
	return &zFigures{byRate: map[string][3]int64{}, byTender: map[string]int64{}, overShort: map[string]int64{}}
}

func (z *zFigures) add(registerID string, rep appregister.ShiftReport) {
	z.gross, z.net, z.tax = z.gross+rep.Gross, z.net+rep.Net, z.tax+rep.Tax
	for _, r := range rep.ByRate {
		k := fmt.Sprint(r.BasisPoints)
		v := z.byRate[k]
		z.byRate[k] = [3]int64{v[0] + r.Net, v[1] + r.Tax, v[2] + r.Gross}
	}
	for _, tt := range rep.ByTender {
		z.byTender[string(tt.Kind)] += tt.Amount
	}
	z.overShort[registerID] += rep.OverShort
}

// checkReportsEqualZ: the sales report by tax rate and by tender, its
// totals, and the shifts report's over/short equal the Z reports to the
// cent.
func checkReportsEqualZ(t *testing.T, ho *headoffice.HeadOffice, day time.Time, storeID string, z *zFigures) {
	t.Helper()
	ctx := context.Background()
	p, err := ho.Period(day.Format(time.DateOnly), day.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	byRate, err := ho.SalesReport(ctx, p, storeID, headoffice.ByTaxRate)
	if err != nil {
		t.Fatal(err)
	}
	gotRate := map[string][3]int64{}
	for _, r := range byRate.Rows {
		if r.Net != 0 || r.Tax != 0 || r.Gross != 0 {
			gotRate[r.Key] = [3]int64{r.Net, r.Tax, r.Gross}
		}
	}
	wantRate := map[string][3]int64{}
	for k, v := range z.byRate {
		if v != [3]int64{} {
			wantRate[k] = v
		}
	}
	if fmt.Sprint(gotRate) != fmt.Sprint(wantRate) {
		t.Errorf("%s %s by tax rate (net, tax, gross): report %v, Z reports %v", storeID, p, gotRate, wantRate)
	}
	if len(byRate.Totals) != 1 || byRate.Totals[0].Gross != z.gross || byRate.Totals[0].Net != z.net || byRate.Totals[0].Tax != z.tax {
		t.Errorf("%s %s totals %+v, Z reports gross %d net %d tax %d", storeID, p, byRate.Totals, z.gross, z.net, z.tax)
	}
	byTender, err := ho.SalesReport(ctx, p, storeID, headoffice.ByTender)
	if err != nil {
		t.Fatal(err)
	}
	gotTender := map[string]int64{}
	for _, r := range byTender.Rows {
		gotTender[r.Key] = r.Gross
	}
	if fmt.Sprint(gotTender) != fmt.Sprint(z.byTender) {
		t.Errorf("%s %s by tender: report %v, Z reports %v", storeID, p, gotTender, z.byTender)
	}
	shifts, err := ho.ShiftsReport(ctx, p, storeID)
	if err != nil {
		t.Fatal(err)
	}
	gotOS := map[string]int64{}
	for _, s := range shifts {
		gotOS[s.RegisterID] += s.OverShort
	}
	if fmt.Sprint(gotOS) != fmt.Sprint(z.overShort) {
		t.Errorf("%s %s over/short: report %v, Z reports %v", storeID, p, gotOS, z.overShort)
	}
}
