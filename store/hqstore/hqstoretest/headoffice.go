package hqstoretest

import (
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
)

// HeadOffice wires app/headoffice's use cases over st as cmd/headoffice
// does, for tests of the layers above. now and traffic may be nil; days
// begin in UTC.
func HeadOffice(tb testing.TB, st hqstore.Store, now func() time.Time, traffic headoffice.Traffic) *headoffice.HeadOffice {
	tb.Helper()
	ho, err := headoffice.New(headoffice.Deps{Registry: st, Sales: st, Health: st, Catalog: st,
		Money: st, Stock: st, StockLedger: st, Facts: st, Ledger: st, Accounts: st, Audit: st, CatalogFiles: hqstore.CatalogFiles{Catalog: st}, Traffic: traffic, Now: now, Location: time.UTC})
	if err != nil {
		tb.Fatal(err)
	}
	return ho
}

// AddRegister adds register id of store with the head office's use case
// and returns its enrollment code.
func AddRegister(tb testing.TB, ho *headoffice.HeadOffice, id, store string, ttl time.Duration) string {
	tb.Helper()
	_, code, err := ho.AddRegister(tb.Context(), headoffice.RegisterAccount{ID: id, StoreID: store, Name: id}, ttl)
	if err != nil {
		tb.Fatal(err)
	}
	return code
}
