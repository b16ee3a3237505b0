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

func TestStaffPageAddsResetsAndDeactivates(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	ctx := context.Background()
	o.st.AddStore(ctx, hqstore.StoreInfo{ID: "S01", Name: "S01"})
	o.addAccount("olga", headoffice.RoleOwner)
	o.addAccount("acc", headoffice.RoleAccountant)
	b := o.browser()
	b.login("olga", testPassword, "")
	tok := b.csrf("/admin/staff")
	pinRE := regexp.MustCompile(`id="pin">(\d{6})<`)
	w := b.do("POST", "/admin/staff", url.Values{"csrf": {tok}, "id": {"ben"}, "name": {"Ben"}, "role": {"cashier"}}, nil)
	pin := pinRE.FindStringSubmatch(w.Body.String())
	if w.Code != 200 || pin == nil {
		t.Fatalf("add: %d\n%s", w.Code, w.Body)
	}
	if w := b.do("POST", "/admin/staff", url.Values{"csrf": {tok}, "id": {"ben"}, "name": {"Ben 2"}, "role": {"cashier"}}, nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("same id again: %d", w.Code)
	}
	if w := b.do("POST", "/admin/staff", url.Values{"csrf": {tok}, "id": {"eve"}, "name": {"Eve"}, "role": {"boss"}}, nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown role: %d", w.Code)
	}
	es, _ := o.ho.Employees(ctx)
	if len(es) != 1 || es[0].Name != "Ben" || !strings.HasPrefix(es[0].PINHash, "argon2id$") || !es[0].IsActive() {
		t.Fatalf("employees %+v", es)
	}
	page := b.do("GET", "/admin/staff", nil, nil).Body.String()
	if strings.Contains(page, pin[1]) {
		t.Error("the PIN is shown again")
	}
	w = b.do("POST", "/admin/staff/ben/pin", url.Values{"csrf": {tok}}, nil)
	pin2 := pinRE.FindStringSubmatch(w.Body.String())
	if pin2 == nil {
		t.Fatalf("reset: %d", w.Code)
	}
	if es2, _ := o.ho.Employees(ctx); es2[0].PINHash == es[0].PINHash {
		t.Error("the PIN hash did not change")
	}
	if w := b.do("POST", "/admin/staff/ben/active", url.Values{"csrf": {tok}, "active": {"false"}}, nil); w.Code != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", w.Code)
	}
	if es3, _ := o.ho.Employees(ctx); es3[0].IsActive() {
		t.Error("still active")
	}
	if w := b.do("POST", "/admin/staff/nobody/pin", url.Values{"csrf": {tok}}, nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown employee: %d", w.Code)
	}
	log, _ := o.st.AuditLog(ctx, hqstore.AuditFilter{Actor: "olga"})
	var acts []string
	for _, e := range log {
		acts = append(acts, e.Action)
		if strings.Contains(e.After+e.Before, pin[1]) || strings.Contains(e.After+e.Before, "argon2") {
			t.Errorf("audit entry %+v holds a PIN or hash", e)
		}
	}
	if strings.Join(acts, ",") != "employee.active,employee.pin_reset,employee.add" {
		t.Errorf("audit %v", acts)
	}

	a := o.browser()
	a.ip = "192.0.2.70"
	a.login("acc", testPassword, "")
	atok := a.csrf("/admin")
	if w := a.do("POST", "/admin/staff/ben/pin", url.Values{"csrf": {atok}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("accountant resets a PIN: %d", w.Code)
	}

	auth := map[string]string{"Authorization": "Bearer admintok", "Content-Type": "application/json"}
	w = request{"POST", "/v1/admin/employees", `{"id":"cat","name":"Cat","role":"supervisor"}`, auth}.do(o.h)
	var res struct{ ID, PIN string }
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &res) != nil || len(res.PIN) != 6 {
		t.Errorf("API add: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/employees/cat/active", `{"active":false}`, auth}).do(o.h); w.Code != http.StatusNoContent {
		t.Errorf("API deactivate: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/employees/cat/pin", "", auth}).do(o.h); w.Code != 200 || !strings.Contains(w.Body.String(), `"pin":"`) {
		t.Errorf("API reset: %d %s", w.Code, w.Body)
	}
	w = request{"GET", "/v1/admin/employees", "", auth}.do(o.h)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `{"id":"cat","name":"Cat","role":"supervisor","active":false}`) || strings.Contains(w.Body.String(), "argon2") {
		t.Errorf("API list: %d %s", w.Code, w.Body)
	}
}
