package devices

import (
	"context"
	"io"
	"log/slog"
	"sync"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register/registertest"
)

// oneProduct is a catalog with one product.
type oneProduct struct{}

var milk = pos.Product{ID: "milk", Name: "Vollmilch 1 L", Price: 119, TaxRateID: "red", Barcodes: []string{"4000417025005"}}

func (oneProduct) ProductByBarcode(_ context.Context, code string) (pos.Product, error) {
	if code != milk.Barcodes[0] {
		return pos.Product{}, pos.Errorf(pos.ENotFound, "no product %s", code)
	}
	return milk, nil
}
func (oneProduct) Product(context.Context, string) (pos.Product, error) { return milk, nil }
func (oneProduct) TaxRate(context.Context, string) (pos.TaxRate, error) {
	return pos.TaxRate{ID: "red", BasisPoints: 700}, nil
}
func (oneProduct) Categories(context.Context) ([]pos.Category, error)       { return nil, nil }
func (oneProduct) QuickKeys(context.Context, string) ([]pos.Product, error) { return nil, nil }
func (oneProduct) SearchProducts(context.Context, string, int) ([]pos.Product, error) {
	return nil, nil
}

// memJournal is the register ports' shared in-memory journal.
type memJournal = registertest.MemJournal

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// events collects manager events.
type events struct {
	mu  sync.Mutex
	evs []Event
}

func (e *events) add(ev Event) { e.mu.Lock(); e.evs = append(e.evs, ev); e.mu.Unlock() }

func (e *events) messages() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.evs {
		out = append(out, ev.Device+": "+ev.Message())
	}
	return out
}

func (e *events) has(msg string) bool {
	for _, m := range e.messages() {
		if m == msg {
			return true
		}
	}
	return false
}
