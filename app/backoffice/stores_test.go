package backoffice_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
)

func storeForm(csrf string, kv ...string) url.Values {
	f := url.Values{"csrf": {csrf}, "currency": {"EUR"}, "tax_mode": {"inclusive"}, "time_zone": {"Europe/Berlin"}, "cash_rounding": {"0"}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

func TestStoresPageAddsStoresAndRegistersAndRevokes(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	ctx := context.Background()
	o.addAccount("olga", headoffice.RoleOwner)
	b := o.browser()
	b.login("olga", testPassword, "")
	tok := b.csrf("/admin/stores")

	w := b.do("POST", "/admin/stores", storeForm(tok, "id", "S01", "name", "Berlin", "currency", "euro"), nil)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "three-letter code") || !strings.Contains(w.Body.String(), `value="Berlin"`) {
		t.Fatalf("bad currency: %d", w.Code)
	}
	w = b.do("POST", "/admin/stores", storeForm(tok, "id", "S01", "name", "Berlin", "address", "Unter den Linden 1", "vat_id", "DE999",
		"time_zone", "Europe/Berlin", "receipt_header", "Hallo", "receipt_footer", "Danke", "cash_rounding", "5"), nil)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("add store: %d %s", w.Code, w.Body)
	}
	stores, _ := o.st.Stores(ctx)
	want := hqstore.StoreInfo{ID: "S01", Name: "Berlin", Address: "Unter den Linden 1", VATID: "DE999", Currency: "EUR", TaxMode: "inclusive",
		TimeZone: "Europe/Berlin", ReceiptHeader: "Hallo", ReceiptFooter: "Danke", CashRounding: 5}
	if len(stores) != 1 || stores[0] != want {
		t.Fatalf("stores %+v", stores)
	}

	w = b.do("POST", "/admin/registers", url.Values{"csrf": {tok}, "store": {"S01"}, "name": {"Till 1"}}, nil)
	page := w.Body.String()
	code := regexp.MustCompile(`id="enroll-code">([^<]+)<`).FindStringSubmatch(page)
	if w.Code != 200 || code == nil || !strings.Contains(page, `src="data:image/png;base64,`) || !strings.Contains(page, "register enroll -headoffice https://example.com -code "+code[1]) {
		t.Fatalf("add register: %d\n%s", w.Code, page)
	}
	acct, err := o.st.RegisterAccount(ctx, "S01-R01")
	if err != nil || acct.Code.Hash != headoffice.EnrollmentCodeHash(code[1]) || acct.Name != "Till 1" {
		t.Fatalf("register %+v, %v", acct, err)
	}
	if strings.Contains(b.do("GET", "/admin/stores", nil, nil).Body.String(), code[1]) {
		t.Error("the enrollment code is shown again")
	}

	w = b.do("POST", "/admin/registers/S01-R01/revoke", url.Values{"csrf": {tok}}, nil)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	if acct, _ := o.st.RegisterAccount(ctx, "S01-R01"); !acct.Revoked() {
		t.Error("not revoked")
	}
	if !strings.Contains(b.do("GET", "/admin/stores", nil, nil).Body.String(), `<span class="tag state">revoked</span>`) {
		t.Error("the page does not show the register revoked")
	}
	log, _ := o.st.AuditLog(ctx, hqstore.AuditFilter{Actor: "olga"})
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" "+e.Target)
	}
	if strings.Join(actions, ",") != "register.revoke S01-R01,register.add S01-R01,store.add S01" {
		t.Errorf("audit %v", actions)
	}
}

func TestManagersAddRegistersOnlyToTheirStoresAndAccountantsNowhere(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	ctx := context.Background()
	for _, id := range []string{"S01", "S02"} {
		o.st.AddStore(ctx, hqstore.StoreInfo{ID: id, Name: id})
	}
	o.addAccount("max", headoffice.RoleManager, "S01")
	o.addAccount("acc", headoffice.RoleAccountant)
	b := o.browser()
	b.login("max", testPassword, "")
	tok := b.csrf("/admin/stores")
	if w := b.do("POST", "/admin/registers", url.Values{"csrf": {tok}, "store": {"S01"}}, nil); w.Code != 200 {
		t.Errorf("manager, own store: %d", w.Code)
	}
	if w := b.do("POST", "/admin/registers", url.Values{"csrf": {tok}, "store": {"S02"}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("manager, other store: %d", w.Code)
	}
	if w := b.do("POST", "/admin/stores", storeForm(tok, "id", "S03", "name", "x"), nil); w.Code != http.StatusForbidden {
		t.Errorf("manager adds a store: %d", w.Code)
	}
	a := o.browser()
	a.ip = "192.0.2.50"
	a.login("acc", testPassword, "")
	atok := a.csrf("/admin")
	if w := a.do("POST", "/admin/registers/S01-R01/revoke", url.Values{"csrf": {atok}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("accountant revokes: %d", w.Code)
	}
	if r, _ := o.st.RegisterAccount(ctx, "S01-R01"); r.Revoked() {
		t.Error("accountant revoked a register")
	}
}

func TestAdminAPIStoresAndRegisters(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	auth := map[string]string{"Authorization": "Bearer admintok", "Content-Type": "application/json"}
	if w := (request{"POST", "/v1/admin/stores", `{"id":"S01","name":"Berlin","currency":"EUR","time_zone":"Mars/Olympus"}`, auth}).do(o.h); w.Code != http.StatusBadRequest {
		t.Errorf("bad time zone: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/stores", `{"id":"S01","name":"Berlin","currency":"EUR","tax_mode":"exclusive"}`, auth}).do(o.h); w.Code != http.StatusCreated {
		t.Fatalf("add store: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/stores", `{"id":"S01","name":"again"}`, auth}).do(o.h); w.Code != http.StatusConflict {
		t.Errorf("again: %d %s", w.Code, w.Body)
	}
	w := request{"POST", "/v1/admin/registers", `{"store_id":"S01","name":"Till 1"}`, auth}.do(o.h)
	var nr struct{ ID, Code, Link string }
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &nr) != nil || nr.ID != "S01-R01" || len(nr.Code) < 8 || !strings.HasPrefix(nr.Link, "till-enroll:?") {
		t.Fatalf("add register: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/registers", `{"store_id":"S09"}`, auth}).do(o.h); w.Code != http.StatusBadRequest {
		t.Errorf("unknown store: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/registers/S01-R01/revoke", "", auth}).do(o.h); w.Code != http.StatusNoContent {
		t.Errorf("revoke: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/registers/S01-R09/revoke", "", auth}).do(o.h); w.Code != http.StatusNotFound {
		t.Errorf("revoke unknown: %d %s", w.Code, w.Body)
	}
	w = request{"GET", "/v1/admin/registers", "", auth}.do(o.h)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"id":"S01-R01","store_id":"S01","name":"Till 1","state":"revoked"`) {
		t.Errorf("registers: %d %s", w.Code, w.Body)
	}
	w = request{"GET", "/v1/admin/stores", "", auth}.do(o.h)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"tax_mode":"exclusive"`) {
		t.Errorf("stores: %d %s", w.Code, w.Body)
	}
}
