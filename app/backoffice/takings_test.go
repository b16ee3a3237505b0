package backoffice_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// TestTakingsCountVoidsAndReturns is issue 9's finding, black-box over
// HTTP: after two sales (1.00 cash and 2.00 card), the void of the first and
// the return of the second, the dashboard and the takings API say 2 sales,
// 1 void, 1 return and 0.00 taken, not 2 sales and 3.00.
func TestTakingsCountVoidsAndReturns(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	now := day.Add(18 * time.Hour)
	const token = "takings-test-token"
	ts := httptest.NewServer(headOffice(t, openStore(t), func() time.Time { return now }, token))
	defer ts.Close()

	at := day.Add(11 * time.Hour)
	rec := func(id string, gross int64, tender pos.TenderKind, refersTo string) []byte {
		return hqstoretest.Payload(pos.SaleRecord{SaleID: id, ReceiptNo: id, RegisterID: "R1", StoreID: "S1", Currency: "EUR",
			Completed: at, RefersTo: refersTo, Tenders: []pos.Tender{{Kind: tender, Amount: gross}},
			Totals: pos.Totals{Gross: gross, Net: gross * 100 / 119, Tax: gross - gross*100/119}})
	}
	c := hqstoretest.NewChain("R1")
	entries := []pos.Entry{
		c.Next(pos.EntrySale, rec("s1", 100, pos.TenderCash, "")),
		c.Next(pos.EntrySale, rec("s2", 200, pos.TenderCard, "")),
		c.Next(pos.EntryVoid, rec("v1", -100, pos.TenderCash, "s1")),
		c.Next(pos.EntryReturn, rec("r2", -200, pos.TenderCard, "s2")),
	}
	pushHTTP(t, ts.URL, "R1", batchBody(t, entries))

	get := func(path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
		}
		return string(b)
	}
	page := get("/dashboard")
	for _, s := range []string{`<b id="sales-today">2</b>`, `<small id="returns-voids">1 returns · 1 voids</small>`, `<b id="takings-today">EUR 0.00</b>`} {
		if !strings.Contains(page, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
	if strings.Contains(page, "EUR 3.00") {
		t.Error("dashboard still counts the voided and returned sales as takings (EUR 3.00)")
	}
	if status := get("/"); !strings.Contains(status, "EUR 0.00") || strings.Contains(status, "EUR 3.00") {
		t.Errorf("status page takings wrong:\n%s", status)
	}

	var got []headoffice.StoreTakings
	if err := json.Unmarshal([]byte(get("/v1/admin/takings?day=2026-03-12")), &got); err != nil {
		t.Fatal(err)
	}
	want := headoffice.StoreTakings{StoreID: "S1", Currency: "EUR", Sales: 2, Returns: 1, Voids: 1, Gross: 0, Net: 0, Tax: 0,
		ByTender: []headoffice.TenderTakings{{Tender: "card", Count: 2, Amount: 0}, {Tender: "cash", Count: 2, Amount: 0}}}
	if len(got) != 1 || got[0].Sales != want.Sales || got[0].Returns != want.Returns || got[0].Voids != want.Voids ||
		got[0].Gross != 0 || len(got[0].ByTender) != 2 || got[0].ByTender[0] != want.ByTender[0] || got[0].ByTender[1] != want.ByTender[1] {
		t.Errorf("takings %+v, want %+v", got, want)
	}
	if other := get("/v1/admin/takings?day=2026-03-13"); strings.TrimSpace(other) != "[]" {
		t.Errorf("the next day has takings: %s", other)
	}
}
