package ui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// fakeCustomers is an in-memory customer directory.
type fakeCustomers struct {
	mu sync.Mutex
	m  map[string]pos.Customer
}

func newFakeCustomers() *fakeCustomers { return &fakeCustomers{m: map[string]pos.Customer{}} }

func (f *fakeCustomers) SaveCustomer(_ context.Context, c pos.Customer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[c.ID] = c
	return nil
}

func (f *fakeCustomers) Customer(_ context.Context, id string) (pos.Customer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.m[id]
	if !ok {
		return pos.Customer{}, pos.Errorf(pos.ENotFound, "no such customer")
	}
	return c, nil
}

func (f *fakeCustomers) FindCustomers(_ context.Context, key string) ([]pos.Customer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []pos.Customer
	for _, c := range f.m {
		if c.Phone == key || c.Email == key || c.Card == key {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeCustomers) InactiveCustomers(_ context.Context, before time.Time) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for id, c := range f.m {
		if c.LastSeen.Before(before) {
			out = append(out, id)
		}
	}
	return out, nil
}

func (f *fakeCustomers) EraseCustomer(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, id)
	return nil
}

// TestAttachCustomerFindOrAdd: a customer not in the directory is added from
// the customer dialog; the next sale finds them by phone in two taps
// (Customer, OK) and by a scanned card; the journal carries only the id.
func TestAttachCustomerFindOrAdd(t *testing.T) {
	dir := newFakeCustomers()
	known := pos.Customer{ID: "5eed", Name: "Jana Novak", Phone: "01701234", Card: "TILLC77", Purposes: []string{pos.PurposeLoyalty}}
	dir.m[known.ID] = known
	h := newStaffHarness(t, register.Deps{Staff: newFakeStaff(), Parked: &fakeParked{}, Customers: dir})
	h.reg.SetEmployee(register.Employee{ID: "e-anna", Name: "Anna", Role: register.RoleCashier})

	sell := func(entry string) pos.SaleRecord {
		t.Helper()
		h.scanProduct("milch")
		taps := h.taps
		h.tap(h.u.sale.more)
		h.tap(h.menuTile(lang.L("Customer")))
		typing := h.taps
		h.typeText(h.u.selling().text.kb, entry)
		typing = h.taps - typing
		h.tap(h.u.selling().text.ok)
		if n := h.taps - taps - typing; n != 3 {
			t.Errorf("attaching took %d taps (More, Customer, OK)", n)
		}
		h.tap(h.u.sale.pay)
		h.tap(h.u.cash.exact)
		return h.journal.record(t, pos.EntrySale)
	}
	if rec := sell("0170 1234"); rec.CustomerID != known.ID {
		t.Fatalf("found by phone: customer id %q", rec.CustomerID)
	}
	h.scanProduct("milch")
	h.u.onScan("TILLC77") // the customer's card, scanned: no tap at all
	if s, _ := h.reg.Sale(); s.CustomerID != known.ID || !strings.Contains(h.u.sale.items.Text, "Jana Novak") {
		t.Fatalf("found by card: customer id %q, total line %q", s.CustomerID, h.u.sale.items.Text)
	}
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	rec := sell("max roth, max@example.org")
	added, err := dir.Customer(context.Background(), rec.CustomerID)
	if err != nil || added.Email != "max@example.org" || !added.Has(pos.PurposeReceipt) || added.Consent.Where == "" {
		t.Fatalf("added customer %+v, %v", added, err)
	}
	h.journal.mu.Lock()
	defer h.journal.mu.Unlock()
	for _, e := range h.journal.entries {
		for _, pii := range []string{"Jana", "1701234", "TILLC77", "max roth", "max@example.org"} {
			if bytes.Contains(e.Payload, []byte(pii)) {
				t.Fatalf("journal entry %d holds %q: %s", e.Seq, pii, e.Payload)
			}
		}
	}
	if !strings.Contains(string(h.journal.entries[len(h.journal.entries)-1].Payload), `"customer_id":"`+rec.CustomerID+`"`) {
		t.Fatal("the sale record does not name the customer's id")
	}
}
