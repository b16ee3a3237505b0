package hqstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
)

// The projection's value types are app/headoffice's.
type (
	MoneyFact  = headoffice.MoneyFact
	MoneyTotal = headoffice.MoneyTotal
	LineFact   = headoffice.LineFact
	EventFact  = headoffice.EventFact
)

// Money is the projection of every entry that moves money. Store embeds it.
type Money interface {
	// MoneyByHour sums the facts dated in [from, to) per store, register,
	// local clock hour in loc, kind, tender and currency.
	MoneyByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]MoneyTotal, error)
	// MoneyFacts lists a register's facts by seq and part ("" for all
	// registers, by register first).
	MoneyFacts(ctx context.Context, registerID string) ([]MoneyFact, error)
	// LineFacts and EventFacts list a register's other facts the same way.
	LineFacts(ctx context.Context, registerID string) ([]LineFact, error)
	EventFacts(ctx context.Context, registerID string) ([]EventFact, error)
	// RebuildMoneyFacts drops the projection (money, line and event facts)
	// and makes it again from the stored entries, in one transaction; it
	// returns the rows written.
	RebuildMoneyFacts(ctx context.Context) (int, error)
}

// The parts of the register's records the projection reads. Their JSON
// names are pos.SaleRecord's and app/register's ShiftOpenRecord and
// CashMoveRecord's; the conformance suite checks them against the real
// types.
type (
	factSale struct {
		StoreID   string    `json:"store_id"`
		ShiftID   string    `json:"shift_id"`
		CashierID string    `json:"cashier_id"`
		Currency  string    `json:"currency"`
		Completed time.Time `json:"completed_at"`
		RefersTo  string    `json:"refers_to"`
		Lines     []struct {
			ProductID     string `json:"product_id"`
			Name          string `json:"name"`
			Qty           int64  `json:"qty"`
			TaxBP         int64  `json:"tax_bp"`
			Discount      int64  `json:"discount"`
			OrderDiscount int64  `json:"order_discount"`
			Net           int64  `json:"net"`
			Tax           int64  `json:"tax"`
			Gross         int64  `json:"gross"`
		} `json:"lines"`
		Tenders []struct {
			Kind   string `json:"kind"`
			Amount int64  `json:"amount"`
		} `json:"tenders"`
		Totals struct {
			Net    int64 `json:"net"`
			Tax    int64 `json:"tax"`
			Gross  int64 `json:"gross"`
			Change int64 `json:"change"`
		} `json:"totals"`
	}
	factShiftOpen struct {
		ShiftID  string    `json:"shift_id"`
		Currency string    `json:"currency"`
		Float    int64     `json:"float"`
		At       time.Time `json:"at"`
	}
	factShiftClose struct {
		ShiftID    string    `json:"shift_id"`
		Z          bool      `json:"z"`
		Currency   string    `json:"currency"`
		Closed     time.Time `json:"closed"`
		ClosedByID string    `json:"closed_by_id"`
		Gross      int64     `json:"gross"`
		Net        int64     `json:"net"`
		Tax        int64     `json:"tax"`
		Expected   int64     `json:"expected_cash"`
		Counted    int64     `json:"counted"`
		OverShort  int64     `json:"over_short"`
	}
	factClock struct {
		EmployeeID string    `json:"employee_id"`
		In         bool      `json:"in"`
		At         time.Time `json:"at"`
	}
	factOverride struct {
		Action     string `json:"action"`
		CashierID  string `json:"cashier_id"`
		ApproverID string `json:"approver_id"`
	}
	factCashMove struct {
		ShiftID string    `json:"shift_id"`
		Kind    string    `json:"kind"`
		Amount  int64     `json:"amount"`
		At      time.Time `json:"at"`
	}
)

// projector turns one register's entries, in seq order, into facts. Entries
// other than sales records say neither their store nor (cash moves) their
// currency, so it carries them forward: the store from the registry, else
// from the register's last fact; the currency from the open shift's float.
type projector struct {
	registerID   string
	accountStore string // the registry's store of the register, if enrolled
	lastStore    string
	lastCurrency string
	shiftID      string
	shiftCur     string
}

// startProjector loads the state the projection of registerID continues from.
func startProjector(ctx context.Context, tx catalogTx, registerID string) (*projector, error) {
	p := &projector{registerID: registerID}
	err := tx.QueryRow(ctx, `SELECT store_id FROM register_accounts WHERE register_id = ?`, registerID).Scan(&p.accountStore)
	if err != nil && err != errNoRow {
		return nil, fmt.Errorf("hqstore: money facts of %s: %w", registerID, err)
	}
	err = tx.QueryRow(ctx, `SELECT store_id, currency FROM money_facts WHERE register_id = ? ORDER BY seq DESC, part DESC LIMIT 1`,
		registerID).Scan(&p.lastStore, &p.lastCurrency)
	if err != nil && err != errNoRow {
		return nil, fmt.Errorf("hqstore: money facts of %s: %w", registerID, err)
	}
	err = tx.QueryRow(ctx, `SELECT shift_id, currency FROM money_facts WHERE register_id = ? AND kind = ? ORDER BY seq DESC LIMIT 1`,
		registerID, string(headoffice.FactFloat)).Scan(&p.shiftID, &p.shiftCur)
	if err != nil && err != errNoRow {
		return nil, fmt.Errorf("hqstore: money facts of %s: %w", registerID, err)
	}
	return p, nil
}

// store is where a fact of an entry that names no store belongs.
func (p *projector) store() string { return cmp.Or(p.accountStore, p.lastStore) }

// projected is what one entry or batch adds to the projection.
type projected struct {
	money  []MoneyFact
	lines  []LineFact
	events []EventFact
}

func (p *projected) add(q projected) {
	p.money, p.lines, p.events = append(p.money, q.money...), append(p.lines, q.lines...), append(p.events, q.events...)
}

func (p projected) rows() int { return len(p.money) + len(p.lines) + len(p.events) }

// facts projects e, the register's next entry. A payload the projection
// cannot read gives no facts rather than failing ingest: the chain has
// verified the entry, and the register alone decides its payloads.
func (p *projector) facts(e pos.Entry) projected {
	base := MoneyFact{RegisterID: p.registerID, Seq: e.Seq, EntryID: e.ID}
	var out projected
	switch e.Kind {
	case pos.EntrySale, pos.EntryReturn, pos.EntryVoid:
		var r factSale
		if pos.DecodeCanonical(e.Payload, &r) != nil {
			return out
		}
		base.StoreID, base.ShiftID, base.Currency = cmp.Or(r.StoreID, p.store()), r.ShiftID, r.Currency
		base.At = r.Completed
		if base.At.IsZero() {
			base.At = e.CreatedAt
		}
		switch { // as ComputeShiftReport counts them
		case e.Kind == pos.EntryVoid:
			base.Kind = headoffice.FactVoid
		case e.Kind == pos.EntryReturn || r.Totals.Gross < 0:
			base.Kind = headoffice.FactReturn
		default:
			base.Kind = headoffice.FactSale
		}
		own := base
		own.Amount, own.Net, own.Tax = r.Totals.Gross, r.Totals.Net, r.Totals.Tax
		out.money = append(out.money, own)
		change := r.Totals.Change
		for i, t := range r.Tenders {
			f := base
			f.Part, f.Tender, f.Amount = i+1, t.Kind, t.Amount
			if t.Kind == string(pos.TenderCash) { // change comes out of the first cash tender
				f.Amount -= change
				change = 0
			}
			out.money = append(out.money, f)
		}
		for i, l := range r.Lines {
			out.lines = append(out.lines, LineFact{RegisterID: p.registerID, Seq: e.Seq, Line: i + 1, StoreID: base.StoreID,
				ShiftID: base.ShiftID, Kind: base.Kind, EmployeeID: r.CashierID, ProductID: l.ProductID, Name: l.Name,
				TaxBP: l.TaxBP, Qty: l.Qty, Net: l.Net, Tax: l.Tax, Gross: l.Gross, Discount: l.Discount + l.OrderDiscount,
				RefersTo: r.RefersTo, Currency: base.Currency, At: base.At})
		}
		p.lastStore, p.lastCurrency = base.StoreID, base.Currency
	case pos.EntryShiftOpen:
		var r factShiftOpen
		if pos.DecodeCanonical(e.Payload, &r) != nil {
			return out
		}
		p.shiftID, p.shiftCur = r.ShiftID, r.Currency
		base.StoreID, base.ShiftID, base.Currency, base.Kind = p.store(), r.ShiftID, r.Currency, headoffice.FactFloat
		base.Tender, base.Amount, base.At = string(pos.TenderCash), r.Float, cmp.Or(r.At, e.CreatedAt)
		out.money = append(out.money, base)
		p.lastStore, p.lastCurrency = base.StoreID, base.Currency
	case pos.EntryCashMove:
		var r factCashMove
		if pos.DecodeCanonical(e.Payload, &r) != nil {
			return out
		}
		base.Kind = headoffice.FactKind(r.Kind)
		switch base.Kind {
		case headoffice.FactDrop, headoffice.FactPayout, headoffice.FactNoSale:
		default:
			return out
		}
		base.StoreID, base.ShiftID, base.Currency = p.store(), r.ShiftID, p.currency(r.ShiftID)
		base.Tender, base.Amount, base.At = string(pos.TenderCash), r.Amount, cmp.Or(r.At, e.CreatedAt)
		out.money = append(out.money, base)
	case pos.EntryZReport:
		var r factShiftClose
		if pos.DecodeCanonical(e.Payload, &r) != nil || !r.Z {
			return out
		}
		out.events = append(out.events, EventFact{RegisterID: p.registerID, Seq: e.Seq, StoreID: p.store(), ShiftID: r.ShiftID,
			Kind: headoffice.EventShiftClose, EmployeeID: r.ClosedByID, Currency: cmp.Or(r.Currency, p.currency(r.ShiftID)),
			Amount: r.OverShort, Expected: r.Expected, Counted: r.Counted, Gross: r.Gross, Net: r.Net, Tax: r.Tax,
			At: cmp.Or(r.Closed, e.CreatedAt)})
	case pos.EntryClockInOut:
		var r factClock
		if pos.DecodeCanonical(e.Payload, &r) != nil {
			return out
		}
		kind := headoffice.EventClockOut
		if r.In {
			kind = headoffice.EventClockIn
		}
		out.events = append(out.events, EventFact{RegisterID: p.registerID, Seq: e.Seq, StoreID: p.store(), Kind: kind,
			EmployeeID: r.EmployeeID, At: cmp.Or(r.At, e.CreatedAt)})
	case pos.EntryOverride:
		var r factOverride
		if pos.DecodeCanonical(e.Payload, &r) != nil {
			return out
		}
		// The override record has no time of its own: the entry's is when it was approved.
		out.events = append(out.events, EventFact{RegisterID: p.registerID, Seq: e.Seq, StoreID: p.store(), ShiftID: p.shiftID,
			Kind: headoffice.EventOverride, EmployeeID: r.CashierID, ApproverID: r.ApproverID, Action: r.Action, At: e.CreatedAt})
	}
	for i := range out.money {
		out.money[i].At = out.money[i].At.UTC().Truncate(time.Millisecond)
	}
	for i := range out.lines {
		out.lines[i].At = out.lines[i].At.UTC().Truncate(time.Millisecond)
	}
	for i := range out.events {
		out.events[i].At = out.events[i].At.UTC().Truncate(time.Millisecond)
	}
	return out
}

// currency is the currency of shiftID's cash: the open shift's, else the
// register's last.
func (p *projector) currency(shiftID string) string {
	if shiftID != "" && shiftID == p.shiftID {
		return p.shiftCur
	}
	return p.lastCurrency
}

const insertFactSQL = `INSERT INTO money_facts
	(register_id, seq, part, entry_id, store_id, shift_id, kind, tender, currency, amount, net, tax, at_ms)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// factArgs are insertFactSQL's arguments for f.
func factArgs(f MoneyFact) []any {
	return []any{f.RegisterID, f.Seq, f.Part, f.EntryID, f.StoreID, f.ShiftID, string(f.Kind), f.Tender, f.Currency,
		f.Amount, f.Net, f.Tax, f.At.UnixMilli()}
}

// insertFacts writes facts in the transaction (the rebuild's path; ingest
// uses each backend's batched insert).
func insertFacts(ctx context.Context, tx catalogTx, facts []MoneyFact) error {
	for _, f := range facts {
		if err := tx.Exec(ctx, insertFactSQL, factArgs(f)...); err != nil {
			return fmt.Errorf("hqstore: store money fact %s/%d/%d: %w", f.RegisterID, f.Seq, f.Part, err)
		}
	}
	return nil
}

// projectStored returns the facts of entries just stored for registerID, in
// seq order; the backend writes them in the same ingest transaction.
func projectStored(ctx context.Context, tx catalogTx, registerID string, entries []pos.Entry) (projected, error) {
	var out projected
	if len(entries) == 0 {
		return out, nil
	}
	p, err := startProjector(ctx, tx, registerID)
	if err != nil {
		return out, err
	}
	for _, e := range entries {
		out.add(p.facts(e))
	}
	return out, nil
}

// rebuildFacts is RebuildMoneyFacts inside the backend's write transaction:
// every register's entries in seq order, read a page at a time.
func rebuildFacts(ctx context.Context, tx catalogTx) (int, error) {
	for _, table := range []string{"money_facts", "line_facts", "event_facts"} {
		if err := tx.Exec(ctx, `DELETE FROM `+table); err != nil {
			return 0, fmt.Errorf("hqstore: rebuild %s: %w", table, err)
		}
	}
	var registers []string
	rows, err := tx.Query(ctx, `SELECT register_id FROM registers ORDER BY register_id`)
	if err != nil {
		return 0, fmt.Errorf("hqstore: rebuild money facts: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("hqstore: rebuild money facts: %w", err)
		}
		registers = append(registers, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("hqstore: rebuild money facts: %w", err)
	}
	written := 0
	for _, rid := range registers {
		p, err := startProjector(ctx, tx, rid)
		if err != nil {
			return 0, err
		}
		for after := int64(0); ; {
			page, err := entryPage(ctx, tx, rid, after, 500)
			if err != nil {
				return 0, err
			}
			var batch projected
			for _, e := range page {
				batch.add(p.facts(e))
			}
			if err := insertFacts(ctx, tx, batch.money); err != nil {
				return 0, err
			}
			if err := insertLineEventFacts(ctx, tx, batch); err != nil {
				return 0, err
			}
			written += batch.rows()
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].Seq
		}
	}
	return written, nil
}

// entryPage reads up to limit stored entries of a register after seq.
func entryPage(ctx context.Context, tx catalogTx, registerID string, after int64, limit int) ([]pos.Entry, error) {
	rows, err := tx.Query(ctx, `SELECT id, seq, kind, created_at_ms, payload FROM entries
		WHERE register_id = ? AND seq > ? ORDER BY seq LIMIT ?`, registerID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("hqstore: read entries of %s: %w", registerID, err)
	}
	defer rows.Close()
	var out []pos.Entry
	for rows.Next() {
		e := pos.Entry{RegisterID: registerID}
		var kind string
		var ms int64
		if err := rows.Scan(&e.ID, &e.Seq, &kind, &ms, &e.Payload); err != nil {
			return nil, fmt.Errorf("hqstore: read entries of %s: %w", registerID, err)
		}
		e.Kind, e.CreatedAt = pos.EntryKind(kind), time.UnixMilli(ms).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// readFacts is MoneyFacts inside a read transaction.
func readFacts(ctx context.Context, tx catalogTx, registerID string) ([]MoneyFact, error) {
	q := `SELECT register_id, seq, part, entry_id, store_id, shift_id, kind, tender, currency, amount, net, tax, at_ms
		FROM money_facts`
	var args []any
	if registerID != "" {
		q, args = q+` WHERE register_id = ?`, []any{registerID}
	}
	rows, err := tx.Query(ctx, q+` ORDER BY register_id, seq, part`, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: money facts: %w", err)
	}
	defer rows.Close()
	var out []MoneyFact
	for rows.Next() {
		var f MoneyFact
		var kind string
		var ms int64
		if err := rows.Scan(&f.RegisterID, &f.Seq, &f.Part, &f.EntryID, &f.StoreID, &f.ShiftID, &kind, &f.Tender, &f.Currency,
			&f.Amount, &f.Net, &f.Tax, &ms); err != nil {
			return nil, fmt.Errorf("hqstore: money facts: %w", err)
		}
		f.Kind, f.At = headoffice.FactKind(kind), time.UnixMilli(ms).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// moneyByHour is MoneyByHour inside a read transaction: the database groups
// by quarter hour (salesBucketMS), which lies within one local clock hour
// in every time zone, and the buckets are folded into hours of loc here.
func moneyByHour(ctx context.Context, tx catalogTx, from, to time.Time, loc *time.Location) ([]MoneyTotal, error) {
	rows, err := tx.Query(ctx, `SELECT store_id, register_id, kind, tender, currency, at_ms / 900000,
		count(*), `+splitSum("amount")+`, `+splitSum("net")+`, `+splitSum("tax")+`
		FROM money_facts WHERE at_ms >= ? AND at_ms < ? GROUP BY 1, 2, 3, 4, 5, 6`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("hqstore: money by hour: %w", err)
	}
	defer rows.Close()
	type key struct {
		store, register, kind, tender, currency string
		hour                                    int
	}
	sums := map[key]*MoneyTotal{}
	for rows.Next() {
		var k key
		var bucket, n int64
		var amount, net, tax [2]int64 // halves: see splitSum
		if err := rows.Scan(&k.store, &k.register, &k.kind, &k.tender, &k.currency, &bucket, &n,
			&amount[0], &amount[1], &net[0], &net[1], &tax[0], &tax[1]); err != nil {
			return nil, fmt.Errorf("hqstore: money by hour: %w", err)
		}
		k.hour = time.UnixMilli(bucket * salesBucketMS).In(loc).Hour()
		t := sums[k]
		if t == nil {
			t = &MoneyTotal{StoreID: k.store, RegisterID: k.register, Hour: k.hour, Kind: headoffice.FactKind(k.kind),
				Tender: k.tender, Currency: k.currency}
			sums[k] = t
		}
		t.Count += n
		t.Amount = addSaturating(t.Amount, joinGrossSum(amount[0], amount[1]))
		t.Net = addSaturating(t.Net, joinGrossSum(net[0], net[1]))
		t.Tax = addSaturating(t.Tax, joinGrossSum(tax[0], tax[1]))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hqstore: money by hour: %w", err)
	}
	out := make([]MoneyTotal, 0, len(sums))
	for _, t := range sums {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b MoneyTotal) int {
		return cmp.Or(cmp.Compare(a.StoreID, b.StoreID), cmp.Compare(a.RegisterID, b.RegisterID), cmp.Compare(a.Hour, b.Hour),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Tender, b.Tender), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}
