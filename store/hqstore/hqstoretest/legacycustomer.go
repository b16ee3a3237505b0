package hqstoretest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
)

// testLegacyCustomer: sale records written before customers left the
// journal carry a "customer" object (name, phone, e-mail). The head office
// still stores them (their bytes are hashed into the chain, docs/PRIVACY.md)
// but projects nothing of the customer: no sale, money fact or rebuilt
// projection holds it. A new record with only a customer_id is stored too.
func testLegacyCustomer(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	c := NewChain("R1")
	var rec map[string]any
	if err := json.Unmarshal(SalePayload(c.RegisterID, c.StoreID, c.Currency, 1, c.at.Add(time.Minute)), &rec); err != nil {
		t.Fatal(err)
	}
	rec["customer"] = map[string]any{"name": "Frau Berg", "phone": "0171999", "email": "berg@example.org"}
	old, err := json.Marshal(rec) // a map marshals with sorted keys: canonical, as a register wrote it
	if err != nil {
		t.Fatal(err)
	}
	var nr pos.SaleRecord
	if err := json.Unmarshal(SalePayload(c.RegisterID, c.StoreID, c.Currency, 2, c.at.Add(2*time.Minute)), &nr); err != nil {
		t.Fatal(err)
	}
	nr.CustomerID = "9f1c2e0a4b7d4c3e8a6b5d4c3b2a1908"
	newer, err := json.Marshal(nr)
	if err != nil {
		t.Fatal(err)
	}
	res, acked, err := st.IngestBatch(ctx, "R1", []pos.Entry{c.Next(pos.EntrySale, old), c.Next(pos.EntrySale, newer)})
	if err != nil || acked != 2 {
		t.Fatalf("ingest: %+v acked %d, %v", res, acked, err)
	}
	if _, err := st.RebuildMoneyFacts(ctx); err != nil {
		t.Fatal(err)
	}
	sales, err := st.Sales(ctx, hqstore.SalesFilter{RegisterID: "R1"})
	if err != nil || len(sales) != 2 {
		t.Fatalf("sales: %+v, %v", sales, err)
	}
	facts, err := st.MoneyFacts(ctx, "R1")
	if err != nil || len(facts) == 0 {
		t.Fatalf("money facts: %+v, %v", facts, err)
	}
	projected, err := json.Marshal([]any{sales, facts})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Berg", "0171999", "berg@example.org"} {
		if strings.Contains(string(projected), s) {
			t.Errorf("a projection holds %q: %s", s, projected)
		}
	}
}
