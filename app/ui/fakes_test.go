package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// fakeCatalog is an in-memory register.Catalog.
type fakeCatalog struct {
	cats     []pos.Category
	products []pos.Product
}

func (c *fakeCatalog) ProductByBarcode(_ context.Context, code string) (pos.Product, error) {
	for _, p := range c.products {
		for _, b := range p.Barcodes {
			if b == code {
				return p, nil
			}
		}
	}
	return pos.Product{}, pos.Errorf(pos.ENotFound, "no product with barcode %s", code)
}

func (c *fakeCatalog) Product(_ context.Context, id string) (pos.Product, error) {
	for _, p := range c.products {
		if p.ID == id {
			return p, nil
		}
	}
	return pos.Product{}, pos.Errorf(pos.ENotFound, "no product %s", id)
}

func (c *fakeCatalog) TaxRate(_ context.Context, id string) (pos.TaxRate, error) {
	switch id {
	case "std":
		return pos.TaxRate{ID: "std", Name: "MwSt 19%", BasisPoints: 1900}, nil
	case "red":
		return pos.TaxRate{ID: "red", Name: "MwSt 7%", BasisPoints: 700}, nil
	}
	return pos.TaxRate{}, pos.Errorf(pos.ENotFound, "no tax rate %s", id)
}

func (c *fakeCatalog) Categories(context.Context) ([]pos.Category, error) { return c.cats, nil }

func (c *fakeCatalog) QuickKeys(_ context.Context, categoryID string) ([]pos.Product, error) {
	var out []pos.Product
	for _, p := range c.products {
		if p.CategoryID == categoryID && p.QuickKey {
			out = append(out, p)
		}
	}
	return out, nil
}

// groceryCatalog is a small German grocery: 20 products in 5 categories.
func groceryCatalog() *fakeCatalog {
	c := &fakeCatalog{cats: []pos.Category{
		{ID: "obst", Name: "Obst & Gemüse", Color: "#2E7D32", Sort: 1},
		{ID: "back", Name: "Backwaren", Color: "#B26A00", Sort: 2},
		{ID: "milch", Name: "Molkerei", Color: "#1565C0", Sort: 3},
		{ID: "getr", Name: "Getränke", Color: "#00838F", Sort: 4},
		{ID: "suess", Name: "Süßwaren", Color: "#AD1457", Sort: 5},
	}}
	add := func(id, cat, name string, price int64, tax string, weighed bool) {
		c.products = append(c.products, pos.Product{ID: id, SKU: id, Name: name, Price: price, TaxRateID: tax,
			CategoryID: cat, SoldByWeight: weighed, QuickKey: true,
			Barcodes: []string{fmt.Sprintf("40%011d", len(c.products)+1)}})
	}
	add("banane", "obst", "Bananen", 199, "red", true)
	add("apfel", "obst", "Äpfel Elstar", 249, "red", true)
	add("tomate", "obst", "Strauchtomaten", 399, "red", true)
	add("gurke", "obst", "Salatgurke", 69, "red", false)
	add("broetchen", "back", "Brötchen", 35, "red", false)
	add("brezel", "back", "Laugenbrezel", 79, "red", false)
	add("roggen", "back", "Roggenbrot 750 g", 299, "red", false)
	add("croissant", "back", "Butter-Croissant", 119, "red", false)
	add("milch", "milch", "Frische Vollmilch 3,5 % 1 l", 119, "red", false)
	add("joghurt", "milch", "Joghurt natur 500 g", 89, "red", false)
	add("butter", "milch", "Süßrahmbutter 250 g", 229, "red", false)
	add("gouda", "milch", "Gouda jung 400 g", 349, "red", false)
	add("wasser", "getr", "Mineralwasser 1,5 l", 59, "std", false)
	add("schorle", "getr", "Apfelschorle 1 l", 129, "std", false)
	add("saft", "getr", "Orangensaft 1 l", 199, "std", false)
	add("kaffee", "getr", "Kaffee gemahlen 500 g", 599, "red", false)
	add("schoko", "suess", "Vollmilchschokolade 100 g", 109, "red", false)
	add("gummi", "suess", "Gummibärchen 200 g", 129, "red", false)
	add("riegel", "suess", "Müsliriegel", 69, "red", false)
	add("lebkuchen", "suess", "Nürnberger Lebkuchen", 249, "red", false)
	return c
}

func (c *fakeCatalog) barcode(id string) string {
	p, err := c.Product(context.Background(), id)
	if err != nil {
		panic(err)
	}
	return p.Barcodes[0]
}

// fakeJournal keeps sealed entries in memory.
type fakeJournal struct {
	mu      sync.Mutex
	wmu     sync.Mutex // one Append at a time, like the store; build may read (mu)
	entries []pos.Entry
	fail    error // returned by Append when set: a full or broken disk
}

func (j *fakeJournal) Append(_ context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.mu.Lock()
	fail, seq := j.fail, int64(len(j.entries)+1)
	j.mu.Unlock()
	if fail != nil {
		return pos.Entry{}, fail
	}
	payload, err := build(seq)
	if err != nil {
		return pos.Entry{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	prev := pos.GenesisHash
	if len(j.entries) > 0 {
		prev = j.entries[len(j.entries)-1].Hash
	}
	e := pos.Entry{Seq: seq, ID: id, RegisterID: "reg-1", Kind: kind, CreatedAt: at, Payload: payload}
	e.Seal(prev)
	j.entries = append(j.entries, e)
	return e, nil
}

func (j *fakeJournal) EntryByID(_ context.Context, id string) (pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.entries {
		if e.ID == id {
			return e, nil
		}
	}
	return pos.Entry{}, pos.Errorf(pos.ENotFound, "no entry %s", id)
}

func (j *fakeJournal) sales(t *testing.T) []pos.SaleRecord {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	v := pos.NewChainVerifier(0, "")
	var out []pos.SaleRecord
	for _, e := range j.entries {
		if err := v.Next(e); err != nil {
			t.Fatal(err)
		}
		var rec pos.SaleRecord
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

// fakePrinter records what it printed.
type fakePrinter struct {
	mu   sync.Mutex
	docs []pos.Doc
}

func (p *fakePrinter) Print(_ context.Context, d pos.Doc) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs = append(p.docs, d)
	return nil
}

// harness is a register with fakes behind a UI in a test app, with a clock
// the test moves and register work run synchronously.
type harness struct {
	t       *testing.T
	u       *UI
	reg     *register.Register
	cat     *fakeCatalog
	journal *fakeJournal
	clock   time.Time
	taps    int
	timers  []func() // pending message-strip removals
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, cat: groceryCatalog(), journal: &fakeJournal{},
		clock: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
	h.reg = register.New(testConfig(), register.Deps{Catalog: h.cat, Journal: h.journal, Printer: &fakePrinter{}})
	h.u = New(a, h.reg, Options{})
	h.u.jobs.wait() // the login screen loads on the job queue
	h.u.now = func() time.Time { return h.clock }
	h.u.async = func(work, then func()) { work(); then() }
	h.u.after = func(_ time.Duration, f func()) { h.timers = append(h.timers, f) }
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	h.u.Window().Show()
	t.Cleanup(h.u.Window().Close)
	return h
}

func testConfig() register.Config {
	return register.Config{RegisterID: "reg-1", RegisterCode: "K1", StoreID: "st-1", StoreName: "Markt am Eck",
		Currency: pos.MustCurrency("EUR"), TaxMode: pos.TaxInclusive, Locale: "de"}
}

// tap taps a tile or row like a finger and counts it.
func (h *harness) tap(obj fyne.Tappable) {
	h.t.Helper()
	if d, ok := obj.(interface{ Disabled() bool }); ok && d.Disabled() {
		h.t.Fatalf("tapped a disabled %T", obj)
	}
	h.taps++
	test.Tap(obj)
}

// typeKeys types chars on the window's canvas, gap apart, then Enter.
func (h *harness) typeKeys(chars string, gap time.Duration) {
	c := h.u.Window().Canvas()
	for _, r := range chars {
		h.clock = h.clock.Add(gap)
		c.OnTypedRune()(r)
	}
	h.clock = h.clock.Add(gap)
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// scan types a barcode as a wedge scanner does: 5 ms per key.
func (h *harness) scan(code string) { h.typeKeys(code, 5*time.Millisecond) }

func (h *harness) scanProduct(id string) { h.scan(h.cat.barcode(id)) }

// quickKey taps a product's quick key, switching category first.
func (h *harness) quickKey(id string) {
	h.t.Helper()
	p, _ := h.cat.Product(context.Background(), id)
	s := h.u.sale
	if s.catID != p.CategoryID {
		h.tap(s.catTiles[p.CategoryID])
	}
	h.tap(s.keyTiles[id])
}

// typeOn taps keys of a keypad.
func (h *harness) typeOn(k *keypad, keys ...string) {
	h.t.Helper()
	for _, key := range keys {
		t, ok := k.keys[key]
		if !ok {
			h.t.Fatalf("no key %q", key)
		}
		h.tap(t)
	}
}

func (h *harness) lines() []pos.Line {
	s, _ := h.reg.Sale()
	return s.Lines
}

func (h *harness) onScreen(want fyne.CanvasObject, name string) {
	h.t.Helper()
	if h.u.screen != want {
		h.t.Fatalf("not on the %s screen", name)
	}
}

func (j *fakeJournal) AppendPrinted(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload, job register.BuildPrintJob) (pos.Entry, error) {
	// The job is built inside the append, as the store does; an error
	// appends nothing. The fake keeps no print queue: the spooler's own
	// queue stores the job at its first mark.
	var jobErr error
	e, err := j.Append(ctx, kind, id, at, func(seq int64) ([]byte, error) {
		p, err := build(seq)
		if err != nil {
			return nil, err
		}
		if _, jobErr = job(pos.Entry{Seq: seq, ID: id, Kind: kind, CreatedAt: at, Payload: p}); jobErr != nil {
			return nil, jobErr
		}
		return p, nil
	})
	return e, err
}

func (j *fakeJournal) ClockedIn(ctx context.Context) (map[string]time.Time, error) {
	es, err := j.EntriesOfKind(ctx, 0, pos.EntryClockInOut)
	if err != nil {
		return nil, err
	}
	return register.FoldClockedIn(es)
}

func (j *fakeJournal) ShiftTotals(ctx context.Context) (register.ShiftTotals, bool, error) {
	es, err := j.Entries(ctx, 0, math.MaxInt)
	if err != nil {
		return register.ShiftTotals{}, false, err
	}
	return register.FoldShiftTotals(es)
}
