package backoffice_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/backoffice"
	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// A register's sale and the head office's own adjustment both reach
// on-hand; the admin API lists positions and history as JSON and CSV, and
// refuses a record the register's rules refuse.
func TestAdminStock(t *testing.T) {
	t.Parallel()
	now := hqstoretest.Epoch.Add(8 * time.Hour)
	const token = "stock-test-token"
	ts := httptest.NewServer(headOffice(t, openStore(t), func() time.Time { return now }, token))
	defer ts.Close()
	call := func(method, path, accept, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	c := hqstoretest.NewChain("R1")
	pushHTTP(t, ts.URL, "R1", batchBody(t, c.Sales(2))) // P1 -1, P2 -1, P3 -1.25 each

	body, _ := json.Marshal(backoffice.AdminStockRecordRequest{Kind: pos.MoveReceipt, StoreID: "S1", Ref: "PO-7",
		Lines: []pos.StockLine{{ProductID: "P1", Qty: 10000, Expected: 12000}}})
	if code, b := call("POST", "/v1/admin/stock/records", "", string(body)); code != http.StatusCreated {
		t.Fatalf("record: %d %s", code, b)
	}
	code, b := call("GET", "/v1/admin/stock?store=S1&product=P1", "", "")
	var ps []headoffice.StockPosition
	if code != 200 || json.Unmarshal([]byte(b), &ps) != nil || len(ps) != 1 || ps[0].Qty != 8000 {
		t.Fatalf("stock of P1: %d %s, want 8 (10 received, 2 sold)", code, b)
	}
	code, b = call("GET", "/v1/admin/stock?store=S1", "text/csv", "")
	if code != 200 || !strings.Contains(b, "S1,P1,8.000,") || !strings.Contains(b, "S1,P3,-2.500,") {
		t.Fatalf("stock CSV: %d\n%s", code, b)
	}
	code, b = call("GET", "/v1/admin/stock?negative=1", "", "")
	if code != 200 || json.Unmarshal([]byte(b), &ps) != nil || len(ps) != 2 {
		t.Fatalf("negative positions: %d %s, want P2 and P3", code, b)
	}
	code, b = call("GET", "/v1/admin/stock/movements?store=S1&product=P1", "", "")
	var ms []pos.Movement
	if code != 200 || json.Unmarshal([]byte(b), &ms) != nil || len(ms) != 3 || ms[2].Kind != pos.MoveReceipt ||
		ms[2].Register != headoffice.LedgerRegister || ms[2].Ref != "PO-7" {
		t.Fatalf("history of P1: %d %s, want two sales then the receipt", code, b)
	}
	if code, b = call("GET", "/v1/admin/stock/movements?store=S1&product=P1&format=csv", "", ""); code != 200 ||
		!strings.Contains(b, ",receipt,S1,P1,10.000,,,PO-7,") {
		t.Fatalf("history CSV: %d\n%s", code, b)
	}
	if code, b = call("GET", "/v1/admin/stock/movements?store=S1", "", ""); code != http.StatusBadRequest {
		t.Fatalf("history without a product: %d %s, want 400", code, b)
	}
	for _, set := range []struct{ path, body string }{
		{"/v1/admin/stock/settings/S1/P1", `{"reorder_point":8000,"max_qty":20000,"cost":95}`}, // at its reorder point
		{"/v1/admin/stock/settings/S1/P2", `{"reorder_point":0,"max_qty":6000,"cost":400}`},
		{"/v1/admin/stock/settings/S1/P9", `{"reorder_point":1000,"max_qty":3000,"cost":7}`}, // never moved: 0 on hand
		{"/v1/admin/stock/settings/S1/P4", `{"reorder_point":0,"max_qty":0,"cost":1}`},       // max 0: not kept in stock, never listed
	} {
		if code, b := call("PUT", set.path, "", set.body); code != 200 {
			t.Fatalf("PUT %s: %d %s", set.path, code, b)
		}
	}
	if code, b := call("PUT", "/v1/admin/stock/settings/S1/P1", "", `{"reorder_point":9000,"max_qty":1000,"cost":1}`); code != http.StatusBadRequest {
		t.Fatalf("reorder point above the maximum: %d %s, want 400", code, b)
	}
	code, b = call("GET", "/v1/admin/stock/low?store=S1", "text/csv", "")
	want := "store_id,product_id,on_hand,reorder_point,max_qty,suggested\nS1,P1,8.000,8.000,20.000,12.000\nS1,P2,-2.000,0.000,6.000,8.000\nS1,P9,0.000,1.000,3.000,3.000\n"
	if code != 200 || b != want {
		t.Fatalf("low stock: %d\n%s\nwant\n%s", code, b, want)
	}
	var v headoffice.Valuation
	code, b = call("GET", "/v1/admin/stock/valuation?store=S1", "", "")
	if code != 200 || json.Unmarshal([]byte(b), &v) != nil || v.Value != 8*95 || v.Unvalued != 0 {
		t.Fatalf("valuation: %d %s, want 760 (8 × 95; P2, P3 are negative)", code, b)
	}
	bad, _ := json.Marshal(backoffice.AdminStockRecordRequest{Kind: pos.MoveAdjustment, StoreID: "S1",
		Lines: []pos.StockLine{{ProductID: "P1", Qty: -1000}}}) // an adjustment needs a reason
	if code, b = call("POST", "/v1/admin/stock/records", "", string(bad)); code != http.StatusBadRequest {
		t.Fatalf("adjustment without reason: %d %s, want 400", code, b)
	}
	if code, b = call("POST", "/v1/admin/stock/records", "", `{"kind":"receipt","bogus":1}`); code != http.StatusBadRequest {
		t.Fatalf("unknown field: %d %s, want 400", code, b)
	}
}

// No register can write into the head office's own journal: its id is
// refused at the register-facing API.
func TestLedgerRegisterIsReserved(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(headOffice(t, openStore(t), time.Now, ""))
	defer ts.Close()
	c := hqstoretest.NewChain(headoffice.LedgerRegister)
	req, _ := http.NewRequest("POST", ts.URL+"/v1/registers/"+headoffice.LedgerRegister+"/sales:batch",
		strings.NewReader(batchBody(t, c.Sales(1))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Till-Protocol", "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("push as %s: %d, want 403", headoffice.LedgerRegister, res.StatusCode)
	}
}
