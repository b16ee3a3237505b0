package register

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
)

type fakeCatalog struct {
	products map[string]pos.Product // by id
	barcodes map[string]string      // code -> id
	rates    map[string]pos.TaxRate
}

func newFakeCatalog() *fakeCatalog {
	c := &fakeCatalog{products: map[string]pos.Product{}, barcodes: map[string]string{},
		rates: map[string]pos.TaxRate{"std": {ID: "std", BasisPoints: 1900}, "red": {ID: "red", BasisPoints: 700}}}
	for _, p := range []pos.Product{
		{ID: "milk", Name: "Vollmilch 1 L", Price: 119, TaxRateID: "red", Barcodes: []string{"4000417025005"}},
		{ID: "wine", Name: "Riesling", Price: 899, TaxRateID: "std", Barcodes: []string{"4006381333931"}},
		{ID: "bread", Name: "Käsebrötchen", Price: 189, TaxRateID: "red", Barcodes: []string{"4012345678901"}},
		{ID: "apples", Name: "Äpfel", Price: 299, TaxRateID: "red", SoldByWeight: true, Barcodes: []string{"2000000000008"}},
	} {
		c.products[p.ID] = p
		for _, b := range p.Barcodes {
			c.barcodes[b] = p.ID
		}
	}
	return c
}

func (c *fakeCatalog) ProductByBarcode(_ context.Context, code string) (pos.Product, error) {
	id, ok := c.barcodes[code]
	if !ok {
		return pos.Product{}, pos.Errorf(pos.ENotFound, "no product with barcode %s", code)
	}
	return c.products[id], nil
}

func (c *fakeCatalog) Product(_ context.Context, id string) (pos.Product, error) {
	p, ok := c.products[id]
	if !ok {
		return pos.Product{}, pos.Errorf(pos.ENotFound, "no product %s", id)
	}
	return p, nil
}

func (c *fakeCatalog) TaxRate(_ context.Context, id string) (pos.TaxRate, error) {
	r, ok := c.rates[id]
	if !ok {
		return pos.TaxRate{}, pos.Errorf(pos.ENotFound, "no rate %s", id)
	}
	return r, nil
}

func (c *fakeCatalog) Categories(context.Context) ([]pos.Category, error) { return nil, nil }

func (c *fakeCatalog) QuickKeys(context.Context, string) ([]pos.Product, error) { return nil, nil }

// SearchProducts finds products whose name contains the query (no test
// here depends on the store's ranking).
func (c *fakeCatalog) SearchProducts(_ context.Context, query string, limit int) ([]pos.Product, error) {
	var out []pos.Product
	for _, p := range c.products {
		if len(out) < limit && query != "" && strings.Contains(strings.ToLower(p.Name), strings.ToLower(query)) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b pos.Product) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// fakeJournal keeps a real sealed chain in memory; failNext makes the next
// Append fail like a full disk would. One Append runs at a time (wmu), and
// its build may read the journal (mu), as the store's transaction allows.
type fakeJournal struct {
	wmu      sync.Mutex
	mu       sync.Mutex
	entries  []pos.Entry
	failNext error
}

func (j *fakeJournal) Append(_ context.Context, kind pos.EntryKind, id string, at time.Time, build BuildPayload) (pos.Entry, error) {
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.mu.Lock()
	err := j.failNext
	j.failNext = nil
	seq := int64(len(j.entries) + 1)
	j.mu.Unlock()
	if err != nil {
		return pos.Entry{}, err
	}
	payload, err := build(seq)
	if err != nil {
		return pos.Entry{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	prev := pos.GenesisHash
	if n := len(j.entries); n > 0 {
		prev = j.entries[n-1].Hash
	}
	e := pos.Entry{Seq: seq, ID: id, RegisterID: "r1", Kind: kind, CreatedAt: at, Payload: payload}
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

func (j *fakeJournal) EntryBySeq(_ context.Context, seq int64) (pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq < 1 || seq > int64(len(j.entries)) {
		return pos.Entry{}, pos.Errorf(pos.ENotFound, "no entry %d", seq)
	}
	return j.entries[seq-1], nil
}

// EntriesReferringTo finds voids and returns whose record names saleID in
// refers_to, as the store's query does.
func (j *fakeJournal) EntriesReferringTo(_ context.Context, saleID string) ([]pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if e.Kind != pos.EntryVoid && e.Kind != pos.EntryReturn {
			continue
		}
		var ref struct {
			RefersTo string `json:"refers_to"`
		}
		if json.Unmarshal(e.Payload, &ref) == nil && ref.RefersTo == saleID {
			out = append(out, e)
		}
	}
	return out, nil
}

func (j *fakeJournal) EntriesOfKind(_ context.Context, afterSeq int64, kinds ...pos.EntryKind) ([]pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if e.Seq > afterSeq && slices.Contains(kinds, e.Kind) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (j *fakeJournal) LastOfKind(_ context.Context, kinds ...pos.EntryKind) (pos.Entry, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.entries) - 1; i >= 0; i-- {
		if slices.Contains(kinds, j.entries[i].Kind) {
			return j.entries[i], true, nil
		}
	}
	return pos.Entry{}, false, nil
}

func (j *fakeJournal) Entries(_ context.Context, afterSeq int64, limit int) ([]pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if e.Seq > afterSeq && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

type fakePrinter struct {
	mu      sync.Mutex
	docs    []pos.Doc
	fail    error
	printed chan pos.Doc
}

func newFakePrinter() *fakePrinter { return &fakePrinter{printed: make(chan pos.Doc, 16)} }

func (p *fakePrinter) Print(_ context.Context, d pos.Doc) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.docs = append(p.docs, d)
	p.printed <- d
	return nil
}

func (p *fakePrinter) setFail(err error) {
	p.mu.Lock()
	p.fail = err
	p.mu.Unlock()
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var errDiskFull = errors.New("disk I/O error: database or disk is full")

func (j *fakeJournal) AppendPrinted(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build BuildPayload, job BuildPrintJob) (pos.Entry, error) {
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
	return FoldClockedIn(es)
}

func (j *fakeJournal) ShiftTotals(ctx context.Context) (ShiftTotals, bool, error) {
	es, err := j.Entries(ctx, 0, math.MaxInt)
	if err != nil {
		return ShiftTotals{}, false, err
	}
	return FoldShiftTotals(es)
}
