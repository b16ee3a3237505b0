package headoffice

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tillpos/till/app/pos"
)

// MaxReportDays bounds a report's period: a year and a bit, so a
// comparison with the previous period stays within two years of facts.
const MaxReportDays = 400

// Period is [From, To): whole local days in the head office's location.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Days is the period's length in local days.
func (p Period) Days() int {
	return int(p.To.Sub(p.From).Round(24*time.Hour) / (24 * time.Hour))
}

// Previous is the period of the same number of days just before p.
func (p Period) Previous() Period {
	n := p.Days()
	return Period{From: p.From.AddDate(0, 0, -n), To: p.From}
}

// Period reads "from" and "to" as dates (2006-01-02, to inclusive) in the
// head office's location; empty means today. A bad date or a period
// longer than MaxReportDays is a *pos.Error the owner can read.
func (h *HeadOffice) Period(from, to string) (Period, error) {
	_, today := h.today()
	day := func(s, what string) (time.Time, error) {
		if s == "" {
			return today, nil
		}
		if len(s) != len(time.DateOnly) {
			return time.Time{}, pos.Errorf(pos.EInvalid, "The %s date must look like 2026-03-01.", what)
		}
		t, err := time.ParseInLocation(time.DateOnly, s, h.d.Location)
		if err != nil {
			return time.Time{}, pos.Errorf(pos.EInvalid, "The %s date must look like 2026-03-01.", what)
		}
		return t, nil
	}
	f, err := day(from, "from")
	if err != nil {
		return Period{}, err
	}
	t, err := day(to, "to")
	if err != nil {
		return Period{}, err
	}
	if t.Before(f) {
		return Period{}, pos.Errorf(pos.EInvalid, "The period ends before it begins.")
	}
	p := Period{From: f, To: t.AddDate(0, 0, 1)}
	if p.Days() > MaxReportDays {
		return Period{}, pos.Errorf(pos.EInvalid, "A report covers at most %d days.", MaxReportDays)
	}
	return p, nil
}

// ReportRow is one group of a sales report with the same group's figures
// in the previous period. Money is in minor units of Currency, signed.
type ReportRow struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Currency  string `json:"currency"`
	Count     int64  `json:"count"` // lines, or tenders by tender
	Qty       int64  `json:"qty"`   // thousandths
	Net       int64  `json:"net"`
	Tax       int64  `json:"tax"`
	Gross     int64  `json:"gross"`
	Discount  int64  `json:"discount"`
	PrevGross int64  `json:"prev_gross"`
	PrevNet   int64  `json:"prev_net"`
	PrevQty   int64  `json:"prev_qty"`
}

// SalesReport is sales of a period grouped one way, compared with the
// period before.
type SalesReport struct {
	By       Dimension   `json:"by"`
	StoreID  string      `json:"store_id,omitempty"`
	Period   Period      `json:"period"`
	Previous Period      `json:"previous"`
	Rows     []ReportRow `json:"rows"`
	Totals   []ReportRow `json:"totals"` // one per currency
}

// names are the labels of catalog and registry ids.
type names struct {
	products, categories, employees, stores map[string]string
	productCategory                         map[string]string
	productIDs                              []string
}

func (h *HeadOffice) names(ctx context.Context) (names, error) {
	n := names{products: map[string]string{}, categories: map[string]string{}, employees: map[string]string{},
		stores: map[string]string{}, productCategory: map[string]string{}}
	snap, err := h.d.Catalog.CatalogSnapshot(ctx, "")
	if err != nil {
		return n, err
	}
	for _, r := range snap.Records {
		var rec struct {
			Name     string `json:"name"`
			Category string `json:"category"`
		}
		if json.Unmarshal(r.Data, &rec) != nil {
			continue
		}
		switch r.Kind {
		case "product":
			n.products[r.ID], n.productCategory[r.ID] = rec.Name, rec.Category
			n.productIDs = append(n.productIDs, r.ID)
		case "category":
			n.categories[r.ID] = rec.Name
		case "employee":
			n.employees[r.ID] = rec.Name
		}
	}
	stores, err := h.d.Registry.Stores(ctx)
	if err != nil {
		return n, err
	}
	for _, s := range stores {
		n.stores[s.ID] = s.Name
	}
	return n, nil
}

// label names a key of dimension by for people.
func (n names) label(by Dimension, key string) string {
	var m map[string]string
	switch by {
	case ByProduct:
		m = n.products
	case ByCategory:
		if key == "" {
			return "(no category)"
		}
		m = n.categories
	case ByEmployee:
		m = n.employees
	case ByStore:
		m = n.stores
	case ByTaxRate:
		bp, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return key
		}
		return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + " %"
	case ByHour:
		return key + ":00"
	}
	if v := m[key]; v != "" {
		return v
	}
	return key
}

// totals groups the facts of p as by asks (ByCategory through the
// catalog's products).
func (h *HeadOffice) totals(ctx context.Context, n names, p Period, storeID string, by Dimension, kind FactKind) ([]FactTotal, error) {
	ask := by
	if by == ByCategory {
		ask = ByProduct
	}
	ts, err := h.d.Facts.FactTotals(ctx, FactQuery{From: p.From, To: p.To, StoreID: storeID, By: ask, Kind: kind, Loc: h.d.Location})
	if err != nil || by != ByCategory {
		return ts, err
	}
	type key struct{ cat, cur string }
	sums := map[key]*FactTotal{}
	for _, t := range ts {
		k := key{n.productCategory[t.Key], t.Currency}
		s := sums[k]
		if s == nil {
			s = &FactTotal{Key: k.cat, Currency: k.cur}
			sums[k] = s
		}
		s.Count, s.Qty, s.Net, s.Tax, s.Gross, s.Discount = s.Count+t.Count, s.Qty+t.Qty, s.Net+t.Net, s.Tax+t.Tax,
			s.Gross+t.Gross, s.Discount+t.Discount
	}
	out := make([]FactTotal, 0, len(sums))
	for _, s := range sums {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b FactTotal) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// validDimension is a *pos.Error for an unknown by.
func validDimension(by Dimension) error {
	if !slices.Contains(Dimensions, by) {
		return pos.Errorf(pos.EInvalid, "Reports group by one of %v.", Dimensions)
	}
	return nil
}

// SalesReport groups the sales, returns and voids of p (of storeID, ""
// for all) by by, with the previous period beside each group. Every
// figure is net of returns and voids, as the Z report counts them.
func (h *HeadOffice) SalesReport(ctx context.Context, p Period, storeID string, by Dimension) (SalesReport, error) {
	if err := validDimension(by); err != nil {
		return SalesReport{}, err
	}
	n, err := h.names(ctx)
	if err != nil {
		return SalesReport{}, err
	}
	rep := SalesReport{By: by, StoreID: storeID, Period: p, Previous: p.Previous()}
	now, err := h.totals(ctx, n, p, storeID, by, "")
	if err != nil {
		return SalesReport{}, err
	}
	prev, err := h.totals(ctx, n, rep.Previous, storeID, by, "")
	if err != nil {
		return SalesReport{}, err
	}
	type key struct{ key, cur string }
	rows := map[key]*ReportRow{}
	row := func(k key) *ReportRow {
		r := rows[k]
		if r == nil {
			r = &ReportRow{Key: k.key, Label: n.label(by, k.key), Currency: k.cur}
			rows[k] = r
		}
		return r
	}
	for _, t := range now {
		r := row(key{t.Key, t.Currency})
		r.Count, r.Qty, r.Net, r.Tax, r.Gross, r.Discount = t.Count, t.Qty, t.Net, t.Tax, t.Gross, t.Discount
	}
	for _, t := range prev {
		if by == ByDay { // other days: nothing to compare a day with
			continue
		}
		r := row(key{t.Key, t.Currency})
		r.PrevGross, r.PrevNet, r.PrevQty = t.Gross, t.Net, t.Qty
	}
	totals := map[string]*ReportRow{}
	for _, r := range rows {
		rep.Rows = append(rep.Rows, *r)
		tt := totals[r.Currency]
		if tt == nil {
			tt = &ReportRow{Key: "total", Label: "Total", Currency: r.Currency}
			totals[r.Currency] = tt
		}
		tt.Count, tt.Qty, tt.Net, tt.Tax, tt.Gross, tt.Discount = tt.Count+r.Count, tt.Qty+r.Qty, tt.Net+r.Net, tt.Tax+r.Tax,
			tt.Gross+r.Gross, tt.Discount+r.Discount
		tt.PrevGross, tt.PrevNet, tt.PrevQty = tt.PrevGross+r.PrevGross, tt.PrevNet+r.PrevNet, tt.PrevQty+r.PrevQty
	}
	if by == ByDay {
		for _, tt := range totals { // the whole previous period still compares
			for _, t := range prev {
				if t.Currency == tt.Currency {
					tt.PrevGross, tt.PrevNet, tt.PrevQty = tt.PrevGross+t.Gross, tt.PrevNet+t.Net, tt.PrevQty+t.Qty
				}
			}
		}
	}
	for _, tt := range totals {
		rep.Totals = append(rep.Totals, *tt)
	}
	sortRows(rep.Rows, by)
	slices.SortFunc(rep.Totals, func(a, b ReportRow) int { return cmp.Compare(a.Currency, b.Currency) })
	return rep, nil
}

// sortRows orders rows as people read them: time and tax rates in order,
// everything else biggest first.
func sortRows(rows []ReportRow, by Dimension) {
	slices.SortFunc(rows, func(a, b ReportRow) int {
		switch by {
		case ByDay, ByHour:
			return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Currency, b.Currency))
		case ByTaxRate:
			ai, _ := strconv.Atoi(a.Key)
			bi, _ := strconv.Atoi(b.Key)
			return cmp.Or(cmp.Compare(bi, ai), cmp.Compare(a.Currency, b.Currency))
		}
		return cmp.Or(cmp.Compare(b.Gross, a.Gross), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Currency, b.Currency))
	})
}

// StaffRow is one employee's period: what they rang up, the discounts
// they gave, the returns and voids they made, and the overrides they
// asked for and approved.
type StaffRow struct {
	EmployeeID string `json:"employee_id"`
	Name       string `json:"name"`
	Currency   string `json:"currency"`
	Gross      int64  `json:"gross"`
	Discount   int64  `json:"discount"`
	Returns    int64  `json:"returns"` // gross, negative
	Voids      int64  `json:"voids"`   // gross, negative
	Asked      int64  `json:"overrides_asked"`
	Approved   int64  `json:"overrides_approved"`
}

// StaffReport is discounts, returns, voids and overrides by employee.
func (h *HeadOffice) StaffReport(ctx context.Context, p Period, storeID string) ([]StaffRow, error) {
	n, err := h.names(ctx)
	if err != nil {
		return nil, err
	}
	rows := map[staffKey]*StaffRow{}
	row := func(id, cur string) *StaffRow {
		r := rows[staffKey{id, cur}]
		if r == nil {
			r = &StaffRow{EmployeeID: id, Name: n.label(ByEmployee, id), Currency: cur}
			rows[staffKey{id, cur}] = r
		}
		return r
	}
	for _, kind := range []FactKind{FactSale, FactReturn, FactVoid} {
		ts, err := h.totals(ctx, n, p, storeID, ByEmployee, kind)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			r := row(t.Key, t.Currency)
			switch kind {
			case FactSale:
				r.Gross += t.Gross
			case FactReturn:
				r.Returns += t.Gross
			case FactVoid:
				r.Voids += t.Gross
			}
			r.Discount += t.Discount
		}
	}
	ov, err := h.d.Facts.Events(ctx, FactQuery{From: p.From, To: p.To, StoreID: storeID}, EventOverride)
	if err != nil {
		return nil, err
	}
	for _, e := range ov {
		// Overrides move no money: they join the employee's first currency row, or one of their own.
		asker, approver := staffRowOf(rows, row, e.EmployeeID), staffRowOf(rows, row, e.ApproverID)
		asker.Asked++
		approver.Approved++
	}
	out := make([]StaffRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b StaffRow) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.EmployeeID, b.EmployeeID), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

type staffKey struct{ id, cur string }

// staffRowOf is id's row of the lowest currency, or a new one.
func staffRowOf(rows map[staffKey]*StaffRow, row func(id, cur string) *StaffRow, id string) *StaffRow {
	var best *StaffRow
	for k, r := range rows {
		if k.id == id && (best == nil || r.Currency < best.Currency) {
			best = r
		}
	}
	if best != nil {
		return best
	}
	return row(id, "")
}

// ShiftRow is a closed shift's cash: what the drawer should have held,
// what was counted, and the difference (+ over, - short).
type ShiftRow struct {
	StoreID    string    `json:"store_id"`
	RegisterID string    `json:"register_id"`
	ShiftID    string    `json:"shift_id"`
	ClosedBy   string    `json:"closed_by"`
	Closed     time.Time `json:"closed"`
	Currency   string    `json:"currency"`
	Gross      int64     `json:"gross"`
	Expected   int64     `json:"expected"`
	Counted    int64     `json:"counted"`
	OverShort  int64     `json:"over_short"`
}

// ShiftsReport lists the shifts closed in p with their cash over or short.
func (h *HeadOffice) ShiftsReport(ctx context.Context, p Period, storeID string) ([]ShiftRow, error) {
	n, err := h.names(ctx)
	if err != nil {
		return nil, err
	}
	ev, err := h.d.Facts.Events(ctx, FactQuery{From: p.From, To: p.To, StoreID: storeID}, EventShiftClose)
	if err != nil {
		return nil, err
	}
	out := make([]ShiftRow, 0, len(ev))
	for _, e := range ev {
		out = append(out, ShiftRow{StoreID: e.StoreID, RegisterID: e.RegisterID, ShiftID: e.ShiftID,
			ClosedBy: n.label(ByEmployee, e.EmployeeID), Closed: e.At.In(h.d.Location), Currency: e.Currency,
			Gross: e.Gross, Expected: e.Expected, Counted: e.Counted, OverShort: e.Amount})
	}
	return out, nil
}

// ProductsReport is the period's best and slowest sellers by quantity:
// the top n, and the n slowest of the catalog's products, including
// those that sold nothing.
type ProductsReport struct {
	Top  []ReportRow `json:"top"`
	Slow []ReportRow `json:"slow"`
}

// Products ranks the catalog's products over p by quantity sold.
func (h *HeadOffice) Products(ctx context.Context, p Period, storeID string, limit int) (ProductsReport, error) {
	if limit <= 0 || limit > 100 {
		return ProductsReport{}, pos.Errorf(pos.EInvalid, "Show between 1 and 100 products.")
	}
	rep, err := h.SalesReport(ctx, p, storeID, ByProduct)
	if err != nil {
		return ProductsReport{}, err
	}
	n, err := h.names(ctx)
	if err != nil {
		return ProductsReport{}, err
	}
	sold := map[string]bool{}
	rows := slices.Clone(rep.Rows)
	for _, r := range rows {
		sold[r.Key] = true
	}
	for _, id := range n.productIDs {
		if !sold[id] {
			rows = append(rows, ReportRow{Key: id, Label: n.label(ByProduct, id)})
		}
	}
	slices.SortFunc(rows, func(a, b ReportRow) int { return cmp.Or(cmp.Compare(b.Qty, a.Qty), cmp.Compare(a.Key, b.Key)) })
	top := rows[:min(limit, len(rows))]
	slow := slices.Clone(rows[max(0, len(rows)-limit):])
	slices.Reverse(slow)
	return ProductsReport{Top: top, Slow: slow}, nil
}

// String is for logs.
func (p Period) String() string {
	return fmt.Sprintf("%s..%s", p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly))
}
