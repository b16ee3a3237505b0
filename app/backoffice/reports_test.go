package backoffice_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/xuri/excelize/v2"
)

// reportDay is the last day of the reports demo; it runs 14 days back.
var reportDay = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

type reportProduct struct {
	id, name, cat string
	price, bp     int64
}

var reportProducts = []reportProduct{
	{"bread", "Sourdough bread", "bakery", 420, 700}, {"rolls", "Rolls (6)", "bakery", 290, 700},
	{"coffee", "Coffee beans 500 g", "drinks", 899, 700}, {"wine", "Riesling 0.75 l", "drinks", 1299, 1900},
	{"apples", "Apples 1 kg", "fruit", 349, 700}, {"soap", "Olive soap", "", 450, 1900},
	{"cake", "Cheesecake slice", "bakery", 380, 700}, {"tea", "Green tea", "drinks", 599, 700},
}

// reportDemo is a head office with two stores, three registers and 14
// days of shifts: sales of a small catalog, a void and a return a day, an
// override, and a Z report with the counted cash a little off. want
// holds the gross per store the pages must show.
type reportDemo struct {
	ts   *httptest.Server
	st   *hqstore.SQLite
	want map[string]int64 // store -> gross of the whole period
	// wantByRate is the gross per tax rate in basis points.
	wantByRate map[int64]int64
}

func newReportDemo(t *testing.T, token string) *reportDemo {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	now := reportDay.Add(20 * time.Hour)
	srv := headOffice(t, st, func() time.Time { return now }, token)
	d := &reportDemo{ts: httptest.NewServer(srv), st: st, want: map[string]int64{}, wantByRate: map[int64]int64{}}
	t.Cleanup(d.ts.Close)
	for _, s := range []hqstore.StoreInfo{{ID: "S-BER", Name: "Berlin Mitte"}, {ID: "S-HAM", Name: "Hamburg Altona"}} {
		if err := st.AddStore(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	var cat strings.Builder
	cat.WriteString(`{"version":1,"tax_rates":[{"id":"reduced","name":"7 %","basis_points":700},{"id":"standard","name":"19 %","basis_points":1900}],` +
		`"categories":[{"id":"bakery","name":"Bakery"},{"id":"drinks","name":"Drinks"},{"id":"fruit","name":"Fruit"}],"products":[`)
	for i, p := range reportProducts {
		rate := "reduced"
		if p.bp == 1900 {
			rate = "standard"
		}
		if i > 0 {
			cat.WriteString(",")
		}
		fmt.Fprintf(&cat, `{"id":%q,"name":%q,"price":%d,"tax_rate":%q,"category":%q}`, p.id, p.name, p.price, rate, p.cat)
	}
	cat.WriteString(`]}`)
	ho := hqstoretest.HeadOffice(t, st, func() time.Time { return now }, nil)
	if _, err := ho.ImportCatalog(ctx, strings.NewReader(cat.String())); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 15))
	regs := []struct{ id, store, cashier string }{{"ber-1", "S-BER", "E-ANNA"}, {"ber-2", "S-BER", "E-BEN"}, {"ham-1", "S-HAM", "E-CEM"}}
	for _, r := range regs {
		c := hqstoretest.NewChain(r.id)
		c.StoreID = r.store
		var entries []pos.Entry
		for day := reportDay.AddDate(0, 0, -13); !day.After(reportDay); day = day.AddDate(0, 0, 1) {
			shift := fmt.Sprintf("%s-%s", r.id, day.Format("0102"))
			open := day.Add(8 * time.Hour)
			c.SetClock(open)
			entries = append(entries, c.Next(pos.EntryShiftOpen, hqstoretest.Payload(register.ShiftOpenRecord{ShiftID: shift,
				RegisterID: r.id, Currency: "EUR", Float: 15000, At: open})))
			var sales []pos.SaleRecord
			n := 20 + rng.IntN(15)
			if r.store == "S-HAM" {
				n = n * 2 / 3
			}
			cash := int64(15000)
			for i := range n {
				at := open.Add(time.Duration(rng.IntN(10*3600)) * time.Second)
				rec := pos.SaleRecord{SaleID: fmt.Sprintf("%s-%d", shift, i), RegisterID: r.id, StoreID: r.store, ShiftID: shift,
					CashierID: r.cashier, Currency: "EUR", Completed: at}
				for range 1 + rng.IntN(4) {
					p := reportProducts[rng.IntN(len(reportProducts))]
					qty := int64(1 + rng.IntN(3))
					gross := p.price * qty
					disc := int64(0)
					if rng.IntN(10) == 0 {
						disc = gross / 10
						gross -= disc
					}
					net := gross * 10000 / (10000 + p.bp)
					rec.Lines = append(rec.Lines, pos.RecordLine{Line: pos.Line{ProductID: p.id, Name: p.name, UnitPrice: p.price,
						Qty: pos.Qty(qty * 1000), TaxBP: p.bp, Discount: disc}, Amount: gross, Net: net, Tax: gross - net, Gross: gross})
					rec.Totals.Gross += gross
					rec.Totals.Net += net
					rec.Totals.Tax += gross - net
					d.wantByRate[p.bp] += gross
				}
				kind := pos.TenderCard
				if rng.IntN(2) == 0 {
					kind = pos.TenderCash
					cash += rec.Totals.Gross
				}
				rec.Tenders = []pos.Tender{{Kind: kind, Amount: rec.Totals.Gross}}
				d.want[r.store] += rec.Totals.Gross
				sales = append(sales, rec)
			}
			// The sales in time order, then a void of the first and a return of one line of the second.
			for i := range sales {
				for j := i + 1; j < len(sales); j++ {
					if sales[j].Completed.Before(sales[i].Completed) {
						sales[i], sales[j] = sales[j], sales[i]
					}
				}
			}
			for _, s := range sales {
				entries = append(entries, c.Next(pos.EntrySale, hqstoretest.Payload(s)))
			}
			last := sales[len(sales)-1].Completed
			c.SetClock(last)
			entries = append(entries, c.Next(pos.EntryOverride, hqstoretest.Payload(register.OverrideRecord{Action: register.ActionVoidSale,
				CashierID: r.cashier, ApproverID: "E-MGR", SaleID: sales[0].SaleID})))
			void := negate(sales[0], last.Add(time.Minute))
			ret := negate(sales[1], last.Add(2*time.Minute))
			ret.Lines = ret.Lines[:1]
			ret.Totals.Gross, ret.Totals.Net, ret.Totals.Tax = ret.Lines[0].Gross, ret.Lines[0].Net, ret.Lines[0].Tax
			ret.Tenders = []pos.Tender{{Kind: pos.TenderCash, Amount: ret.Totals.Gross}}
			for _, v := range []pos.SaleRecord{void, ret} {
				d.want[r.store] += v.Totals.Gross
				for _, l := range v.Lines {
					d.wantByRate[l.TaxBP] += l.Gross
				}
				if v.Tenders[0].Kind == pos.TenderCash {
					cash += v.Totals.Gross
				}
			}
			entries = append(entries, c.Next(pos.EntryVoid, hqstoretest.Payload(void)), c.Next(pos.EntryReturn, hqstoretest.Payload(ret)))
			off := int64(rng.IntN(5)-2) * 50
			entries = append(entries, c.Next(pos.EntryZReport, hqstoretest.Payload(register.ShiftReport{ShiftID: shift, Z: true,
				Currency: "EUR", Closed: last.Add(5 * time.Minute), ClosedByID: r.cashier, ExpectedCash: cash, Counted: cash + off, OverShort: off})))
		}
		for len(entries) > 0 {
			n := min(len(entries), 500)
			if _, _, err := st.IngestBatch(ctx, r.id, entries[:n]); err != nil {
				t.Fatal(err)
			}
			entries = entries[n:]
		}
	}
	return d
}

// negate is a void of rec as the register writes it (every figure negated).
func negate(rec pos.SaleRecord, at time.Time) pos.SaleRecord {
	out := rec
	out.SaleID, out.RefersTo, out.Completed = rec.SaleID+"-v", rec.SaleID, at
	out.Lines = nil
	for _, l := range rec.Lines {
		l.Qty, l.Discount, l.Amount, l.Net, l.Tax, l.Gross = -l.Qty, -l.Discount, -l.Amount, -l.Net, -l.Tax, -l.Gross
		out.Lines = append(out.Lines, l)
	}
	out.Tenders = []pos.Tender{{Kind: rec.Tenders[0].Kind, Amount: -rec.Tenders[0].Amount}}
	out.Totals.Gross, out.Totals.Net, out.Totals.Tax = -rec.Totals.Gross, -rec.Totals.Net, -rec.Totals.Tax
	return out
}

func get(t *testing.T, url string, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	return res.StatusCode, res.Header, buf.Bytes()
}

// The JSON API, the page, CSV and XLSX of the sales report agree with
// what was rung up, per store and per tax rate, to the cent.
func TestSalesReportEverywhereAgrees(t *testing.T) {
	t.Parallel()
	d := newReportDemo(t, "tok")
	auth := map[string]string{"Authorization": "Bearer tok"}
	period := "from=2026-03-01&to=2026-03-14"

	code, _, body := get(t, d.ts.URL+"/v1/admin/reports/sales?by=store&"+period, auth)
	if code != 200 {
		t.Fatalf("JSON: %d %s", code, body)
	}
	var rep headoffice.SalesReport
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rep.Rows {
		got[r.Key] = r.Gross
	}
	if len(got) != 2 || got["S-BER"] != d.want["S-BER"] || got["S-HAM"] != d.want["S-HAM"] {
		t.Errorf("by store %v, want %v", got, d.want)
	}

	code, _, body = get(t, d.ts.URL+"/v1/admin/reports/sales?by=tax_rate&"+period, auth)
	if code != 200 || json.Unmarshal(body, &rep) != nil {
		t.Fatalf("JSON by tax rate: %d %s", code, body)
	}
	for _, r := range rep.Rows {
		var bp int64
		fmt.Sscan(r.Key, &bp)
		if r.Gross != d.wantByRate[bp] || r.Net+r.Tax != r.Gross {
			t.Errorf("rate %s: gross %d (net %d + tax %d), want %d", r.Key, r.Gross, r.Net, r.Tax, d.wantByRate[bp])
		}
	}

	// CSV: the same rows, decimal strings.
	code, h, body := get(t, d.ts.URL+"/reports/sales/export?by=store&format=csv&"+period, map[string]string{"Authorization": "Bearer tok"})
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "till-sales-20260301-20260314-by-store.csv") {
		t.Fatalf("CSV: %d %v", code, h)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	csvGross := map[string]string{}
	for _, r := range recs[1:] {
		csvGross[r[0]] = r[6]
	}
	if want := pos.FormatPlain(d.want["S-BER"], 2); csvGross["Berlin Mitte"] != want {
		t.Errorf("CSV Berlin gross %q, want %q (%v)", csvGross["Berlin Mitte"], want, recs)
	}
	if want := pos.FormatPlain(d.want["S-BER"]+d.want["S-HAM"], 2); csvGross["Total"] != want {
		t.Errorf("CSV total %q, want %q", csvGross["Total"], want)
	}

	// XLSX: numbers as numbers.
	code, _, body = get(t, d.ts.URL+"/v1/admin/reports/sales?by=store&format=xlsx&"+period, auth)
	if code != 200 {
		t.Fatalf("XLSX: %d", code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Report", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 6 && r[0] == "Hamburg Altona" {
			found = true
			if want := pos.FormatPlain(d.want["S-HAM"], 2); strings.TrimRight(strings.TrimRight(r[6], "0"), ".") != strings.TrimRight(strings.TrimRight(want, "0"), ".") {
				t.Errorf("XLSX Hamburg gross %q, want %s", r[6], want)
			}
		}
	}
	if !found {
		t.Errorf("XLSX rows %v", rows)
	}

	// The page shows the table and a chart; the token guards it.
	code, _, body = get(t, d.ts.URL+"/reports/sales?by=store&"+period, auth)
	if code != 200 || !bytes.Contains(body, []byte(pos.FormatPlain(d.want["S-BER"], 2))) || !bytes.Contains(body, []byte(`id="report-chart"`)) {
		t.Errorf("page: %d\n%s", code, body)
	}
	if code, _, _ := get(t, d.ts.URL+"/reports/sales?"+period, nil); code != http.StatusUnauthorized {
		t.Errorf("page without the token: %d", code)
	}
}

// Bad input gets a clear 400, never a panic or a 500.
func TestReportsRefuseBadInput(t *testing.T) {
	t.Parallel()
	d := newReportDemo(t, "tok")
	auth := map[string]string{"Authorization": "Bearer tok"}
	for _, c := range []struct {
		path string
		code int
		says string
	}{
		{"/v1/admin/reports/sales?by=colour", 400, "group by"},
		{"/v1/admin/reports/sales?from=2026-13-01&to=2026-03-01", 400, "date"},
		{"/v1/admin/reports/sales?from=2024-01-01&to=2026-03-01", 400, "at most"},
		{"/v1/admin/reports/cats", 404, "no report"},
		{"/v1/admin/reports/sales?format=pdf", 400, "csv or xlsx"},
		{"/reports/sales?to=2026-03-01&from=2026-03-09", 400, "ends before"},
		{"/v1/admin/reports/sales?store=" + strings.Repeat("x", 100), 400, "too long"},
	} {
		code, _, body := get(t, d.ts.URL+c.path, auth)
		if code != c.code || !strings.Contains(string(body), c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.path, code, body, c.code, c.says)
		}
	}
}

// Every report kind renders with figures from the demo: staff rows with
// overrides, shifts with over/short, top and slow products.
func TestEveryReportRenders(t *testing.T) {
	t.Parallel()
	d := newReportDemo(t, "")
	period := "from=2026-03-01&to=2026-03-14"
	for kind, wants := range map[string][]string{
		"staff":    {"E-ANNA", "E-MGR", "Overrides approved"},
		"shifts":   {"ber-1", "Hamburg", "Over/short"},
		"products": {"top 1", "slow 1", "Cheesecake slice"},
		"sales":    {"Sales by day", "2026-03-14"},
	} {
		code, _, body := get(t, d.ts.URL+"/reports/"+kind+"?"+period, nil)
		for _, w := range wants {
			if code != 200 || !strings.Contains(string(body), w) {
				t.Errorf("%s: %d, lacks %q", kind, code, w)
			}
		}
	}
	for _, by := range headoffice.Dimensions {
		if code, _, body := get(t, d.ts.URL+"/reports/sales?by="+string(by)+"&"+period, nil); code != 200 || !strings.Contains(string(body), `id="report-table"`) {
			t.Errorf("by %s: %d", by, code)
		}
	}
}
