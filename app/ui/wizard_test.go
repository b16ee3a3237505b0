package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// wizardDevices is the hardware the wizard tests: a printer that records
// test pages (or fails), a drawer behind it.
type wizardDevices struct {
	mu      sync.Mutex
	found   []register.FoundDevice
	pages   []pos.Doc
	drawers []string
	fail    error
}

func (d *wizardDevices) Discover(context.Context) ([]register.FoundDevice, error) {
	return d.found, nil
}
func (d *wizardDevices) PrintTestPage(_ context.Context, id string, page pos.Doc) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil {
		return d.fail
	}
	d.pages = append(d.pages, page)
	return nil
}
func (d *wizardDevices) OpenDrawer(_ context.Context, id string) error {
	d.drawers = append(d.drawers, id)
	return nil
}

type wizardStore struct{ saved []register.SetupResult }

func (s *wizardStore) SaveSetup(_ context.Context, r register.SetupResult) error {
	s.saved = append(s.saved, r)
	return nil
}

// ownerStaff is the staff the setup created: the owner, checked against
// the saved PIN hash as the register's store does.
type ownerStaff struct{ r register.SetupResult }

func (s ownerStaff) owner() register.Employee {
	return register.Employee{ID: "owner", Name: s.r.OwnerName, Role: register.RoleManager}
}
func (s ownerStaff) VerifyPIN(_ context.Context, pin string) (register.Employee, error) {
	params, salt, hash, err := pinhash.Decode(s.r.OwnerPINHash)
	if err == nil && pinhash.Match(params, salt, hash, pin) {
		return s.owner(), nil
	}
	return register.Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
}
func (s ownerStaff) Employees(context.Context) ([]register.Employee, error) {
	return []register.Employee{s.owner()}, nil
}
func (s ownerStaff) VerifyEmployeePIN(ctx context.Context, id, pin string) (register.Employee, error) {
	return s.VerifyPIN(ctx, pin)
}

func newTestWizard(t *testing.T, a fyne.App, deps register.SetupDeps, onDone func(register.SetupResult)) *Wizard {
	t.Helper()
	w := NewWizard(a, register.NewSetup(deps, register.SetupResult{}), WizardOptions{OnDone: onDone})
	w.async = func(work, then func()) { work(); then() }
	w.Window().Resize(fyne.NewSize(1280, 800))
	w.Window().Show()
	t.Cleanup(w.Window().Close)
	return w
}

func (w *Wizard) mustTile(t *testing.T, key string) *tile {
	t.Helper()
	tl := w.tiles[key]
	if tl == nil {
		t.Fatalf("step %s has no %q tile", w.step, key)
	}
	return tl
}

func (w *Wizard) tap(t *testing.T, key string) {
	t.Helper()
	tl := w.mustTile(t, key)
	if tl.Disabled() {
		t.Fatalf("step %s: %q is disabled", w.step, key)
	}
	test.Tap(tl)
}

func (w *Wizard) wantStep(t *testing.T, step string) {
	t.Helper()
	if w.step != step {
		t.Fatalf("on step %q (message %q), want %q", w.step, w.msg.Text, step)
	}
}

// TestWizardStandaloneShopToFirstSale drives the whole first run as an
// owner would, in German, with a failing then working printer, and rings
// a sale on the register the saved setup describes, logged in as the owner.
func TestWizardStandaloneShopToFirstSale(t *testing.T) {
	a := test.NewTempApp(t)
	devs := &wizardDevices{found: []register.FoundDevice{
		{ID: "usb:04b8:0e28", Kind: "printer", Label: "EPSON TM-T20III", Detail: "USB 04b8:0e28"},
		{ID: "serial:/dev/ttyACM0", Kind: "scanner", Label: "Datalogic QD2430", Detail: "USB 05f9:4204"},
	}}
	store := &wizardStore{}
	var done []register.SetupResult
	w := newTestWizard(t, a, register.SetupDeps{Devices: devs, Store: store, DemoPINs: []string{"1111", "2222", "3333", "4444"}},
		func(r register.SetupResult) { done = append(done, r) })

	w.wantStep(t, "language")
	w.tap(t, "de")
	w.wantStep(t, "mode")
	if got := w.mustTile(t, "standalone").Title; got != "Diesen Laden allein betreiben" {
		t.Errorf("standalone tile in German = %q", got)
	}
	w.tap(t, "standalone")
	w.wantStep(t, "shop")
	w.tap(t, "next") // no name yet
	w.wantStep(t, "shop")
	if w.msg.Text != "Geben Sie den Namen des Ladens ein." {
		t.Errorf("missing name message = %q", w.msg.Text)
	}
	test.Type(w.entries["name"], "Blumen Berta")
	test.Type(w.entries["address"], "Lindenweg 3, 04109 Leipzig")
	test.Type(w.entries["vat"], "DE811234567")
	w.tap(t, "next")
	w.wantStep(t, "devices")

	// A printer out of paper says so and is not chosen; then it prints.
	devs.fail = pos.Errorf(pos.EUnavailable, "Printer: out of paper")
	w.tap(t, "printer:usb:04b8:0e28")
	if got := w.status["printer"].Text; got != "Drucker: kein Papier" {
		t.Errorf("printer failure shows %q", got)
	}
	if w.tiles["printer:serial:/dev/ttyACM0"] != nil {
		t.Error("a scanner is offered as a receipt printer")
	}
	devs.fail = nil
	w.tap(t, "printer:usb:04b8:0e28")
	if len(devs.pages) != 1 || devs.pages[0].Blocks[0].Text != "Blumen Berta" || !strings.Contains(w.status["printer"].Text, "Testseite") {
		t.Fatalf("test page %v, status %q", devs.pages, w.status["printer"].Text)
	}
	w.tap(t, "drawer")
	if len(devs.drawers) != 1 || devs.drawers[0] != "usb:04b8:0e28" {
		t.Errorf("drawer opened %v", devs.drawers)
	}
	// "Scan anything": a wedge scanner types the code and Enter.
	c := w.Window().Canvas()
	for _, r := range "4006381333931" {
		c.OnTypedRune()(r)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := w.status["scanner"].Text; got != "Der Scanner hat 4006381333931 gelesen." {
		t.Errorf("scanner status = %q", got)
	}
	w.tap(t, "next")
	w.wantStep(t, "owner")

	test.Type(w.entries["owner"], "Berta Blum")
	pin := func(p string) {
		for w.pin != "" {
			w.tap(t, "pin:"+keyBackspace)
		}
		for _, k := range strings.Split(p, "") {
			w.tap(t, "pin:"+k)
		}
	}
	pin("4444") // a demo PIN
	w.tap(t, "finish")
	w.wantStep(t, "owner")
	if len(store.saved) != 0 || w.msg.Text == "" {
		t.Fatalf("a demo PIN was accepted: saved %d, message %q", len(store.saved), w.msg.Text)
	}
	pin("5829")
	w.tap(t, "finish")
	w.wantStep(t, "done")
	if len(store.saved) != 1 || len(done) != 1 {
		t.Fatalf("saved %d times, done %d times", len(store.saved), len(done))
	}
	r := store.saved[0]
	if !r.Complete || r.Language != "de" || r.Shop.Name != "Blumen Berta" || r.Shop.Currency != "EUR" ||
		r.Shop.TaxMode != pos.TaxInclusive || r.Printer != "usb:04b8:0e28" || !r.DrawerTested || !r.Scanned || r.OwnerName != "Berta Blum" {
		t.Errorf("saved setup %+v", r)
	}
	if strings.Contains(r.OwnerPINHash, "5829") {
		t.Error("the PIN is saved in clear")
	}

	// The register the setup describes: the owner logs in and sells.
	h := &harness{t: t, cat: groceryCatalog(), journal: &fakeJournal{}, clock: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	cur, err := pos.LookupCurrency(r.Shop.Currency)
	if err != nil {
		t.Fatal(err)
	}
	h.reg = register.New(register.Config{RegisterID: "reg-1", RegisterCode: "R1", StoreID: "st-1", StoreName: r.Shop.Name,
		Currency: cur, TaxMode: r.Shop.TaxMode, Locale: r.Language},
		register.Deps{Catalog: h.cat, Journal: h.journal, Printer: &fakePrinter{}, Staff: ownerStaff{r}, Clock: harnessClock{h}})
	h.u = New(a, h.reg, Options{})
	h.u.jobs.wait() // the login screen loads on the job queue
	h.u.now = func() time.Time { return h.clock }
	h.u.async = func(work, then func()) { work(); then() }
	h.u.after = func(_ time.Duration, f func()) { h.timers = append(h.timers, f) }
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	h.u.Window().Show()
	t.Cleanup(h.u.Window().Close)
	h.openShift("owner", "5829")
	h.scanProduct("milch")
	h.tap(h.u.sale.pay)
	h.onScreen(h.u.cash.content, "cash")
	h.tap(h.u.cash.exact)
	h.onScreen(h.u.change.content, "change")
	var rung []pos.SaleRecord
	for _, s := range h.journal.sales(t) {
		if len(s.Lines) > 0 {
			rung = append(rung, s)
		}
	}
	if len(rung) != 1 || rung[0].Totals.Paid != 119 || rung[0].Cashier != "Berta Blum" || rung[0].Currency != "EUR" {
		t.Fatalf("sales rung after the first run: %+v", rung)
	}
}

// TestWizardSkipsDevicesAndEnrolls: a chain's register connects by code,
// skips every device for now, and finishes.
func TestWizardSkipsDevicesAndEnrolls(t *testing.T) {
	a := test.NewTempApp(t)
	store := &wizardStore{}
	e := &wizardEnroller{}
	w := newTestWizard(t, a, register.SetupDeps{Devices: &wizardDevices{}, Enroll: e, Store: store}, nil)
	w.tap(t, "en")
	w.tap(t, "headoffice")
	w.wantStep(t, "headoffice")
	test.Type(w.entries["code"], "WRONG")
	w.tap(t, "connect")
	w.wantStep(t, "headoffice")
	if w.msg.Text != "The head office does not know that code." {
		t.Errorf("refused code shows %q", w.msg.Text)
	}
	w.entries["code"].SetText("till-enroll://ho.example:8443?code=K7Q2&fp=sha256:ab12")
	w.tap(t, "connect")
	w.wantStep(t, "devices")
	for _, k := range []string{"skip-printer", "skip-drawer", "skip-scanner"} {
		w.tap(t, k)
	}
	if err := w.status["drawer"].Text; err != "No drawer for now." {
		t.Errorf("drawer status %q", err)
	}
	w.tap(t, "next")
	test.Type(w.entries["owner"], "Sam")
	for _, k := range []string{"2", "5", "8", "0", "1"} {
		w.tap(t, "pin:"+k)
	}
	w.tap(t, "finish")
	w.wantStep(t, "done")
	r := store.saved[0]
	if r.HeadOffice == nil || r.HeadOffice.RegisterID != "r-7" || r.Printer != "" || r.Scanned || !r.Complete {
		t.Errorf("saved %+v", r)
	}
}

type wizardEnroller struct{}

func (wizardEnroller) Enroll(_ context.Context, s string) (register.EnrolledHeadOffice, error) {
	if !strings.HasPrefix(s, "till-enroll://") {
		return register.EnrolledHeadOffice{}, pos.Errorf(pos.EInvalid, "The head office does not know that code.")
	}
	return register.EnrolledHeadOffice{URL: "https://ho.example:8443", RegisterID: "r-7", StoreID: "s-2", StoreName: "Filiale Mitte"}, nil
}

// TestWizardRerunFromManagerMenu: "Devices and setup" is in the manager
// menu when the register can run the wizard again, and opens it.
func TestWizardRerunFromManagerMenu(t *testing.T) {
	h := newHarness(t)
	if h.u.manager.setup != nil {
		t.Error("a setup tile without Options.Setup")
	}
	opened := 0
	a := test.NewTempApp(t)
	u := New(a, register.New(testConfig(), register.Deps{Catalog: h.cat, Journal: &fakeJournal{}, Printer: &fakePrinter{}}),
		Options{Setup: func() { opened++ }})
	t.Cleanup(u.Window().Close)
	if u.manager.setup == nil || u.manager.setup.Title != "Geräte und Einrichtung" {
		t.Fatalf("manager menu setup tile = %+v", u.manager.setup)
	}
	test.Tap(u.manager.setup)
	if opened != 1 {
		t.Errorf("Devices and setup opened the wizard %d times", opened)
	}
}

// TestCaptureWizardScreens writes every wizard step in EN and DE as
// wizard-STEP-LANG.png (kept in $TILL_SCREENSHOTS to look at).
func TestCaptureWizardScreens(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("TILL_SCREENSHOTS"); d != "" {
		dir = d
	}
	for _, code := range []string{"en", "de"} {
		a := test.NewTempApp(t)
		devs := &wizardDevices{found: []register.FoundDevice{
			{ID: "usb:04b8:0e28", Kind: "printer", Label: "EPSON TM-T20III", Detail: "printer class · USB 04b8:0e28"},
			{ID: "tcp:192.168.1.50:9100", Kind: "printer", Label: "Network printer", Detail: "192.168.1.50:9100"},
		}}
		w := newTestWizard(t, a, register.SetupDeps{Devices: devs, Store: &wizardStore{}}, nil)
		shot := func(step string) {
			t.Helper()
			w.wantStep(t, step)
			img := w.Window().Canvas().Capture()
			if blank(img) {
				t.Fatalf("%s %s: blank capture", step, code)
			}
			path := filepath.Join(dir, "wizard-"+step+"-"+code+".png")
			if err := writePNG(img, path); err != nil {
				t.Fatal(err)
			}
		}
		if code == "en" {
			shot("language")
		}
		w.tap(t, code)
		shot("mode")
		w.tap(t, "headoffice")
		shot("headoffice")
		w.tap(t, "back")
		w.tap(t, "standalone")
		test.Type(w.entries["name"], "Blumen Berta")
		test.Type(w.entries["address"], "Lindenweg 3, 04109 Leipzig")
		test.Type(w.entries["vat"], "DE811234567")
		shot("shop")
		w.tap(t, "next")
		w.tap(t, "printer:usb:04b8:0e28")
		w.tap(t, "drawer")
		shot("devices")
		w.tap(t, "next")
		test.Type(w.entries["owner"], "Berta Blum")
		for _, k := range []string{"5", "8", "2", "9"} {
			w.tap(t, "pin:"+k)
		}
		shot("owner")
		w.tap(t, "finish")
		shot("done")
	}
}
