package headoffice

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// OnlineWithin is how recent a register's last request must be for the
// head office to call it online.
const OnlineWithin = 5 * time.Minute

// Dashboard is the owner's view of today: takings per store and hour, and
// every register's state. It holds figures, not words: app/backoffice
// chooses how to show them.
type Dashboard struct {
	Now          time.Time // in the head office's location
	Day          time.Time // start of today
	Sales        int64     // sales completed today, all stores
	Returns      int64     // returns (refunds) today
	Voids        int64     // sales voided today
	Takings      []Amount  // gross of sales, returns and voids per currency: what the Z reports add up to
	SuccessRatio float64   // accepted share of the entries pushed since start
	Stores       []StoreDay
	Registers    []RegisterDay
}

// StoreDay is one store's today, in store id order.
type StoreDay struct {
	ID, Name       string // Name is the id for a store known only from sales
	Sales          int64
	Returns, Voids int64
	Takings        []Amount
	ByHour         [24]int64 // sales per local clock hour
}

// RegisterDay is one register: enrolled ones and every one that pushed, in
// id order.
type RegisterDay struct {
	ID, Name  string
	StoreID   string // "" when neither the registry nor a sale says
	StoreName string
	Enrolled  bool
	Pushed    bool

	LastSeq      int64
	LastEntryAt  time.Time
	SalesToday   int64
	TakingsToday []Amount

	LastSeen           time.Time // zero: not since this process started
	Online             bool
	Accepted, Rejected float64         // entries pushed since start
	Health             *RegisterHealth // nil: never reported
}

// Dashboard gathers today's figures. Today's money comes aggregated by
// store, register and hour from the money facts, however many sales a chain
// makes, and counts every entry that moves money as the Z report does.
func (h *HeadOffice) Dashboard(ctx context.Context) (Dashboard, error) {
	now, today := h.today()
	d := Dashboard{Now: now, Day: today, SuccessRatio: h.d.Traffic.IngestSuccessRatio()}
	sums, err := h.d.Sales.Registers(ctx, today)
	if err != nil {
		return d, err
	}
	money, err := h.d.Money.MoneyByHour(ctx, today, today.AddDate(0, 0, 1), h.d.Location)
	if err != nil {
		return d, err
	}
	stores, err := h.d.Registry.Stores(ctx)
	if err != nil {
		return d, err
	}
	accounts, err := h.d.Registry.RegisterAccounts(ctx)
	if err != nil {
		return d, err
	}
	reports, err := h.d.Health.RegisterHealth(ctx)
	if err != nil {
		return d, err
	}

	// Stores: the registry's, plus any that only appear in sales.
	byStore := map[string]*StoreDay{}
	addStore := func(id, name string) *StoreDay {
		if st, ok := byStore[id]; ok {
			return st
		}
		if name == "" {
			name = id
		}
		byStore[id] = &StoreDay{ID: id, Name: name}
		return byStore[id]
	}
	for _, st := range stores {
		addStore(st.ID, st.Name)
	}
	gross := map[string]map[string]int64{} // store → currency → minor
	all := map[string]int64{}
	type regToday struct {
		store  string
		sales  int64
		amount map[string]int64
	}
	perReg := map[string]*regToday{}
	for _, m := range money {
		if m.Tender != "" { // tender rows split the same money; the record's own row counts it
			continue
		}
		st := addStore(m.StoreID, "")
		rt := perReg[m.RegisterID]
		if rt == nil {
			rt = &regToday{amount: map[string]int64{}}
			perReg[m.RegisterID] = rt
		}
		rt.store = m.StoreID
		switch m.Kind {
		case FactSale:
			st.Sales += m.Count
			st.ByHour[m.Hour] += m.Count
			d.Sales += m.Count
			rt.sales += m.Count
		case FactReturn:
			st.Returns += m.Count
			d.Returns += m.Count
		case FactVoid:
			st.Voids += m.Count
			d.Voids += m.Count
		default:
			continue // floats and cash moves are not takings
		}
		if gross[m.StoreID] == nil {
			gross[m.StoreID] = map[string]int64{}
		}
		gross[m.StoreID][m.Currency] += m.Amount
		all[m.Currency] += m.Amount
		rt.amount[m.Currency] += m.Amount
	}
	for _, st := range byStore {
		st.Takings = amounts(gross[st.ID])
		d.Stores = append(d.Stores, *st)
	}
	slices.SortFunc(d.Stores, func(a, b StoreDay) int { return cmp.Compare(a.ID, b.ID) })
	d.Takings = amounts(all)

	rows := map[string]*RegisterDay{}
	row := func(id string) *RegisterDay {
		if r, ok := rows[id]; ok {
			return r
		}
		rows[id] = &RegisterDay{ID: id}
		return rows[id]
	}
	for _, a := range accounts {
		r := row(a.ID)
		r.StoreID, r.Name, r.Enrolled = a.StoreID, a.Name, a.Enrolled()
	}
	for _, sm := range sums {
		r := row(sm.RegisterID)
		r.Pushed, r.LastSeq, r.LastEntryAt = true, sm.LastSeq, sm.LastEntryAt
		if rt := perReg[sm.RegisterID]; rt != nil {
			r.SalesToday, r.TakingsToday = rt.sales, amounts(rt.amount)
			if r.StoreID == "" {
				r.StoreID = rt.store
			}
		}
	}
	for _, hr := range reports {
		if r, ok := rows[hr.RegisterID]; ok {
			r.Health = &hr
		}
	}
	for _, r := range rows {
		if r.StoreID == "" && r.Pushed { // not in the registry: its store from a sale
			if one, err := h.d.Sales.Sales(ctx, SalesFilter{RegisterID: r.ID, Limit: 1}); err == nil && len(one) == 1 {
				r.StoreID = one[0].StoreID
			}
		}
		if r.StoreID != "" {
			r.StoreName = r.StoreID
			if st, ok := byStore[r.StoreID]; ok {
				r.StoreName = st.Name
			}
		}
		r.LastSeen, r.Accepted, r.Rejected = h.d.Traffic.RegisterTraffic(r.ID)
		r.Online = !r.LastSeen.IsZero() && now.Sub(r.LastSeen) <= OnlineWithin
		d.Registers = append(d.Registers, *r)
	}
	slices.SortFunc(d.Registers, func(a, b RegisterDay) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

// amounts lists a currency → minor map by currency code.
func amounts(m map[string]int64) []Amount {
	out := make([]Amount, 0, len(m))
	for cur, v := range m {
		out = append(out, Amount{Currency: cur, Minor: v})
	}
	slices.SortFunc(out, func(a, b Amount) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

// Status is the plain status page's content.
type Status struct {
	Now       time.Time
	Day       time.Time
	Registers []RegisterSummary // every register that pushed, with today's sales
	Pending   []RegisterAccount // registers waiting for enrollment with a valid code
}

// Status lists the registers that pushed and the enrollments still open.
func (h *HeadOffice) Status(ctx context.Context) (Status, error) {
	now, today := h.today()
	s := Status{Now: now, Day: today}
	var err error
	if s.Registers, err = h.d.Sales.Registers(ctx, today); err != nil {
		return s, err
	}
	// Today's count and takings as the dashboard has them: every entry
	// that moves money, not only sales.
	money, err := h.d.Money.MoneyByHour(ctx, today, today.AddDate(0, 0, 1), h.d.Location)
	if err != nil {
		return s, err
	}
	type sum struct {
		sales  int64
		amount map[string]int64
	}
	byReg := map[string]*sum{}
	for _, m := range money {
		if m.Tender != "" || (m.Kind != FactSale && m.Kind != FactReturn && m.Kind != FactVoid) {
			continue
		}
		if byReg[m.RegisterID] == nil {
			byReg[m.RegisterID] = &sum{amount: map[string]int64{}}
		}
		if m.Kind == FactSale {
			byReg[m.RegisterID].sales += m.Count
		}
		byReg[m.RegisterID].amount[m.Currency] += m.Amount
	}
	for i, rg := range s.Registers {
		s.Registers[i].SalesSince, s.Registers[i].GrossSince = 0, nil
		if b := byReg[rg.RegisterID]; b != nil {
			s.Registers[i].SalesSince, s.Registers[i].GrossSince = b.sales, amounts(b.amount)
		}
	}
	accounts, err := h.d.Registry.RegisterAccounts(ctx)
	if err != nil {
		return s, err
	}
	for _, a := range accounts {
		if !a.Enrolled() && a.Code.ExpiresAt.After(now) {
			s.Pending = append(s.Pending, a)
		}
	}
	return s, nil
}
