package backoffice_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tillpos/till/app/backoffice"
	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

var backofficeShots = flag.String("backoffice-screenshots", "", "write back-office screenshots (backoffice-PAGE-WIDTH.png) into this directory (docs/screenshots)")

// TestBackOfficeInChromium drives the back office as an owner and an
// accountant would, in headless Chromium against a real head office whose
// register API requires enrollment: log in, add a store, add a register and
// enroll it with the code the page showed, push, revoke it from the page
// and see its next push refused; change a price; add an employee (PIN shown
// once); a form without its CSRF token is refused;
// an accountant's changes (a store, a price) are refused; an expired session leads to the login
// page. It takes a screenshot of each page at 1280 and 768 px.
func TestBackOfficeInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	st := openStore(t)
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)}
	api, err := syncserver.New(syncserver.Config{Store: st, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ho := hqstoretest.HeadOffice(t, st, clk.Now, api)
	bo, err := backoffice.New(backoffice.Config{HeadOffice: ho, AdminToken: "admintok", CertFingerprint: strings.Repeat("ab", 32)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	bo.Routes(mux)
	ts := httptest.NewServer(api.Middleware(mux))
	t.Cleanup(ts.Close)
	ctx0 := context.Background()
	for _, a := range []headoffice.NewAccount{{Name: "olga", Role: headoffice.RoleOwner, Password: testPassword},
		{Name: "anna", Role: headoffice.RoleAccountant, Password: testPassword}} {
		if _, err := ho.AddAccount(ctx0, a); err != nil {
			t.Fatal(err)
		}
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx0, opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	defer cancelT()

	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	location := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(s, ts.URL)
	}
	// shoot takes the current page at both widths; the page must not be
	// wider than the window at either.
	shoot := func(name string) {
		t.Helper()
		for _, w := range []int64{1280, 768} {
			do(chromedp.EmulateViewport(w, 900))
			if over := eval(`String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`); over != "0" {
				t.Errorf("%s is %s px wider than a %d px window", name, over, w)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
			if err != nil {
				t.Fatal(err)
			}
			if *backofficeShots != "" {
				p := filepath.Join(*backofficeShots, "backoffice-"+name+"-"+map[int64]string{1280: "1280", 768: "768"}[w]+".png")
				if err := os.WriteFile(p, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		do(chromedp.EmulateViewport(1280, 900))
	}
	login := func(name string) {
		t.Helper()
		do(chromedp.Navigate(ts.URL+"/admin"), chromedp.WaitVisible(chromedp.CSS("#login")))
		if !strings.HasPrefix(location(), "/admin/login?next=") {
			t.Fatalf("anonymous /admin went to %s", location())
		}
		do(chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
			chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#who")))
	}

	// The login page, then the owner's overview.
	do(chromedp.Navigate(ts.URL+"/admin/login"), chromedp.WaitVisible(chromedp.CSS("#login")))
	shoot("login")
	login("olga")
	if who := text("#who"); who != "olga · owner" || location() != "/admin" {
		t.Fatalf("after login: %q at %s", who, location())
	}
	shoot("overview")

	// Add a store.
	do(chromedp.Navigate(ts.URL+"/admin/stores"), chromedp.WaitVisible(chromedp.CSS("#add-store")))
	do(chromedp.SendKeys(chromedp.CSS(`#add-store input[name=id]`), "S01"),
		chromedp.SendKeys(chromedp.CSS(`#add-store input[name=name]`), "Berlin Mitte"),
		chromedp.SendKeys(chromedp.CSS(`#add-store input[name=address]`), "Unter den Linden 1, 10117 Berlin"),
		chromedp.SendKeys(chromedp.CSS(`#add-store input[name=vat_id]`), "DE123456789"),
		chromedp.Submit(chromedp.CSS("#add-store")), chromedp.WaitVisible(chromedp.CSS("#store-S01")))
	if f := text("#flash"); f != "Store S01 added" {
		t.Errorf("flash %q", f)
	}

	// A form whose CSRF token was removed is refused.
	do(chromedp.SendKeys(chromedp.CSS(`#add-store input[name=id]`), "S02"),
		chromedp.SendKeys(chromedp.CSS(`#add-store input[name=name]`), "Forged"))
	eval(`document.querySelector('#add-store input[name=csrf]').remove(); ""`)
	// The refusal is plain text, which Chromium shows in a <pre>.
	do(chromedp.Submit(chromedp.CSS("#add-store")), chromedp.WaitVisible(chromedp.CSS("body > pre")))
	if body := text("body"); !strings.Contains(body, "form is out of date or was not sent from the back office") {
		t.Errorf("form without CSRF token answered %q", body)
	}
	if ss, _ := st.Stores(ctx0); len(ss) != 1 {
		t.Errorf("stores %+v: the forged form added one", ss)
	}

	// Add a register; enroll it with the code the page shows; it pushes.
	do(chromedp.Navigate(ts.URL+"/admin/stores"), chromedp.WaitVisible(chromedp.CSS("#store-S01 .add-register")))
	do(chromedp.SendKeys(chromedp.CSS(`#store-S01 .add-register input[name=name]`), "Till 1"),
		chromedp.Submit(chromedp.CSS("#store-S01 .add-register")), chromedp.WaitVisible(chromedp.CSS("#enroll-qr")))
	code := text("#enroll-code")
	if w := eval(`String(document.querySelector('#enroll-qr').naturalWidth)`); w != "256" {
		t.Errorf("QR code image is %s px wide", w)
	}
	shoot("register-added")
	reg := enrollOverHTTP(t, ts.URL, code)
	if status := reg.push(t, ts.URL, 3); status != http.StatusOK {
		t.Fatalf("push of the enrolled register: %d", status)
	}
	do(chromedp.Navigate(ts.URL+"/admin/stores"), chromedp.WaitVisible(chromedp.CSS("#reg-S01-R01")))
	if s := text("#reg-S01-R01 .state"); s != "enrolled" {
		t.Errorf("register state %q", s)
	}
	if s := text("#reg-S01-R01 .seen"); !strings.HasSuffix(s, " ago") {
		t.Errorf("register last seen %q after its push", s)
	}
	shoot("stores")

	// Revoke it from the page: its next push is refused.
	eval(`document.querySelector('#reg-S01-R01 form').submit(); ""`)
	do(chromedp.WaitVisible(chromedp.CSS("#flash")))
	if s := text("#reg-S01-R01 .state"); s != "revoked" {
		t.Errorf("after revoke the state is %q", s)
	}
	if status := reg.push(t, ts.URL, 1); status != http.StatusUnauthorized {
		t.Errorf("push after revoke: %d, want 401", status)
	}

	// Catalog: change a price in the store.
	if _, err := ho.ImportCatalog(ctx0, strings.NewReader(testCatalog)); err != nil {
		t.Fatal(err)
	}
	do(chromedp.Navigate(ts.URL+"/admin/catalog?store=S01"), chromedp.WaitVisible(chromedp.CSS("#product-cola .set-price")))
	do(chromedp.SendKeys(chromedp.CSS("#product-cola input[name=price]"), "1,49"),
		chromedp.Submit(chromedp.CSS("#product-cola .set-price")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if p := text("#product-cola .price"); p != "1.49" {
		t.Errorf("price after change %q", p)
	}
	shoot("catalog")

	// Staff: add an employee; the PIN is shown once.
	do(chromedp.Navigate(ts.URL+"/admin/staff"), chromedp.WaitVisible(chromedp.CSS("#add-employee")))
	do(chromedp.SendKeys(chromedp.CSS("#add-employee input[name=id]"), "ben"),
		chromedp.SendKeys(chromedp.CSS("#add-employee input[name=name]"), "Ben Becker"),
		chromedp.Submit(chromedp.CSS("#add-employee")), chromedp.WaitVisible(chromedp.CSS("#pin")))
	if pin := text("#pin"); len(pin) != 6 {
		t.Errorf("PIN %q", pin)
	}
	shoot("staff")

	do(chromedp.Navigate(ts.URL+"/admin/accounts"), chromedp.WaitVisible(chromedp.CSS("#accounts")))
	shoot("accounts")
	do(chromedp.Navigate(ts.URL+"/admin/audit?actor=olga"), chromedp.WaitVisible(chromedp.CSS("#audit")))
	if rows := eval(`String(document.querySelectorAll('#audit tbody tr').length)`); rows != "5" {
		t.Errorf("audit rows %s, want store.add, register.add, register.revoke, price.set, employee.add", rows)
	}
	shoot("audit")

	// Log out; the accountant sees no forms and a change they craft is refused.
	do(chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#login")))
	login("anna")
	do(chromedp.Navigate(ts.URL+"/admin/stores"), chromedp.WaitVisible(chromedp.CSS("#store-S01")))
	if n := eval(`String(document.querySelectorAll('#add-store, .add-register, button.revoke').length)`); n != "0" {
		t.Errorf("the accountant sees %s change forms", n)
	}
	eval(`(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/admin/stores';
		for (const [k, v] of [['csrf', document.querySelector('input[name=csrf]').value], ['id', 'S03'], ['name', 'Sneaky']]) {
			const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i) }
		document.body.appendChild(f); f.submit(); return "" })()`)
	do(chromedp.WaitVisible(chromedp.CSS("body > pre")))
	if body := text("body"); !strings.Contains(body, "Your role may not change this") {
		t.Errorf("accountant's change answered %q", body)
	}
	if ss, _ := st.Stores(ctx0); len(ss) != 1 {
		t.Errorf("the accountant added a store: %+v", ss)
	}

	// Nor can the accountant change a price: no form, and a crafted one is refused.
	do(chromedp.Navigate(ts.URL+"/admin/catalog?store=S01"), chromedp.WaitVisible(chromedp.CSS("#product-cola")))
	if n := eval(`String(document.querySelectorAll('.set-price').length)`); n != "0" {
		t.Errorf("the accountant sees %s price forms", n)
	}
	eval(`(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/admin/catalog/prices';
		for (const [k, v] of [['csrf', document.querySelector('input[name=csrf]').value], ['store', 'S01'], ['product', 'cola'], ['price', '0.01']]) {
			const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i) }
		document.body.appendChild(f); f.submit(); return "" })()`)
	do(chromedp.WaitVisible(chromedp.CSS("body > pre")))
	if body := text("body"); !strings.Contains(body, "Your role may not change this") {
		t.Errorf("accountant's price change answered %q", body)
	}
	do(chromedp.Navigate(ts.URL+"/admin/catalog?store=S01"), chromedp.WaitVisible(chromedp.CSS("#product-cola")))
	if p := text("#product-cola .price"); p != "1.49" {
		t.Errorf("price after the accountant's try %q", p)
	}

	// An idle session ends: the next page is the login page.
	clk.Add(headoffice.SessionIdle + time.Second)
	do(chromedp.Navigate(ts.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("#login")))
	if loc := location(); loc != "/admin/login?next=%2Fadmin%2Faudit" {
		t.Errorf("expired session went to %s", loc)
	}
}

// enrolledRegister is a register enrolled over HTTP, as a real one does.
type enrolledRegister struct {
	id, token string
	key       ed25519.PrivateKey
	chain     *hqstoretest.Chain
}

func enrollOverHTTP(t *testing.T, base, code string) *enrolledRegister {
	t.Helper()
	pub, key, _ := ed25519.GenerateKey(nil)
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, PublicKey: base64.StdEncoding.EncodeToString(pub)})
	req, _ := http.NewRequest("POST", base+"/v1/enroll", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(syncproto.HeaderProtocol, "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var er syncproto.EnrollResponse
	if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(&er) != nil {
		t.Fatalf("enroll with code %q: %d", code, res.StatusCode)
	}
	c := hqstoretest.NewChain(er.RegisterID)
	c.StoreID = er.StoreID
	return &enrolledRegister{id: er.RegisterID, token: er.Token, key: key, chain: c}
}

// push sends n signed sales and returns the HTTP status.
func (r *enrolledRegister) push(t *testing.T, base string, n int) int {
	t.Helper()
	w := syncproto.FromPosAll(r.chain.Sales(n))
	for i := range w {
		w[i].Sig = syncproto.SignEntryHash(r.key, w[i].Hash)
	}
	body, _ := json.Marshal(syncproto.PushBatchRequest{Entries: w})
	req, _ := http.NewRequest("POST", base+"/v1/registers/"+r.id+"/sales:batch", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(syncproto.HeaderProtocol, "1")
	req.Header.Set("Authorization", "Bearer "+r.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
