package register

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Drawer opens the cash drawer (through the receipt printer's kick pin).
type Drawer interface {
	OpenDrawer(ctx context.Context) error
}

// DenomCount is how many of one note or coin were counted.
type DenomCount struct {
	Value int64 `json:"value"` // minor units: 2000 is a 20 € note
	Count int64 `json:"count"`
}

// Denominations are the notes and coins of a currency, largest first, for
// counting a drawer.
func Denominations(c pos.Currency) []int64 {
	switch c.Code {
	case "EUR":
		return []int64{50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1}
	case "USD":
		return []int64{10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1}
	case "GBP":
		return []int64{5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1}
	case "CHF":
		return []int64{100000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5}
	}
	return []int64{10000, 5000, 2000, 1000, 500, 100, 50, 10, 1}
}

// CountTotal is the value of a count.
func CountTotal(counts []DenomCount) (int64, error) {
	var sum int64
	for _, c := range counts {
		if c.Count < 0 || c.Value <= 0 || c.Count > 1_000_000 || c.Value > pos.MaxAmount {
			return 0, pos.Errorf(pos.EInvalid, "A count is out of range.")
		}
		sum += c.Value * c.Count
		if sum > pos.MaxAmount {
			return 0, pos.ErrAmountTooLarge
		}
	}
	return sum, nil
}

// ShiftOpenRecord is the journal payload that opens a shift.
type ShiftOpenRecord struct {
	ShiftID    string       `json:"shift_id"`
	RegisterID string       `json:"register_id"`
	Currency   string       `json:"currency"`
	OpenedByID string       `json:"opened_by_id"`
	OpenedBy   string       `json:"opened_by"`
	Float      int64        `json:"float"`
	Counts     []DenomCount `json:"counts,omitempty"`
	At         time.Time    `json:"at"`
}

// CashMoveKind is what a cash move did to the drawer.
type CashMoveKind string

const (
	CashDrop   CashMoveKind = "drop"    // notes taken to the safe
	CashPayout CashMoveKind = "payout"  // cash paid out (a supplier, petty cash)
	CashNoSale CashMoveKind = "no_sale" // drawer opened, no money moved
)

// CashMoveRecord is the journal payload of a drop, payout or no-sale.
type CashMoveRecord struct {
	ShiftID    string       `json:"shift_id"`
	Kind       CashMoveKind `json:"kind"`
	Amount     int64        `json:"amount"` // taken out of the drawer; 0 for a no-sale
	Reason     string       `json:"reason"`
	EmployeeID string       `json:"employee_id"`
	Employee   string       `json:"employee"`
	ApproverID string       `json:"approver_id,omitempty"` // when a manager approved it
	Approver   string       `json:"approver,omitempty"`
	At         time.Time    `json:"at"`
}

// TenderTotal is the sum of one tender kind in a shift. Cash is net of
// change given: what stayed in the drawer.
type TenderTotal struct {
	Kind   pos.TenderKind `json:"kind"`
	Count  int            `json:"count"`
	Amount int64          `json:"amount"`
}

// ReceiptRef is a receipt of the shift, for the reprint list.
type ReceiptRef struct {
	EntryID   string        `json:"entry_id"`
	Kind      pos.EntryKind `json:"kind"`
	ReceiptNo string        `json:"receipt_no"`
	Gross     int64         `json:"gross"`
	At        time.Time     `json:"at"`
	Cashier   string        `json:"cashier"`
}

// ShiftReport is an X report (any time, changes nothing) or, with Closed
// set and a count, the Z report that closes the shift. Every figure is
// computed from the shift's journal entries; sales, returns and voids are
// SaleRecords with signed figures, so negative entries subtract.
type ShiftReport struct {
	ShiftID    string    `json:"shift_id"`
	Z          bool      `json:"z"`
	Currency   string    `json:"currency"`
	Opened     time.Time `json:"opened"`
	OpenedBy   string    `json:"opened_by"`
	Closed     time.Time `json:"closed,omitempty"`
	ClosedByID string    `json:"closed_by_id,omitempty"`
	ClosedBy   string    `json:"closed_by,omitempty"`
	FirstSeq   int64     `json:"first_seq"` // the shift_open entry
	LastSeq    int64     `json:"last_seq"`  // the last entry the report includes

	Sales   int `json:"sales"`
	Returns int `json:"returns"`
	Voids   int `json:"voids"`

	Gross    int64         `json:"gross"`
	Net      int64         `json:"net"`
	Tax      int64         `json:"tax"`
	ByTender []TenderTotal `json:"by_tender"`
	ByRate   []pos.TaxLine `json:"by_rate"`

	Float        int64 `json:"float"`
	CashSales    int64 `json:"cash_sales"` // cash tenders less change, returns negative
	Drops        int64 `json:"drops"`
	Payouts      int64 `json:"payouts"`
	NoSales      int   `json:"no_sales"`
	ExpectedCash int64 `json:"expected_cash"` // float + cash sales - drops - payouts

	Counted   int64        `json:"counted,omitempty"` // Z only: the blind count
	Counts    []DenomCount `json:"counts,omitempty"`
	OverShort int64        `json:"over_short,omitempty"` // counted - expected: + over, - short
}

// TenderAmount is the report's total for one tender kind.
func (r ShiftReport) TenderAmount(k pos.TenderKind) int64 {
	for _, t := range r.ByTender {
		if t.Kind == k {
			return t.Amount
		}
	}
	return 0
}

// ErrNoShift means no shift is open.
var ErrNoShift = pos.Errorf(pos.EConflict, "No shift is open. Open a shift and count the float first.")

// OpenShift returns the open shift's opening record; ok is false when no
// shift is open. It reads the journal, so it holds after a restart.
func (r *Register) OpenShift(ctx context.Context) (ShiftOpenRecord, pos.Entry, bool, error) {
	e, ok, err := r.deps.Journal.LastOfKind(ctx, pos.EntryShiftOpen, pos.EntryZReport)
	if err != nil || !ok || e.Kind != pos.EntryShiftOpen {
		return ShiftOpenRecord{}, pos.Entry{}, false, err
	}
	var rec ShiftOpenRecord
	if err := json.Unmarshal(e.Payload, &rec); err != nil {
		return ShiftOpenRecord{}, pos.Entry{}, false, fmt.Errorf("shift open entry %d: %w", e.Seq, err)
	}
	return rec, e, true, nil
}

// StartShift opens a shift with a float counted by denomination.
func (r *Register) StartShift(ctx context.Context, counts []DenomCount) (ShiftOpenRecord, error) {
	cashier, ok := r.Current()
	if !ok {
		return ShiftOpenRecord{}, pos.Errorf(pos.EUnauthorized, "Log in first.")
	}
	if _, _, open, err := r.OpenShift(ctx); err != nil {
		return ShiftOpenRecord{}, err
	} else if open {
		return ShiftOpenRecord{}, pos.Errorf(pos.EConflict, "A shift is already open.")
	}
	float, err := CountTotal(counts)
	if err != nil {
		return ShiftOpenRecord{}, err
	}
	now := r.deps.Clock.Now().UTC().Truncate(time.Millisecond)
	rec := ShiftOpenRecord{ShiftID: newID(), RegisterID: r.cfg.RegisterID, Currency: r.cfg.Currency.Code,
		OpenedByID: cashier.ID, OpenedBy: cashier.Name, Float: float, Counts: nonZero(counts), At: now}
	if err := r.appendJSON(ctx, pos.EntryShiftOpen, rec.ShiftID, now, rec); err != nil {
		return ShiftOpenRecord{}, err
	}
	return rec, nil
}

func nonZero(counts []DenomCount) []DenomCount {
	var out []DenomCount
	for _, c := range counts {
		if c.Count != 0 {
			out = append(out, c)
		}
	}
	return out
}

func (r *Register) appendJSON(ctx context.Context, kind pos.EntryKind, id string, at time.Time, v any) error {
	if _, err := r.commit(ctx, kind, id, at, value(v)); err != nil {
		return fmt.Errorf("journal %s: %w", kind, err)
	}
	return nil
}

// appendJSONLocked is appendJSON with r.mu held (released with r.unlock).
func (r *Register) appendJSONLocked(ctx context.Context, kind pos.EntryKind, id string, at time.Time, v any) error {
	if _, err := r.commitLocked(ctx, kind, id, at, value(v)); err != nil {
		return fmt.Errorf("journal %s: %w", kind, err)
	}
	return nil
}

// CashDrop records notes taken from the drawer to the safe.
func (r *Register) CashDrop(ctx context.Context, amount int64, reason string) (CashMoveRecord, error) {
	return r.cashMove(ctx, CashDrop, amount, reason, Employee{})
}

// Payout pays cash out of the drawer with a reason; it needs ActionPayout,
// so a cashier needs a manager's override (ov).
func (r *Register) Payout(ctx context.Context, amount int64, reason string, ov *Override) (CashMoveRecord, error) {
	if amount <= 0 {
		return CashMoveRecord{}, pos.Errorf(pos.EInvalid, "Enter the amount paid out.")
	}
	if len([]rune(reason)) < 3 {
		return CashMoveRecord{}, pos.Errorf(pos.EInvalid, "Enter a reason for the payout.")
	}
	if _, _, open, err := r.OpenShift(ctx); err != nil {
		return CashMoveRecord{}, err
	} else if !open {
		return CashMoveRecord{}, ErrNoShift
	}
	approver, err := r.Authorize(ctx, ActionPayout, ov, fmt.Sprintf("payout %s: %s", pos.FormatPlain(amount, r.cfg.Currency.Digits), reason))
	if err != nil {
		return CashMoveRecord{}, err
	}
	return r.cashMove(ctx, CashPayout, amount, reason, approver)
}

// NoSale opens the drawer without a sale (journaled, guarded by ActionNoSale).
func (r *Register) NoSale(ctx context.Context, reason string, ov *Override) (CashMoveRecord, error) {
	approver, err := r.Authorize(ctx, ActionNoSale, ov, "no sale: "+reason)
	if err != nil {
		return CashMoveRecord{}, err
	}
	return r.cashMove(ctx, CashNoSale, 0, reason, approver)
}

func (r *Register) cashMove(ctx context.Context, kind CashMoveKind, amount int64, reason string, approver Employee) (CashMoveRecord, error) {
	cashier, ok := r.Current()
	if !ok {
		return CashMoveRecord{}, pos.Errorf(pos.EUnauthorized, "Log in first.")
	}
	if kind != CashNoSale && (amount <= 0 || amount > pos.MaxAmount) {
		return CashMoveRecord{}, pos.Errorf(pos.EInvalid, "Enter an amount.")
	}
	shift, _, open, err := r.OpenShift(ctx)
	if err != nil {
		return CashMoveRecord{}, err
	}
	if !open && kind != CashNoSale {
		return CashMoveRecord{}, ErrNoShift
	}
	now := r.deps.Clock.Now().UTC().Truncate(time.Millisecond)
	rec := CashMoveRecord{ShiftID: shift.ShiftID, Kind: kind, Amount: amount, Reason: reason,
		EmployeeID: cashier.ID, Employee: cashier.Name, At: now}
	if approver.ID != "" && approver.ID != cashier.ID {
		rec.ApproverID, rec.Approver = approver.ID, approver.Name
	}
	if err := r.appendJSON(ctx, pos.EntryCashMove, newID(), now, rec); err != nil {
		return CashMoveRecord{}, err
	}
	// Journaled first: a drawer that fails to open still shows in the report.
	r.kickDrawer(ctx)
	return rec, nil
}

func (r *Register) kickDrawer(ctx context.Context) {
	if r.deps.Drawer == nil {
		return
	}
	if err := r.deps.Drawer.OpenDrawer(ctx); err != nil {
		r.deps.Log.Warn("open drawer", "err", err)
	}
}

// XReport reports the open shift so far; it changes nothing.
func (r *Register) XReport(ctx context.Context) (ShiftReport, error) {
	shift, open, ok, err := r.OpenShift(ctx)
	if err != nil {
		return ShiftReport{}, err
	}
	if !ok {
		return ShiftReport{}, ErrNoShift
	}
	return r.shiftReport(ctx, shift, open)
}

// shiftReport is the open shift's report from the journal's running
// totals (Journal.ShiftTotals): it does not read the shift's entries.
func (r *Register) shiftReport(ctx context.Context, shift ShiftOpenRecord, _ pos.Entry) (ShiftReport, error) {
	t, ok, err := r.deps.Journal.ShiftTotals(ctx)
	if err != nil {
		return ShiftReport{}, fmt.Errorf("shift report: %w", err)
	}
	if !ok || t.R.ShiftID != shift.ShiftID {
		return ShiftReport{}, fmt.Errorf("shift report: no running totals for shift %s", shift.ShiftID)
	}
	return t.Report(), nil
}

// ComputeShiftReport sums a shift's entries (those after its shift_open
// entry at openSeq): the fold of ShiftTotals.Apply, which the store keeps
// as state per entry. Sales, returns and voids are read as SaleRecords
// whose figures carry their sign.
func ComputeShiftReport(shift ShiftOpenRecord, openSeq int64, entries []pos.Entry) (ShiftReport, error) {
	t := NewShiftTotals(shift, openSeq)
	for _, e := range entries {
		if err := t.Apply(e); err != nil {
			return ShiftReport{}, err
		}
	}
	return t.Report(), nil
}

// ShiftTotals is the running state of a shift's report: the one definition
// of what each entry adds, kept by the store in each entry's transaction
// (Journal.ShiftTotals) so an X or Z report costs the same at any number of
// sales. It holds no per-sale list, so its size does not grow with the shift.
type ShiftTotals struct {
	R ShiftReport `json:"r"` // ByTender and ByRate unsorted; ExpectedCash unset
}

// NewShiftTotals is the state of a shift with no entries after its opening.
func NewShiftTotals(shift ShiftOpenRecord, openSeq int64) ShiftTotals {
	return ShiftTotals{R: ShiftReport{ShiftID: shift.ShiftID, Currency: shift.Currency, Opened: shift.At,
		OpenedBy: shift.OpenedBy, FirstSeq: openSeq, LastSeq: openSeq, Float: shift.Float}}
}

// Apply adds one entry of the shift (any kind: LastSeq counts them all).
func (t *ShiftTotals) Apply(e pos.Entry) error {
	rep := &t.R
	rep.LastSeq = e.Seq
	switch e.Kind {
	case pos.EntrySale, pos.EntryReturn, pos.EntryVoid:
		var rec struct { // only the figures: the lines are not needed
			Totals  pos.Totals   `json:"totals"`
			Tenders []pos.Tender `json:"tenders"`
		}
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			return fmt.Errorf("shift report: entry %d: %w", e.Seq, err)
		}
		switch {
		case e.Kind == pos.EntryVoid:
			rep.Voids++
		case e.Kind == pos.EntryReturn || rec.Totals.Gross < 0:
			rep.Returns++
		default:
			rep.Sales++
		}
		rep.Gross += rec.Totals.Gross
		rep.Net += rec.Totals.Net
		rep.Tax += rec.Totals.Tax
		for _, tl := range rec.Totals.Taxes {
			i := slices.IndexFunc(rep.ByRate, func(r pos.TaxLine) bool { return r.RateID == tl.RateID })
			if i < 0 {
				rep.ByRate = append(rep.ByRate, pos.TaxLine{RateID: tl.RateID, BasisPoints: tl.BasisPoints})
				i = len(rep.ByRate) - 1
			}
			rep.ByRate[i].Net += tl.Net
			rep.ByRate[i].Tax += tl.Tax
			rep.ByRate[i].Gross += tl.Gross
		}
		change := rec.Totals.Change
		for _, tn := range rec.Tenders {
			i := slices.IndexFunc(rep.ByTender, func(t TenderTotal) bool { return t.Kind == tn.Kind })
			if i < 0 {
				rep.ByTender = append(rep.ByTender, TenderTotal{Kind: tn.Kind})
				i = len(rep.ByTender) - 1
			}
			rep.ByTender[i].Count++
			amt := tn.Amount
			if tn.Kind == pos.TenderCash {
				// Change comes out of the cash handed over.
				amt -= change
				change = 0
				rep.CashSales += amt
			}
			rep.ByTender[i].Amount += amt
		}
	case pos.EntryCashMove:
		var mv CashMoveRecord
		if err := json.Unmarshal(e.Payload, &mv); err != nil {
			return fmt.Errorf("shift report: entry %d: %w", e.Seq, err)
		}
		switch mv.Kind {
		case CashDrop:
			rep.Drops += mv.Amount
		case CashPayout:
			rep.Payouts += mv.Amount
		case CashNoSale:
			rep.NoSales++
		}
	}
	return nil
}

// Report is the X report of the entries applied so far.
func (t ShiftTotals) Report() ShiftReport {
	rep := t.R
	rep.ByTender = slices.Clone(rep.ByTender)
	sort.Slice(rep.ByTender, func(i, j int) bool { return rep.ByTender[i].Kind < rep.ByTender[j].Kind })
	rep.ByRate = slices.Clone(rep.ByRate)
	sort.Slice(rep.ByRate, func(i, j int) bool {
		if rep.ByRate[i].BasisPoints != rep.ByRate[j].BasisPoints {
			return rep.ByRate[i].BasisPoints > rep.ByRate[j].BasisPoints
		}
		return rep.ByRate[i].RateID < rep.ByRate[j].RateID
	})
	rep.ExpectedCash = rep.Float + rep.CashSales - rep.Drops - rep.Payouts
	return rep
}

// ShiftReceiptRefs lists the sales, returns and voids among a shift's
// entries, oldest first, for the reprint list.
func ShiftReceiptRefs(entries []pos.Entry) ([]ReceiptRef, error) {
	var out []ReceiptRef
	for _, e := range entries {
		if e.Kind != pos.EntrySale && e.Kind != pos.EntryReturn && e.Kind != pos.EntryVoid {
			continue
		}
		var rec struct {
			ReceiptNo string     `json:"receipt_no"`
			Totals    pos.Totals `json:"totals"`
			Completed time.Time  `json:"completed_at"`
			Cashier   string     `json:"cashier"`
		}
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			return nil, fmt.Errorf("shift receipts: entry %d: %w", e.Seq, err)
		}
		out = append(out, ReceiptRef{EntryID: e.ID, Kind: e.Kind, ReceiptNo: rec.ReceiptNo,
			Gross: rec.Totals.Gross, At: rec.Completed, Cashier: rec.Cashier})
	}
	return out, nil
}

// ErrSaleOpenAtClose: the Z report waits for the open sale. A sale with lines
// could be paid after the Z with no shift open; one with tenders or a card
// payment running would commit after the Z: either way it is in no Z.
// Parking it is one tap, and a parked sale is resumed in the next shift.
var ErrSaleOpenAtClose = pos.Errorf(pos.EConflict, "Finish or park the open sale first.")

// saleOpenLocked refuses closing the shift while the open sale has lines,
// tenders or a card payment running or undecided. r.mu is held.
func (r *Register) saleOpenLocked() error {
	if r.sale.PaymentLock != "" {
		return pos.ErrPaymentPending
	}
	if len(r.sale.Lines) > 0 || len(r.sale.Tenders) > 0 {
		return ErrSaleOpenAtClose
	}
	return nil
}

// CloseShift is the Z report: it needs ActionZReport (a cashier needs a
// manager's override). counts is the blind count of the drawer, made before
// the expected amount is shown. The report is journaled (part of the chain)
// and printed; it returns the report with over/short.
func (r *Register) CloseShift(ctx context.Context, counts []DenomCount, ov *Override) (ShiftReport, error) {
	shift, open, ok, err := r.OpenShift(ctx)
	if err != nil {
		return ShiftReport{}, err
	}
	if !ok {
		return ShiftReport{}, ErrNoShift
	}
	counted, err := CountTotal(counts)
	if err != nil {
		return ShiftReport{}, err
	}
	r.mu.Lock()
	err = r.saleOpenLocked()
	r.mu.Unlock()
	if err != nil {
		return ShiftReport{}, err // before the override is journaled
	}
	approver, err := r.Authorize(ctx, ActionZReport, ov, "z report")
	if err != nil {
		return ShiftReport{}, err
	}
	// From the check to the Z entry no sale can start paying or commit: a
	// sale committed between the report and the Z would be in no Z.
	r.mu.Lock()
	defer r.unlock()
	if err := r.saleOpenLocked(); err != nil {
		return ShiftReport{}, err
	}
	// Read the shift only now: the override entry just written is part of it.
	rep, err := r.shiftReport(ctx, shift, open)
	if err != nil {
		return ShiftReport{}, err
	}
	now := r.deps.Clock.Now().UTC().Truncate(time.Millisecond)
	rep.Z, rep.Closed, rep.ClosedByID, rep.ClosedBy = true, now, approver.ID, approver.Name
	rep.Counted, rep.Counts, rep.OverShort = counted, nonZero(counts), counted-rep.ExpectedCash
	if err := r.appendJSONLocked(ctx, pos.EntryZReport, newID(), now, rep); err != nil {
		return ShiftReport{}, err
	}
	r.spool.Enqueue(ReportDoc(r.cfg, rep, "Z-"+rep.ShiftID))
	return rep, nil
}

// PrintXReport prints the open shift's X report.
func (r *Register) PrintXReport(ctx context.Context) (ShiftReport, error) {
	rep, err := r.XReport(ctx)
	if err != nil {
		return ShiftReport{}, err
	}
	r.spool.Enqueue(ReportDoc(r.cfg, rep, "X-"+newID()))
	return rep, nil
}

// LastZReport returns the most recent Z report; ok is false when there is none.
func (r *Register) LastZReport(ctx context.Context) (ShiftReport, bool, error) {
	e, ok, err := r.deps.Journal.LastOfKind(ctx, pos.EntryZReport)
	if err != nil || !ok {
		return ShiftReport{}, false, err
	}
	var rep ShiftReport
	if err := json.Unmarshal(e.Payload, &rep); err != nil {
		return ShiftReport{}, false, fmt.Errorf("z report entry %d: %w", e.Seq, err)
	}
	return rep, true, nil
}

// ShiftReceipts lists the receipts of the open shift, newest first, for reprinting.
func (r *Register) ShiftReceipts(ctx context.Context) ([]ReceiptRef, error) {
	_, open, ok, err := r.OpenShift(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoShift
	}
	es, err := r.deps.Journal.EntriesOfKind(ctx, open.Seq, pos.EntrySale, pos.EntryReturn, pos.EntryVoid)
	if err != nil {
		return nil, fmt.Errorf("shift receipts: %w", err)
	}
	refs, err := ShiftReceiptRefs(es)
	if err != nil {
		return nil, err
	}
	slices.Reverse(refs)
	return refs, nil
}

// ReportDoc lays out an X or Z report for the printer, in the store's language.
func ReportDoc(cfg Config, rep ShiftReport, id string) pos.Doc {
	cur, w := cfg.Currency, wordsFor(cfg.Locale)
	money := func(v int64) string { return w.money(v, cur) }
	d := pos.Doc{ID: id, Lang: cfg.Locale}
	d.Title(cfg.StoreName)
	if rep.Z {
		d.Title(w.ZReport)
	} else {
		d.Title(w.XReport)
	}
	d.Pair(w.Register, cfg.RegisterCode, false)
	d.Pair(w.Opened, w.dateMinutes(rep.Opened)+" "+rep.OpenedBy, false)
	if rep.Z {
		d.Pair(w.Closed, w.dateMinutes(rep.Closed)+" "+rep.ClosedBy, false)
	}
	d.Pair(w.Entries, fmt.Sprintf("%d-%d", rep.FirstSeq, rep.LastSeq), false)
	d.Rule()
	d.Pair(fmt.Sprintf(w.Sales, rep.Sales), "", false)
	if rep.Returns > 0 {
		d.Pair(fmt.Sprintf(w.Returns, rep.Returns), "", false)
	}
	if rep.Voids > 0 {
		d.Pair(fmt.Sprintf(w.Voids, rep.Voids), "", false)
	}
	d.Pair(w.Total+" "+cur.Code, money(rep.Gross), true)
	d.Pair(w.Net, money(rep.Net), false)
	d.Pair(w.Tax, money(rep.Tax), false)
	d.Rule()
	for _, tl := range rep.ByRate {
		d.Pair(fmt.Sprintf(w.TaxOn, w.percent(tl.BasisPoints), money(tl.Gross)), money(tl.Tax), false)
	}
	d.Rule()
	for _, t := range rep.ByTender {
		d.Pair(fmt.Sprintf("%s (%d)", w.tenderLabel(pos.Tender{Kind: t.Kind}), t.Count), money(t.Amount), false)
	}
	d.Rule()
	d.Pair(w.Float, money(rep.Float), false)
	d.Pair(w.CashSales, money(rep.CashSales), false)
	d.Pair(w.Drops, money(-rep.Drops), false)
	d.Pair(w.Payouts, money(-rep.Payouts), false)
	d.Pair(w.NoSales, fmt.Sprint(rep.NoSales), false)
	d.Pair(w.ExpectedCash, money(rep.ExpectedCash), true)
	if rep.Z {
		d.Pair(w.Counted, money(rep.Counted), true)
		label := w.Over
		if rep.OverShort < 0 {
			label = w.Short
		}
		d.Pair(label, money(rep.OverShort), true)
	}
	d.Feed(2)
	return d
}

// FoldShiftTotals is the open shift's running totals after these entries
// (the journal from any seq up to the shift's opening, or all of it): the
// definition Journal.ShiftTotals keeps as state (fakes use it directly).
// ok is false when no shift is open after them.
func FoldShiftTotals(entries []pos.Entry) (ShiftTotals, bool, error) {
	var t ShiftTotals
	open := false
	for _, e := range entries {
		switch {
		case e.Kind == pos.EntryShiftOpen:
			var rec ShiftOpenRecord
			if err := json.Unmarshal(e.Payload, &rec); err != nil {
				return ShiftTotals{}, false, fmt.Errorf("shift open entry %d: %w", e.Seq, err)
			}
			t, open = NewShiftTotals(rec, e.Seq), true
		case e.Kind == pos.EntryZReport:
			t, open = ShiftTotals{}, false
		case open:
			if err := t.Apply(e); err != nil {
				return ShiftTotals{}, false, err
			}
		}
	}
	return t, open, nil
}
