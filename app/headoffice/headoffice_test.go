package headoffice_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/headoffice/books"
)

// fakeStore is every port as plain data, in the style of benbjohnson/wtf's
// mocks: the use cases are checked without a database.
type fakeStore struct {
	stores   []headoffice.StoreInfo
	accounts []headoffice.RegisterAccount
	added    []headoffice.PendingCode
	sums     []headoffice.RegisterSummary
	money    []headoffice.MoneyTotal
	health   []headoffice.RegisterHealth
	moneyArg [2]time.Time

	snapshot    headoffice.CatalogSnapshot
	totals      map[string][]headoffice.FactTotal // by period start "/" dimension
	events      []headoffice.EventFact
	factQueries []headoffice.FactQuery
	booked      map[string]map[string][]books.Posting
}

func (f *fakeStore) AddStore(_ context.Context, s headoffice.StoreInfo) error {
	f.stores = append(f.stores, s)
	return nil
}
func (f *fakeStore) Stores(context.Context) ([]headoffice.StoreInfo, error) { return f.stores, nil }
func (f *fakeStore) AddRegister(_ context.Context, r headoffice.RegisterAccount, c headoffice.PendingCode) error {
	f.accounts, f.added = append(f.accounts, r), append(f.added, c)
	return nil
}
func (f *fakeStore) RegisterAccounts(context.Context) ([]headoffice.RegisterAccount, error) {
	return f.accounts, nil
}
func (f *fakeStore) RevokeRegister(_ context.Context, id string, at time.Time) error {
	for i := range f.accounts {
		if f.accounts[i].ID == id {
			f.accounts[i].RevokedAt = at
			return nil
		}
	}
	return headoffice.ErrNotFound
}
func (f *fakeStore) Sales(context.Context, headoffice.SalesFilter) ([]headoffice.Sale, error) {
	return nil, nil
}
func (f *fakeStore) SalesByHour(context.Context, time.Time, time.Time, *time.Location) ([]headoffice.HourlySales, error) {
	return nil, nil
}
func (f *fakeStore) Registers(context.Context, time.Time) ([]headoffice.RegisterSummary, error) {
	return f.sums, nil
}
func (f *fakeStore) RegisterHealth(context.Context) ([]headoffice.RegisterHealth, error) {
	return f.health, nil
}
func (f *fakeStore) ApplyCatalog(context.Context, headoffice.CatalogBatch) (int64, error) {
	return 1, nil
}
func (f *fakeStore) CatalogSnapshot(context.Context, string) (headoffice.CatalogSnapshot, error) {
	return f.snapshot, nil
}
func (f *fakeStore) ImportCatalog(context.Context, io.Reader) (int64, error)    { return 1, nil }
func (f *fakeStore) SetEmployee(context.Context, string, []byte) (int64, error) { return 1, nil }
func (f *fakeStore) MoneyByHour(_ context.Context, from, to time.Time, _ *time.Location) ([]headoffice.MoneyTotal, error) {
	f.moneyArg = [2]time.Time{from, to}
	return f.money, nil
}

type fakeTraffic map[string]time.Time

func (fakeTraffic) IngestSuccessRatio() float64 { return 0.5 }
func (t fakeTraffic) RegisterTraffic(id string) (time.Time, float64, float64) {
	return t[id], 3, 1
}

func newHeadOffice(t *testing.T, f *fakeStore, now time.Time, tr headoffice.Traffic) *headoffice.HeadOffice {
	t.Helper()
	ho, err := headoffice.New(headoffice.Deps{Registry: f, Sales: f, Health: f, Catalog: f, CatalogFiles: f, Money: f, Facts: f, Ledger: f,
		Traffic: tr, Now: func() time.Time { return now }, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return ho
}

func TestDashboardCountsEveryEntryThatMovesMoney(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 12, 17, 0, 0, 0, time.UTC)
	f := &fakeStore{
		stores:   []headoffice.StoreInfo{{ID: "S1", Name: "Berlin"}},
		accounts: []headoffice.RegisterAccount{{ID: "R1", StoreID: "S1", Name: "Till 1", EnrolledAt: now}},
		sums:     []headoffice.RegisterSummary{{RegisterID: "R1", LastSeq: 9}, {RegisterID: "R9", LastSeq: 2}},
		money: []headoffice.MoneyTotal{
			{StoreID: "S1", RegisterID: "R1", Hour: 11, Kind: headoffice.FactSale, Currency: "EUR", Count: 2, Amount: 300},
			{StoreID: "S1", RegisterID: "R1", Hour: 11, Kind: headoffice.FactSale, Tender: "cash", Currency: "EUR", Count: 2, Amount: 300},
			{StoreID: "S1", RegisterID: "R1", Hour: 12, Kind: headoffice.FactVoid, Currency: "EUR", Count: 1, Amount: -100},
			{StoreID: "S1", RegisterID: "R1", Hour: 12, Kind: headoffice.FactReturn, Currency: "EUR", Count: 1, Amount: -200},
			{StoreID: "S1", RegisterID: "R1", Hour: 12, Kind: headoffice.FactDrop, Tender: "cash", Currency: "EUR", Count: 1, Amount: 5000},
			{StoreID: "S2", RegisterID: "R9", Hour: 13, Kind: headoffice.FactSale, Currency: "EUR", Count: 1, Amount: 450},
		},
	}
	d, err := newHeadOffice(t, f, now, fakeTraffic{"R1": now.Add(-time.Minute), "R9": now.Add(-time.Hour)}).Dashboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f.moneyArg[0] != time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC) || f.moneyArg[1].Sub(f.moneyArg[0]) != 24*time.Hour {
		t.Errorf("asked for money in %v, want today", f.moneyArg)
	}
	if d.Sales != 3 || d.Returns != 1 || d.Voids != 1 || len(d.Takings) != 1 || d.Takings[0].Minor != 450 || d.SuccessRatio != 0.5 {
		t.Errorf("totals: %d sales, %d returns, %d voids, takings %v, ratio %v; want 3, 1, 1, EUR 450 (drops are no takings), 0.5",
			d.Sales, d.Returns, d.Voids, d.Takings, d.SuccessRatio)
	}
	if len(d.Stores) != 2 || d.Stores[0].Name != "Berlin" || d.Stores[0].Takings[0].Minor != 0 || d.Stores[0].ByHour[11] != 2 ||
		d.Stores[1].ID != "S2" || d.Stores[1].Name != "S2" {
		t.Errorf("stores %+v", d.Stores)
	}
	if len(d.Registers) != 2 {
		t.Fatalf("registers %+v", d.Registers)
	}
	r1, r9 := d.Registers[0], d.Registers[1]
	if !r1.Online || r1.StoreName != "Berlin" || r1.SalesToday != 2 || r1.TakingsToday[0].Minor != 0 || !r1.Enrolled {
		t.Errorf("R1 %+v", r1)
	}
	if r9.Online || r9.StoreID != "S2" || r9.SalesToday != 1 || r9.Accepted != 3 || r9.Rejected != 1 {
		t.Errorf("R9 (not in the registry, store from its facts) %+v", r9)
	}
}

func TestAddRegisterKeepsOnlyTheCodesHash(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 12, 17, 0, 0, 0, time.UTC)
	f := &fakeStore{accounts: []headoffice.RegisterAccount{{ID: "S1-R01", StoreID: "S1"}}}
	ho := newHeadOffice(t, f, now, nil)
	acct, code, err := ho.AddRegister(context.Background(), headoffice.RegisterAccount{StoreID: "S1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if acct.ID != "S1-R02" || acct.Name != "S1-R02" {
		t.Errorf("next free id: %+v", acct)
	}
	got := f.added[0]
	if got.Hash != headoffice.EnrollmentCodeHash(code) || strings.Contains(got.Hash, code) || got.Hint != code[:4] ||
		!got.ExpiresAt.Equal(now.Add(headoffice.DefaultCodeTTL)) {
		t.Errorf("stored %+v for code %s", got, code)
	}
	if headoffice.EnrollmentCodeHash(strings.ToLower(strings.ReplaceAll(code, "-", " "))) != got.Hash {
		t.Error("a code typed in lower case with spaces is not the same code")
	}
	if _, _, err := ho.AddRegister(context.Background(), headoffice.RegisterAccount{ID: "../x", StoreID: "S1"}, 0); err == nil {
		t.Error("an id with a slash was accepted")
	}
	st, err := ho.Status(context.Background())
	if err != nil || len(st.Pending) != 1 || st.Pending[0].ID != "S1-R02" {
		t.Errorf("status pending %+v %v, want the new register (the other has no valid code)", st.Pending, err)
	}
}
