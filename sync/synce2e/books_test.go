package synce2e_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/headoffice/books"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncserver"
)

// TestBooksFromRealShiftsAgreeWithHledgerAndReports rings random shifts on
// real registers, posts the head office's facts for the period, and runs
// the real hledger on the export: the journal checks, and hledger's
// balances of revenue, output VAT, cash over/short and the clearing
// account equal the sales report's totals and the Z reports.
func TestBooksFromRealShiftsAgreeWithHledgerAndReports(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("hledger")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("hledger is not installed (apt-get install hledger, or .ci/deps hq); CI must have it")
		}
		t.Fatal("hledger is missing in CI: .ci/deps hq installs it")
	}
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
	ho := hqstoretest.HeadOffice(t, hqs, nil, api)
	for _, st := range []string{"S1", "S2"} {
		if err := ho.AddStore(ctx, headoffice.StoreInfo{ID: st, Name: st}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range [][2]string{{"R1", "S1"}, {"R2", "S2"}} {
		hqstoretest.AddRegister(t, ho, r[0], r[1], 0)
	}
	const days = 3
	first := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: first}
	tills := []*tillUnderTest{newTill(t, "R1", "S1", clock), newTill(t, "R2", "S2", clock)}
	var zNet, zTax, zOverShort, zGross int64
	for d := range days {
		day := first.AddDate(0, 0, d)
		rng := rand.New(rand.NewPCG(uint64(d), 21))
		for _, u := range tills {
			clock.Advance(day.Add(8*time.Hour).Sub(clock.Now()) + time.Duration(rng.IntN(60))*time.Minute)
			rep := u.shift(t, rng)
			zNet, zTax, zGross, zOverShort = zNet+rep.Net, zTax+rep.Tax, zGross+rep.Gross, zOverShort+rep.OverShort
			drain(t, syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: u.id, Clock: clock}, u.db))
		}
	}
	p, err := ho.Period(first.Format(time.DateOnly), first.AddDate(0, 0, days-1).Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ho.SalesReport(ctx, p, "", headoffice.ByTaxRate)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Totals) != 1 || rep.Totals[0].Net != zNet || rep.Totals[0].Tax != zTax || rep.Totals[0].Gross != zGross {
		t.Fatalf("report totals %+v, Z reports net %d tax %d gross %d", rep.Totals, zNet, zTax, zGross)
	}
	charts := []books.Chart{books.Generic(), books.SKR03()}
	for _, c := range charts { // the preview, before an export closes the days
		bp, err := ho.Books(ctx, p, "", c)
		if err != nil {
			t.Fatal(err)
		}
		if len(bp.Days) != 2*days {
			t.Errorf("%s: %d store days booked, want %d", c.Name, len(bp.Days), 2*days)
		}
		for _, d := range bp.Days { // every day balances, the clearing account ends at zero
			b, err := books.Book(d, c)
			if err != nil {
				t.Fatal(err)
			}
			if bal := books.Balances(b.Postings); bal[books.SalesClearing] != 0 {
				t.Errorf("%s %s: clearing account left at %d", c.Name, d, bal[books.SalesClearing])
			}
		}
	}
	for _, c := range charts { // the second export reads the days the first closed
		var buf bytes.Buffer
		if err := ho.WriteHledger(ctx, &buf, p, "", c); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "books.journal")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "-f", path, "check", "accounts", "commodities").CombinedOutput(); err != nil {
			t.Fatalf("%s: hledger check: %v\n%s", c.Name, err, out)
		}
		out, err := exec.Command(bin, "-f", path, "balance", "--flat", "--no-total", "-O", "csv").Output()
		if err != nil {
			t.Fatalf("%s: hledger balance: %v", c.Name, err)
		}
		got := map[string]int64{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[1:] {
			name, amount, ok := strings.Cut(line, `","`)
			if !ok {
				t.Fatalf("hledger line %q", line)
			}
			v, err := pos.ParseAmount(strings.TrimSuffix(strings.TrimSuffix(amount, `"`), " EUR"), 2)
			if err != nil {
				t.Fatalf("hledger amount %q: %v", amount, err)
			}
			got[strings.TrimPrefix(name, `"`)] = v
		}
		sum := func(keys func(books.AccountKey) bool) int64 {
			var s int64
			seen := map[string]bool{}
			for _, k := range []books.AccountKey{books.RevenueKey(700), books.RevenueKey(1900), books.RevenueKey(0),
				books.OutputVATKey(700), books.OutputVATKey(1900), books.CashOver, books.CashShort, books.SalesClearing} {
				if !keys(k) {
					continue
				}
				a, err := c.Account(k)
				if err != nil || seen[a.Ledger()] {
					continue
				}
				seen[a.Ledger()] = true
				s += got[a.Ledger()]
			}
			return s
		}
		isRevenue := func(k books.AccountKey) bool { return strings.HasPrefix(string(k), "revenue_") }
		isVAT := func(k books.AccountKey) bool { return strings.HasPrefix(string(k), "output_vat_") }
		if c.SKR == "" { // the generic chart books net revenue and VAT apart; SKR automatic accounts take the gross
			if r := sum(isRevenue); r != -rep.Totals[0].Net {
				t.Errorf("%s: hledger revenue %d, report net %d", c.Name, r, rep.Totals[0].Net)
			}
			if v := sum(isVAT); v != -rep.Totals[0].Tax {
				t.Errorf("%s: hledger output VAT %d, report tax %d", c.Name, v, rep.Totals[0].Tax)
			}
		} else if r, v := sum(isRevenue), sum(isVAT); r+v != -rep.Totals[0].Gross {
			t.Errorf("%s: hledger revenue+VAT %d, report gross %d", c.Name, r+v, rep.Totals[0].Gross)
		}
		over := sum(func(k books.AccountKey) bool { return k == books.CashOver || k == books.CashShort })
		if c.SKR == "" && over != -zOverShort {
			t.Errorf("%s: hledger cash over/short %d, Z reports %d", c.Name, over, zOverShort)
		}
		if cl := sum(func(k books.AccountKey) bool { return k == books.SalesClearing }); cl != 0 {
			t.Errorf("%s: clearing account %d after the period", c.Name, cl)
		}
	}
}

// TestExportedDayStaysClosed: a day is exported with one register's shift;
// the other register of the store syncs its shift of that day late. The
// day exported again is byte for byte what it was; the correction is
// booked on the day it is made (today), and hledger over the period up to
// today balances to the day's full facts.
func TestExportedDayStaysClosed(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("hledger")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("hledger is not installed (apt-get install hledger, or .ci/deps hq); CI must have it")
		}
		t.Fatal("hledger is missing in CI: .ci/deps hq installs it")
	}
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
	today := time.Date(2026, 7, 20, 12, 0, 0, 0, time.UTC)
	ho := hqstoretest.HeadOffice(t, hqs, func() time.Time { return today }, api)
	if err := ho.AddStore(ctx, headoffice.StoreInfo{ID: "S1", Name: "S1"}); err != nil {
		t.Fatal(err)
	}
	hqstoretest.AddRegister(t, ho, "R1", "S1", 0)
	hqstoretest.AddRegister(t, ho, "R2", "S1", 0)
	day := time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: day.Add(8 * time.Hour)}
	r1, r2 := newTill(t, "R1", "S1", clock), newTill(t, "R2", "S1", clock)
	rng := rand.New(rand.NewPCG(4, 4))
	z1 := r1.shift(t, rng)
	z2 := r2.shift(t, rng)
	drain(t, syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: "R1", Clock: clock}, r1.db))

	p, err := ho.Period("2026-07-06", "2026-07-06")
	if err != nil {
		t.Fatal(err)
	}
	chart := books.Generic()
	var first bytes.Buffer
	if err := ho.WriteHledger(ctx, &first, p, "S1", chart); err != nil {
		t.Fatal(err)
	}
	drain(t, syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: "R2", Clock: clock}, r2.db)) // late
	var again bytes.Buffer
	if err := ho.WriteHledger(ctx, &again, p, "S1", chart); err != nil {
		t.Fatal(err)
	}
	if first.String() != again.String() || first.Len() == 0 {
		t.Errorf("the closed day changed:\nfirst\n%s\nagain\n%s", first.String(), again.String())
	}
	upToToday, err := ho.Period("2026-07-06", "2026-07-20")
	if err != nil {
		t.Fatal(err)
	}
	bp, err := ho.ExportBooks(ctx, upToToday, "S1", chart)
	if err != nil {
		t.Fatal(err)
	}
	corrections := 0
	for _, ps := range bp.Postings {
		switch ps.Date {
		case "2026-07-06":
		case "2026-07-20":
			corrections++
		default:
			t.Errorf("posting dated %s: %+v", ps.Date, ps)
		}
	}
	if corrections == 0 {
		t.Fatal("the late shift was not booked as a correction on the day it arrived")
	}
	var buf bytes.Buffer
	if err := books.WriteHledger(&buf, chart, "EUR", bp.Postings); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "books.journal")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-f", path, "check", "accounts", "commodities").CombinedOutput(); err != nil {
		t.Fatalf("hledger check: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-f", path, "balance", "--flat", "--no-total", "-O", "csv", "Income:Sales").Output()
	if err != nil {
		t.Fatal(err)
	}
	var revenue int64
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[1:] {
		_, amount, _ := strings.Cut(line, `","`)
		v, err := pos.ParseAmount(strings.TrimSuffix(strings.TrimSuffix(amount, `"`), " EUR"), 2)
		if err != nil {
			t.Fatalf("hledger amount %q: %v", amount, err)
		}
		revenue += v
	}
	if revenue != -(z1.Net + z2.Net) {
		t.Errorf("hledger revenue with the correction %d, both Z reports' net %d", revenue, z1.Net+z2.Net)
	}
}
