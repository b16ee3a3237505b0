// Package hqstoretest is the conformance suite every hqstore.Store backend
// must pass, and a builder of sealed journal chains for tests and
// benchmarks that need realistic entries.
package hqstoretest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Epoch is the creation time of the first entry a Chain makes.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Chain makes the sealed journal of one register, one entry after another,
// exactly as a register would (pos.Entry.Seal).
type Chain struct {
	RegisterID string
	StoreID    string
	Currency   string
	// IDPrefix starts every entry id; default RegisterID. Two chains with
	// one prefix make the same ids, as a squatting register would.
	IDPrefix string
	// NoStock makes sales whose lines name no product, so they move no
	// stock: the baseline of the stock projection's cost.
	NoStock bool
	seq     int64
	last    string
	at      time.Time
}

// NewChain starts a register's journal at the genesis.
func NewChain(registerID string) *Chain {
	return &Chain{RegisterID: registerID, StoreID: "S1", Currency: "EUR", last: pos.GenesisHash, at: Epoch}
}

// Last is the seq and hash of the last entry made.
func (c *Chain) Last() (int64, string) { return c.seq, c.last }

// Sales makes the next n entries, all completed sales; the k-th sale of the
// chain (seq k) has a gross total of 100*k minor units.
func (c *Chain) Sales(n int) []pos.Entry {
	out := make([]pos.Entry, 0, n)
	for range n {
		seq := c.seq + 1
		p := SalePayload(c.RegisterID, c.StoreID, c.Currency, seq, c.at.Add(time.Minute))
		if c.NoStock {
			p = withoutProducts(p)
		}
		out = append(out, c.Next(pos.EntrySale, p))
	}
	return out
}

// SetClock makes the next entry's creation time t (then a minute per
// entry again), for journals that span days.
func (c *Chain) SetClock(t time.Time) { c.at = t.Add(-time.Minute) }

// Next makes the next entry with the given kind and payload.
func (c *Chain) Next(kind pos.EntryKind, payload []byte) pos.Entry {
	c.seq++
	c.at = c.at.Add(time.Minute)
	e := pos.Entry{
		Seq:        c.seq,
		ID:         fmt.Sprintf("%s-%08d", cmp.Or(c.IDPrefix, c.RegisterID), c.seq), // unique and sortable; real ids are UUIDv7
		RegisterID: c.RegisterID,
		Kind:       kind,
		CreatedAt:  c.at,
		Payload:    payload,
	}
	e.Seal(c.last)
	c.last = e.Hash
	return e
}

// SalePayload is the JSON of a three-line cash sale numbered seq with a
// gross total of 100*seq.
func SalePayload(registerID, storeID, currency string, seq int64, completed time.Time) []byte {
	gross := 100 * seq
	r := pos.SaleRecord{
		SaleID:     fmt.Sprintf("%s-sale-%d", registerID, seq),
		ReceiptNo:  fmt.Sprintf("%s-%06d", registerID, seq),
		RegisterID: registerID,
		StoreID:    storeID,
		CashierID:  "E7",
		Cashier:    "Ada",
		Currency:   currency,
		TaxMode:    pos.TaxInclusive,
		StartedAt:  completed.Add(-90 * time.Second),
		Completed:  completed,
		Lines: []pos.RecordLine{
			{Line: pos.Line{ProductID: "P1", Name: "Bread", UnitPrice: 250, Qty: 1000, TaxRateID: "reduced", TaxBP: 700}, Amount: 250, Net: 234, Tax: 16, Gross: 250},
			{Line: pos.Line{ProductID: "P2", Name: "Coffee beans 500g", UnitPrice: 899, Qty: 1000, TaxRateID: "reduced", TaxBP: 700}, Amount: 899, Net: 840, Tax: 59, Gross: 899},
			{Line: pos.Line{ProductID: "P3", Name: "Apples", UnitPrice: 299, Qty: 1250, Weighed: true, TaxRateID: "reduced", TaxBP: 700}, Amount: 374, Net: 350, Tax: 24, Gross: 374},
		},
		Tenders: []pos.Tender{{Kind: pos.TenderCash, Amount: gross}},
		Totals:  pos.Totals{Net: gross * 100 / 107, Tax: gross - gross*100/107, Gross: gross, Paid: gross, Items: 3000},
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a SaleRecord always marshals
	}
	return b
}

// withoutProducts is a sale payload with its lines' product ids removed.
func withoutProducts(p []byte) []byte {
	var r pos.SaleRecord
	if err := json.Unmarshal(p, &r); err != nil {
		panic(err) // SalePayload's own output
	}
	for i := range r.Lines {
		r.Lines[i].ProductID = ""
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}
