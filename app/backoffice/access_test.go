package backoffice_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// clock is a settable clock for session expiry.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// office is a head office with accounts, driven like a browser would.
type office struct {
	t   *testing.T
	h   http.Handler
	st  *hqstore.SQLite
	clk *clock
	ho  *headoffice.HeadOffice
}

const testPassword = "correct horse battery"

func newOffice(t *testing.T) *office {
	t.Helper()
	st := openStore(t)
	clk := &clock{now: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)}
	return &office{t: t, h: headOffice(t, st, clk.Now, "admintok"), st: st, clk: clk, ho: hqstoretest.HeadOffice(t, st, clk.Now, nil)}
}

func (o *office) addAccount(name string, role headoffice.Role, stores ...string) {
	o.t.Helper()
	if _, err := o.ho.AddAccount(context.Background(), headoffice.NewAccount{Name: name, Role: role, Stores: stores, Password: testPassword}); err != nil {
		o.t.Fatal(err)
	}
}

// browser is one cookie jar on the office.
type browser struct {
	o      *office
	cookie string
	ip     string
}

func (o *office) browser() *browser { return &browser{o: o, ip: "192.0.2.1"} }

func (b *browser) do(method, path string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", "http://example.com")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	r.RemoteAddr = b.ip + ":40000"
	for k, v := range header {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	if b.cookie != "" {
		r.AddCookie(&http.Cookie{Name: "till_session", Value: b.cookie})
	}
	w := httptest.NewRecorder()
	b.o.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == "till_session" {
			b.cookie = c.Value
		}
	}
	return w
}

func (b *browser) login(name, password, code string) *httptest.ResponseRecorder {
	return b.do("POST", "/admin/login", url.Values{"name": {name}, "password": {password}, "code": {code}, "next": {"/admin"}}, nil)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token off a page, as the browser's form would send it.
func (b *browser) csrf(path string) string {
	b.o.t.Helper()
	w := b.do("GET", path, nil, nil)
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if w.Code != 200 || m == nil {
		b.o.t.Fatalf("GET %s: %d, no CSRF token in the page", path, w.Code)
	}
	return m[1]
}

func TestPagesNeedALoginAndTheCookieIsLockedDown(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.addAccount("olga", headoffice.RoleOwner)
	b := o.browser()
	w := b.do("GET", "/admin/audit?actor=x", nil, nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/login?next=%2Fadmin%2Faudit%3Factor%3Dx" {
		t.Fatalf("anonymous GET: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if w := b.login("olga", "wrong password!", ""); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "name, password or code is wrong") {
		t.Fatalf("wrong password: %d", w.Code)
	}
	if b.cookie != "" {
		t.Fatal("a failed login set a session cookie")
	}
	w = b.login("OLGA", testPassword, "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin" {
		t.Fatalf("login: %d to %q: %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	c := w.Result().Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.MaxAge != int(headoffice.SessionMaxAge.Seconds()) || c.Secure || c.Path != "/" {
		t.Errorf("session cookie %+v", c)
	}
	if w := b.do("GET", "/admin", nil, nil); w.Code != 200 || !strings.Contains(w.Body.String(), "olga · owner") {
		t.Errorf("overview after login: %d", w.Code)
	}
	// Only the token's hash is stored.
	if _, err := o.st.Session(context.Background(), b.cookie); err == nil {
		t.Error("the raw session token is a stored key")
	}
	if _, err := o.st.Session(context.Background(), headoffice.SessionTokenHash(b.cookie)); err != nil {
		t.Errorf("session by hash: %v", err)
	}

	// Over TLS the cookie is Secure.
	r := httptest.NewRequest("POST", "https://example.com/admin/login", strings.NewReader(url.Values{"name": {"olga"}, "password": {testPassword}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "https://example.com")
	r.RemoteAddr = "192.0.2.9:1"
	tw := httptest.NewRecorder()
	o.h.ServeHTTP(tw, r)
	if cs := tw.Result().Cookies(); tw.Code != http.StatusSeeOther || len(cs) != 1 || !cs[0].Secure {
		t.Errorf("TLS login: %d, cookies %+v", tw.Code, cs)
	}

	// Logging out ends the session on the server, not only in the browser.
	old := b.cookie
	tok := b.csrf("/admin")
	if w := b.do("POST", "/admin/logout", url.Values{"csrf": {tok}}, nil); w.Code != http.StatusSeeOther || b.cookie != "" {
		t.Fatalf("logout: %d, cookie %q", w.Code, b.cookie)
	}
	b.cookie = old
	if w := b.do("GET", "/admin", nil, nil); w.Code != http.StatusSeeOther {
		t.Errorf("old cookie after logout: %d", w.Code)
	}
}

func TestFormPostsNeedTheCSRFTokenAndOurOrigin(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.addAccount("olga", headoffice.RoleOwner)
	b := o.browser()
	b.login("olga", testPassword, "")
	tok := b.csrf("/admin/accounts")
	add := func(name, csrf string, header map[string]string) int {
		f := url.Values{"name": {name}, "role": {"accountant"}, "password": {testPassword}}
		if csrf != "" {
			f.Set("csrf", csrf)
		}
		return b.do("POST", "/admin/accounts", f, header).Code
	}
	if c := add("anna", "", nil); c != http.StatusForbidden {
		t.Errorf("without token: %d", c)
	}
	if c := add("anna", tok+"x", nil); c != http.StatusForbidden {
		t.Errorf("with a wrong token: %d", c)
	}
	if c := add("anna", tok, map[string]string{"Origin": "https://evil.example"}); c != http.StatusForbidden {
		t.Errorf("from another origin: %d", c)
	}
	if c := add("anna", tok, map[string]string{"Origin": "", "Referer": ""}); c != http.StatusForbidden {
		t.Errorf("from nowhere: %d", c)
	}
	if c := add("anna", tok, map[string]string{"Origin": "", "Referer": "http://example.com/admin/accounts"}); c != http.StatusSeeOther {
		t.Errorf("with our Referer: %d", c)
	}
	as, _ := o.st.AccountList(context.Background())
	if len(as) != 2 {
		t.Fatalf("accounts %+v: want olga and anna only", as)
	}
	// Another session's token does not fit this session.
	b2 := o.browser()
	b2.ip = "192.0.2.2"
	b2.login("olga", testPassword, "")
	if c := b2.do("POST", "/admin/accounts", url.Values{"csrf": {tok}, "name": {"bert"}, "role": {"accountant"}, "password": {testPassword}}, nil).Code; c != http.StatusForbidden {
		t.Errorf("token of another session: %d", c)
	}
	// A login form from another site is refused too (login CSRF).
	if w := b2.do("POST", "/admin/login", url.Values{"name": {"olga"}, "password": {testPassword}}, map[string]string{"Origin": "https://evil.example"}); w.Code != http.StatusForbidden {
		t.Errorf("cross-site login: %d", w.Code)
	}
	// The change is in the audit log, with who, what and after.
	log, _ := o.st.AuditLog(context.Background(), hqstore.AuditFilter{Actor: "olga"})
	if len(log) != 1 || log[0].Action != "account.add" || log[0].Target != "anna" || !strings.Contains(log[0].After, `"role":"accountant"`) ||
		strings.Contains(log[0].After, "argon2") || !log[0].At.Equal(o.clk.Now()) {
		t.Errorf("audit %+v", log)
	}
}

func TestAccountantAndManagerCannotAddAccounts(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	if err := o.st.AddStore(context.Background(), hqstore.StoreInfo{ID: "S01", Name: "Berlin"}); err != nil {
		t.Fatal(err)
	}
	o.addAccount("acc", headoffice.RoleAccountant)
	o.addAccount("max", headoffice.RoleManager, "S01")
	for i, name := range []string{"acc", "max"} {
		b := o.browser()
		b.ip = "192.0.2." + string(rune('3'+i))
		b.login(name, testPassword, "")
		page := b.do("GET", "/admin/accounts", nil, nil)
		if page.Code != 200 || strings.Contains(page.Body.String(), `id="add-account"`) {
			t.Errorf("%s sees the add form (%d)", name, page.Code)
		}
		tok := b.csrf("/admin")
		w := b.do("POST", "/admin/accounts", url.Values{"csrf": {tok}, "name": {"x" + name}, "role": {"owner"}, "password": {testPassword}}, nil)
		if w.Code != http.StatusForbidden {
			t.Errorf("%s added an account: %d", name, w.Code)
		}
	}
}

func TestSessionsExpireWhenIdleAndAtTheirMaximumAge(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.addAccount("olga", headoffice.RoleOwner)
	b := o.browser()
	b.login("olga", testPassword, "")
	o.clk.Add(headoffice.SessionIdle - time.Minute)
	if w := b.do("GET", "/admin", nil, nil); w.Code != 200 {
		t.Fatalf("before idle timeout: %d", w.Code)
	}
	o.clk.Add(headoffice.SessionIdle - time.Minute) // counted from the last request
	if w := b.do("GET", "/admin", nil, nil); w.Code != 200 {
		t.Fatalf("active session ended: %d", w.Code)
	}
	o.clk.Add(headoffice.SessionIdle)
	w := b.do("GET", "/admin/accounts", nil, nil)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/login?next=") {
		t.Fatalf("idle session: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if w := b.do("GET", "/dashboard", nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("dashboard with an ended session: %d", w.Code)
	}

	// An active session still ends at its maximum age.
	b.login("olga", testPassword, "")
	for range int(headoffice.SessionMaxAge/(20*time.Minute)) - 1 {
		o.clk.Add(20 * time.Minute)
		if w := b.do("GET", "/admin", nil, nil); w.Code != 200 {
			t.Fatalf("at %v: %d", o.clk.Now(), w.Code)
		}
	}
	o.clk.Add(20 * time.Minute)
	if w := b.do("GET", "/admin", nil, nil); w.Code != http.StatusSeeOther {
		t.Errorf("session older than %v: %d", headoffice.SessionMaxAge, w.Code)
	}
}

func TestOwnerTOTPLoginAndReplay(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	secret, err := o.ho.AddAccount(context.Background(), headoffice.NewAccount{Name: "olga", Role: headoffice.RoleOwner, Password: testPassword, TOTP: true})
	if err != nil || secret == "" {
		t.Fatal(secret, err)
	}
	b := o.browser()
	if w := b.login("olga", testPassword, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("without code: %d", w.Code)
	}
	code, _ := headoffice.TOTPCode(secret, o.clk.Now())
	if w := b.login("olga", testPassword, code); w.Code != http.StatusSeeOther {
		t.Fatalf("with code: %d", w.Code)
	}
	b2 := o.browser()
	b2.ip = "192.0.2.7"
	if w := b2.login("olga", testPassword, code); w.Code != http.StatusUnauthorized {
		t.Errorf("the same code twice: %d", w.Code)
	}
}

func TestLoginIsRateLimitedPerAccount(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.addAccount("olga", headoffice.RoleOwner)
	for i := range 5 {
		b := o.browser()
		b.ip = "198.51.100." + string(rune('1'+i))
		if w := b.login("olga", "not the password", ""); w.Code != http.StatusUnauthorized {
			t.Fatalf("try %d: %d", i, w.Code)
		}
	}
	b := o.browser()
	b.ip = "198.51.100.99"
	if w := b.login("olga", testPassword, ""); w.Code != http.StatusTooManyRequests || b.cookie != "" {
		t.Fatalf("6th try, right password: %d", w.Code)
	}
	o.clk.Add(time.Minute)
	if w := b.login("olga", testPassword, ""); w.Code != http.StatusSeeOther {
		t.Errorf("after a minute: %d", w.Code)
	}
}

func TestAuditPageFiltersAndExportsCSV(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.addAccount("olga", headoffice.RoleOwner)
	ctx := context.Background()
	o.st.AppendAudit(ctx, hqstore.AuditEntry{At: o.clk.Now().Add(-48 * time.Hour), Actor: "olga", Action: "price.set", Target: "=HYPERLINK(\"x\")", After: `{"price":120}`})
	o.addAccount("acc", headoffice.RoleAccountant)
	b := o.browser()
	b.login("acc", testPassword, "") // accountants read and export
	page := b.do("GET", "/admin/audit?action=account.add", nil, nil).Body.String()
	if !strings.Contains(page, "account.add") || strings.Contains(page, "price.set</span>") {
		t.Errorf("filtered page:\n%s", page)
	}
	w := b.do("GET", "/admin/audit.csv?from=2026-03-10&to=2026-03-10", nil, nil)
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil || w.Code != 200 || len(rows) != 2 || rows[1][2] != "olga" || rows[1][4] != "'=HYPERLINK(\"x\")" || rows[1][6] != `{"price":120}` {
		t.Errorf("CSV %d: %q, %v", w.Code, rows, err)
	}
	if w := b.do("GET", "/admin/audit?from=yesterday", nil, nil); w.Code != http.StatusBadRequest {
		t.Errorf("bad date: %d", w.Code)
	}
}

func TestAdminAPIAccountsAndAudit(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	auth := map[string]string{"Authorization": "Bearer admintok", "Content-Type": "application/json"}
	w := request{"POST", "/v1/admin/accounts", `{"name":"olga","role":"owner","password":"` + testPassword + `","totp":true}`, auth}.do(o.h)
	var res struct {
		TOTPSecret string `json:"totp_secret"`
		TOTPURI    string `json:"totp_uri"`
	}
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &res) != nil || res.TOTPSecret == "" || !strings.HasPrefix(res.TOTPURI, "otpauth://totp/") {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/accounts", `{"name":"olga","role":"owner","password":"` + testPassword + `"}`, auth}).do(o.h); w.Code != http.StatusConflict {
		t.Errorf("again: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/accounts", `{"name":"max","role":"manager","password":"` + testPassword + `"}`, auth}).do(o.h); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "at least one store") {
		t.Errorf("manager without stores: %d %s", w.Code, w.Body)
	}
	if w := (request{"POST", "/v1/admin/accounts", `{"name":"x","role":"owner","password":"short"}`, auth}).do(o.h); w.Code != http.StatusBadRequest {
		t.Errorf("short password: %d %s", w.Code, w.Body)
	}
	w = request{"GET", "/v1/admin/accounts", "", auth}.do(o.h)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"name":"olga","role":"owner","totp":true`) || strings.Contains(w.Body.String(), "argon2") {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	w = request{"GET", "/v1/admin/audit?actor=admin-token", "", auth}.do(o.h)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"action":"account.add","target":"olga"`) {
		t.Errorf("audit: %d %s", w.Code, w.Body)
	}
	if w := (request{"GET", "/v1/admin/accounts", "", nil}).do(o.h); w.Code != http.StatusUnauthorized {
		t.Errorf("without token: %d", w.Code)
	}
	// The bearer token also opens the pages, for scripts.
	if w := (request{"GET", "/admin/audit", "", auth}).do(o.h); w.Code != 200 {
		t.Errorf("page with bearer token: %d", w.Code)
	}
}

// Every nav entry is a page a logged-in account gets.
func TestNavSectionsAreServed(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.addAccount("acc", headoffice.RoleAccountant)
	b := o.browser()
	b.login("acc", testPassword, "")
	page := b.do("GET", "/admin", nil, nil).Body.String()
	links := regexp.MustCompile(`<nav>(.*?)</nav>`).FindStringSubmatch(page)
	if links == nil {
		t.Fatal("no nav")
	}
	hrefs := regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(links[1], -1)
	if len(hrefs) < 4 {
		t.Fatalf("nav %s", links[1])
	}
	for _, h := range hrefs {
		if w := b.do("GET", h[1], nil, nil); w.Code != 200 {
			t.Errorf("nav %s: %d", h[1], w.Code)
		}
	}
}

// Changes through the older admin API calls are audited too, as the token.
func TestAdminAPICatalogChangesAreAudited(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	auth := map[string]string{"Authorization": "Bearer admintok", "Content-Type": "application/json"}
	if w := (request{"POST", "/v1/admin/catalog", testCatalog, auth}).do(o.h); w.Code != 200 {
		t.Fatalf("import: %d %s", w.Code, w.Body)
	}
	if w := (request{"PUT", "/v1/admin/employees/ann", `{"name":"Ann","role":"manager","pin":"4711"}`, auth}).do(o.h); w.Code != 200 {
		t.Fatalf("employee: %d %s", w.Code, w.Body)
	}
	log, _ := o.st.AuditLog(context.Background(), hqstore.AuditFilter{Actor: "admin-token"})
	if len(log) != 2 || log[0].Action != "employee.set" || log[0].Target != "ann" || strings.Contains(log[0].After, "4711") ||
		!strings.Contains(log[0].After, `"role":"manager"`) || log[1].Action != "catalog.import" {
		t.Errorf("audit %+v", log)
	}
}
