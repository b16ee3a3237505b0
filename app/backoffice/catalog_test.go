package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
)

const testCatalog = `{"version": 1,
 "settings": {"currency": "EUR", "tax_mode": "inclusive"},
 "tax_rates": [{"id": "std", "name": "Standard", "basis_points": 1900}],
 "categories": [{"id": "drinks", "name": "Drinks"}],
 "products": [{"id": "cola", "name": "Cola 0.33 l", "price": 129, "tax_rate": "std", "category": "drinks", "barcodes": ["4000000000006"]}]}`

// priceOf is cola's price in a store's catalog as registers get it.
func priceOf(t *testing.T, o *office, store string) string {
	t.Helper()
	snap, err := o.ho.StoreCatalog(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range snap.Records {
		if r.Kind == "product" && r.ID == "cola" {
			return string(r.Data)
		}
	}
	return ""
}

func TestCatalogPagePricesPerStore(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	ctx := context.Background()
	for _, id := range []string{"S01", "S02"} {
		o.st.AddStore(ctx, hqstore.StoreInfo{ID: id, Name: id})
	}
	if _, err := o.ho.ImportCatalog(ctx, strings.NewReader(testCatalog)); err != nil {
		t.Fatal(err)
	}
	o.addAccount("olga", headoffice.RoleOwner)
	o.addAccount("max", headoffice.RoleManager, "S02")
	o.addAccount("acc", headoffice.RoleAccountant)
	b := o.browser()
	b.login("olga", testPassword, "")
	page := b.do("GET", "/admin/catalog?store=S01", nil, nil).Body.String()
	if !strings.Contains(page, "Cola 0.33 l") || !strings.Contains(page, `<td class="n price">1.29</td>`) || !strings.Contains(page, "4000000000006") {
		t.Fatalf("catalog page:\n%s", page)
	}
	tok := b.csrf("/admin/catalog?store=S01")
	if w := b.do("POST", "/admin/catalog/prices", url.Values{"csrf": {tok}, "store": {"S01"}, "product": {"cola"}, "price": {"1,49"}}, nil); w.Code != http.StatusSeeOther {
		t.Fatalf("set price: %d %s", w.Code, w.Body)
	}
	if p := priceOf(t, o, "S01"); !strings.Contains(p, `"price":149`) {
		t.Errorf("S01 cola %s", p)
	}
	if p := priceOf(t, o, "S02"); !strings.Contains(p, `"price":129`) {
		t.Errorf("S02 cola %s: another store's price changed", p)
	}
	log, _ := o.st.AuditLog(ctx, hqstore.AuditFilter{Action: "price.set"})
	if len(log) != 1 || log[0].Actor != "olga" || log[0].Target != "S01/cola" || log[0].Before != `{"price":129}` || log[0].After != `{"price":149}` {
		t.Errorf("audit %+v", log)
	}
	if w := b.do("POST", "/admin/catalog/prices", url.Values{"csrf": {tok}, "store": {"S01"}, "product": {"cola"}, "price": {"1.499"}}, nil); !strings.Contains(w.Header().Get("Location"), "Not+changed") {
		t.Errorf("three decimals: %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := b.do("POST", "/admin/catalog/prices", url.Values{"csrf": {tok}, "store": {"S01"}, "product": {"cola"}, "price": {""}}, nil); w.Code != http.StatusSeeOther {
		t.Fatalf("clear: %d", w.Code)
	}
	if p := priceOf(t, o, "S01"); !strings.Contains(p, `"price":129`) {
		t.Errorf("after clear S01 cola %s", p)
	}

	// An accountant cannot change a price; a manager only in their store.
	a := o.browser()
	a.ip = "192.0.2.60"
	a.login("acc", testPassword, "")
	if strings.Contains(a.do("GET", "/admin/catalog?store=S01", nil, nil).Body.String(), "set-price") {
		t.Error("the accountant sees price forms")
	}
	atok := a.csrf("/admin")
	if w := a.do("POST", "/admin/catalog/prices", url.Values{"csrf": {atok}, "store": {"S01"}, "product": {"cola"}, "price": {"0.01"}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("accountant sets a price: %d", w.Code)
	}
	m := o.browser()
	m.ip = "192.0.2.61"
	m.login("max", testPassword, "")
	mtok := m.csrf("/admin")
	if w := m.do("POST", "/admin/catalog/prices", url.Values{"csrf": {mtok}, "store": {"S01"}, "product": {"cola"}, "price": {"0.01"}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("manager sets another store's price: %d", w.Code)
	}
	if w := m.do("POST", "/admin/catalog/prices", url.Values{"csrf": {mtok}, "store": {"S02"}, "product": {"cola"}, "price": {"1.39"}}, nil); w.Code != http.StatusSeeOther {
		t.Errorf("manager sets own store's price: %d", w.Code)
	}
	if p := priceOf(t, o, "S01"); !strings.Contains(p, `"price":129`) {
		t.Errorf("S01 cola %s after refused changes", p)
	}
}
