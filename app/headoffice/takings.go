package headoffice

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// StoreTakings is one store's day in one currency, with the figures of the
// register's Z report (app/register.ShiftReport) summed over its shifts.
type StoreTakings struct {
	StoreID  string `json:"store_id"`
	Currency string `json:"currency"`

	Sales   int64 `json:"sales"`
	Returns int64 `json:"returns"`
	Voids   int64 `json:"voids"`
	Gross   int64 `json:"gross"`
	Net     int64 `json:"net"`
	Tax     int64 `json:"tax"`

	ByTender []TenderTakings `json:"by_tender"` // by tender kind

	Float     int64 `json:"float"`
	CashSales int64 `json:"cash_sales"` // cash tenders less change, returns and voids negative
	Drops     int64 `json:"drops"`
	Payouts   int64 `json:"payouts"`
	NoSales   int64 `json:"no_sales"`
}

// TenderTakings is what one tender kind took: how many tenders, how much.
type TenderTakings struct {
	Tender string `json:"tender"`
	Count  int64  `json:"count"`
	Amount int64  `json:"amount"`
}

// Takings sums the money facts of the local day that begins at day's date
// in the head office's location, per store and currency.
func (h *HeadOffice) Takings(ctx context.Context, day time.Time) ([]StoreTakings, error) {
	day = day.In(h.d.Location)
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.d.Location)
	money, err := h.d.Money.MoneyByHour(ctx, from, from.AddDate(0, 0, 1), h.d.Location)
	if err != nil {
		return nil, err
	}
	type key struct{ store, currency string }
	sums := map[key]*StoreTakings{}
	tenders := map[key]map[string]*TenderTakings{}
	for _, m := range money {
		k := key{m.StoreID, m.Currency}
		t := sums[k]
		if t == nil {
			t = &StoreTakings{StoreID: m.StoreID, Currency: m.Currency}
			sums[k], tenders[k] = t, map[string]*TenderTakings{}
		}
		switch m.Kind {
		case FactSale, FactReturn, FactVoid:
			if m.Tender == "" {
				switch m.Kind {
				case FactSale:
					t.Sales += m.Count
				case FactReturn:
					t.Returns += m.Count
				default:
					t.Voids += m.Count
				}
				t.Gross += m.Amount
				t.Net += m.Net
				t.Tax += m.Tax
				continue
			}
			tt := tenders[k][m.Tender]
			if tt == nil {
				tt = &TenderTakings{Tender: m.Tender}
				tenders[k][m.Tender] = tt
			}
			tt.Count += m.Count
			tt.Amount += m.Amount
			if m.Tender == "cash" {
				t.CashSales += m.Amount
			}
		case FactFloat:
			t.Float += m.Amount
		case FactDrop:
			t.Drops += m.Amount
		case FactPayout:
			t.Payouts += m.Amount
		case FactNoSale:
			t.NoSales += m.Count
		}
	}
	out := make([]StoreTakings, 0, len(sums))
	for k, t := range sums {
		for _, tt := range tenders[k] {
			t.ByTender = append(t.ByTender, *tt)
		}
		slices.SortFunc(t.ByTender, func(a, b TenderTakings) int { return cmp.Compare(a.Tender, b.Tender) })
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b StoreTakings) int {
		return cmp.Or(cmp.Compare(a.StoreID, b.StoreID), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}
