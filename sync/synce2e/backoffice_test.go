package synce2e_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	appregister "github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncserver"
)

// ownerBrowser is an HTTP client with a cookie jar that posts forms as a
// browser on the back office's own page does (Origin and CSRF token).
type ownerBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *ownerBrowser) get(path string) string {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return string(body)
}

// post sends form from page (whose CSRF token it uses) and returns the
// page it ends on.
func (b *ownerBrowser) post(page, action string, form url.Values) string {
	b.t.Helper()
	if m := csrfRE.FindStringSubmatch(b.get(page)); m != nil {
		form.Set("csrf", m[1])
	}
	req, _ := http.NewRequest("POST", b.base+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.t.Fatalf("POST %s: %d %s", action, res.StatusCode, body)
	}
	return string(body)
}

// TestBackOfficeFormsReachARunningRegister: an owner, only through the
// back office's pages, changes a price and adds an employee; a running
// register (real store, real syncer, enrolled) sells at the new price on
// its next sale and the employee logs in there with the PIN the page
// showed once. Then the owner revokes the register and its next push is
// refused.
func TestBackOfficeFormsReachARunningRegister(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hqs, err := hqstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "hq.db"))
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
	if _, err := ho.AddAccount(ctx, headoffice.NewAccount{Name: "olga", Role: headoffice.RoleOwner, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &ownerBrowser{t: t, base: ts.URL, c: &http.Client{Jar: jar}}
	b.post("/admin/login", "/admin/login", url.Values{"name": {"olga"}, "password": {"correct horse battery"}})

	b.post("/admin/stores", "/admin/stores", url.Values{"id": {"S01"}, "name": {"Berlin"}, "currency": {"EUR"}, "tax_mode": {"inclusive"}, "time_zone": {"Europe/Berlin"}})
	page := b.post("/admin/stores", "/admin/registers", url.Values{"store": {"S01"}, "name": {"Till 1"}})
	code := regexp.MustCompile(`id="enroll-code">([^<]+)<`).FindStringSubmatch(page)
	if code == nil {
		t.Fatalf("no enrollment code on the page:\n%s", page)
	}
	adminCall(t, ts.URL, "POST", "/v1/admin/catalog", `{"version": 1,
		"settings": {"currency": "EUR", "tax_mode": "inclusive"},
		"tax_rates": [{"id": "std", "name": "Standard", "basis_points": 1900}],
		"products": [{"id": "cola", "name": "Cola", "price": 129, "tax_rate": "std", "barcodes": ["4000000000006"]}]}`)

	pub, key, _ := ed25519.GenerateKey(nil)
	enr, err := syncclient.Enroll(ctx, syncclient.EnrollOptions{BaseURL: ts.URL, Code: code[1]}, pub)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetRegisterID(enr.RegisterID)
	syncer := syncclient.New(syncclient.Config{BaseURL: ts.URL, RegisterID: enr.RegisterID, StoreID: enr.StoreID,
		Token: enr.Token, Key: key, Catalog: db, PollInterval: 20 * time.Millisecond, HeartbeatInterval: time.Hour, AppVersion: "test"}, db)
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

	// Price and employee, through the pages.
	b.post("/admin/catalog?store=S01", "/admin/catalog/prices", url.Values{"store": {"S01"}, "product": {"cola"}, "price": {"0.99"}})
	staff := b.post("/admin/staff", "/admin/staff", url.Values{"id": {"ben"}, "name": {"Ben"}, "role": {"cashier"}})
	pin := regexp.MustCompile(`id="pin">(\d{6})<`).FindStringSubmatch(staff)
	if pin == nil {
		t.Fatalf("no PIN on the page:\n%s", staff)
	}
	waitFor(t, "the new price at the register", func() bool { return price() == 99 })
	waitFor(t, "the new employee at the register", func() bool {
		_, err := db.VerifyEmployeePIN(ctx, "ben", pin[1])
		return err == nil
	})
	reg := appregister.New(appregister.Config{RegisterID: enr.RegisterID, RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		appregister.Deps{Catalog: db, Journal: db, OnCommitted: func(appregister.Committed) { syncer.Kick() }})
	if _, err := reg.Scan(ctx, "4000000000006"); err != nil {
		t.Fatal(err)
	}
	pay, err := reg.TenderExact(ctx)
	if err != nil || pay.Completed == nil || pay.Completed.Totals.Gross != 99 {
		t.Fatalf("sale after the price change: %+v, %v; want 0.99", pay.Completed, err)
	}
	waitFor(t, "the sale at the head office", func() bool {
		n, _ := hqs.SalesCount(ctx, enr.RegisterID)
		return n == 1
	})

	// Revoked from the page: the next push is refused and nothing more arrives.
	b.post("/admin/stores", "/admin/registers/"+enr.RegisterID+"/revoke", url.Values{})
	if _, err := reg.Scan(ctx, "4000000000006"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.TenderExact(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the syncer to report the refusal", func() bool {
		st := syncer.Status()
		return st.Err != nil && st.Backlog > 0
	})
	if err := syncer.Status().Err; !strings.Contains(err.Error(), "401") {
		t.Errorf("refusal %v, want 401", err)
	}
	if n, _ := hqs.SalesCount(ctx, enr.RegisterID); n != 1 {
		t.Errorf("%d sales at the head office after revoke, want 1", n)
	}
}
