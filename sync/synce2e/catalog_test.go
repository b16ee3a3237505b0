package synce2e_test

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/backoffice"
	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	appregister "github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncserver"
)

const e2eAdminToken = "e2e-admin-token"

// wholeHeadOffice puts api and the back office over st on one mux, as
// cmd/headoffice wires them; "" as the token leaves the pages open.
func wholeHeadOffice(t *testing.T, api *syncserver.Server, st hqstore.Store, adminToken string) (http.Handler, *headoffice.HeadOffice) {
	t.Helper()
	ho := hqstoretest.HeadOffice(t, st, nil, api)
	bo, err := backoffice.New(backoffice.Config{HeadOffice: ho, AdminToken: adminToken, Metrics: api.Metrics()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	bo.Routes(mux)
	return api.Middleware(mux), ho
}

func adminCall(t *testing.T, baseURL, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, baseURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e2eAdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s", method, path, res.Status)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPriceChangeReachesRunningRegisterForNextSale is acceptance 4: a price
// changed at the head office reaches a running register (real store, real
// syncer in Run, real head office over HTTP, enrolled) and applies to the
// next sale, not to the one open while it arrived.
func TestPriceChangeReachesRunningRegisterForNextSale(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			hqs, err := b.open(t)()
			if err != nil {
				t.Fatal(err)
			}
			defer hqs.Close()
			api, err := syncserver.New(syncserver.Config{Store: hqs})
			if err != nil {
				t.Fatal(err)
			}
			h, ho := wholeHeadOffice(t, api, hqs, e2eAdminToken)
			ts := httptest.NewServer(h)
			defer ts.Close()

			if err := hqs.AddStore(ctx, hqstore.StoreInfo{ID: "S01", Name: "Berlin"}); err != nil {
				t.Fatal(err)
			}
			code := hqstoretest.AddRegister(t, ho, "S01-R01", "S01", time.Hour)
			pub, key, _ := ed25519.GenerateKey(nil)
			enr, err := syncclient.Enroll(ctx, syncclient.EnrollOptions{BaseURL: ts.URL, Code: code}, pub)
			if err != nil {
				t.Fatal(err)
			}
			adminCall(t, ts.URL, "POST", "/v1/admin/catalog", `{"version": 1,
				"settings": {"currency": "EUR", "tax_mode": "inclusive"},
				"tax_rates": [{"id": "std", "name": "Standard", "basis_points": 1900}],
				"categories": [{"id": "drinks", "name": "Drinks"}],
				"products": [{"id": "cola", "name": "Cola", "price": 129, "tax_rate": "std", "category": "drinks",
					"barcodes": ["4000000000006"], "quick_key": true}],
				"employees": [{"id": "ann", "name": "Ann", "role": "manager", "pin": "4711"}]}`)

			db, err := store.Open(ctx, filepath.Join(t.TempDir(), "till.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SetRegisterID(enr.RegisterID)
			var metrics syncclient.Metrics
			syncer := syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: enr.RegisterID, StoreID: enr.StoreID,
				Token: enr.Token, Key: key, Catalog: db, PollInterval: 20 * time.Millisecond,
				HeartbeatInterval: 20 * time.Millisecond, AppVersion: "test", Metrics: &metrics}, db)
			done := make(chan error, 1)
			go func() { done <- syncer.Run(ctx) }()
			defer func() {
				cancel()
				<-done
			}()

			price := func() int64 {
				p, err := db.Product(ctx, "cola")
				if err != nil {
					return -1
				}
				return p.Price
			}
			waitFor(t, "the catalog to reach the register", func() bool { return price() == 129 })
			if e, err := db.VerifyEmployeePIN(ctx, "ann", "4711"); err != nil || e.Role != appregister.RoleManager {
				t.Fatalf("shipped employee cannot log in: %+v %v", e, err)
			}

			reg := appregister.New(appregister.Config{RegisterID: enr.RegisterID, RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
				appregister.Deps{Catalog: db, Journal: db, OnCommitted: func(appregister.Committed) { metrics.SaleCompleted(); syncer.Kick() }})
			if _, err := reg.Scan(ctx, "4000000000006"); err != nil {
				t.Fatal(err)
			}

			// The head office changes the store's price while the sale is open.
			adminCall(t, ts.URL, "PUT", "/v1/admin/stores/S01/prices/cola", `{"price": 99}`)
			waitFor(t, "the new price to reach the running register", func() bool { return price() == 99 })

			if sale, _ := reg.Sale(); sale.Lines[0].UnitPrice != 129 {
				t.Fatalf("open sale's line changed to %d", sale.Lines[0].UnitPrice)
			}
			pay, err := reg.TenderExact(ctx)
			if err != nil || pay.Completed == nil || pay.Completed.Totals.Gross != 129 {
				t.Fatalf("open sale completed as %+v, %v; want 1.29", pay.Completed, err)
			}
			if _, err := reg.Scan(ctx, "4000000000006"); err != nil {
				t.Fatal(err)
			}
			pay, err = reg.TenderExact(ctx)
			if err != nil || pay.Completed == nil || pay.Completed.Totals.Gross != 99 {
				t.Fatalf("next sale completed as %+v, %v; want 0.99", pay.Completed, err)
			}

			// Both sales reach the head office, and so does the heartbeat.
			waitFor(t, "both sales at the head office", func() bool {
				n, _ := hqs.SalesCount(ctx, enr.RegisterID)
				return n == 2
			})
			waitFor(t, "a heartbeat counting both sales", func() bool {
				hs, _ := hqs.RegisterHealth(ctx)
				return len(hs) == 1 && hs[0].Counters["sales_completed"] == 2 && hs[0].AppVersion == "test"
			})
			if st := syncer.Status(); st.CatalogCursor == 0 || st.CatalogError != "" {
				t.Errorf("status after pulls: %+v", st)
			}
		})
	}
}
