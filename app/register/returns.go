package register

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tillpos/till/app/pos"
)

var receiptNoRe = regexp.MustCompile(`^([A-Za-z0-9]{1,16})-([0-9]{6,})$`)

// ParseReceiptNo splits a receipt number ("S01R01-000123", as printed and as
// scanned from its CODE128) into the register code and journal sequence.
func ParseReceiptNo(s string) (code string, seq int64, ok bool) {
	m := receiptNoRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", 0, false
	}
	seq, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil || seq <= 0 {
		return "", 0, false
	}
	return m[1], seq, true
}

// Returnable is a completed sale with what is still returnable per line.
type Returnable struct {
	Record pos.SaleRecord
	// Left is, per line of the record, the quantity not yet returned.
	Left []pos.Qty
	// Refunded is, per line, the amount already paid back.
	Refunded []int64
	Voided   bool
}

// FindReceipt loads a sale of this register by its receipt number, with
// what has been returned of it already (from the journal's return entries).
func (r *Register) FindReceipt(ctx context.Context, receiptNo string) (Returnable, error) {
	code, seq, ok := ParseReceiptNo(receiptNo)
	if !ok {
		return Returnable{}, pos.Errorf(pos.EInvalid, "%s is not a receipt number.", receiptNo)
	}
	if !strings.EqualFold(code, r.cfg.RegisterCode) {
		return Returnable{}, pos.Errorf(pos.ENotFound, "Receipt %s is from register %s: take the return there.", receiptNo, code)
	}
	e, err := r.deps.Journal.EntryBySeq(ctx, seq)
	if err != nil {
		if pos.ErrorCode(err) == pos.ENotFound {
			return Returnable{}, pos.Errorf(pos.ENotFound, "There is no receipt %s.", receiptNo)
		}
		return Returnable{}, fmt.Errorf("find receipt %s: %w", receiptNo, err)
	}
	if e.Kind != pos.EntrySale {
		return Returnable{}, pos.Errorf(pos.EInvalid, "%s is not a sale receipt.", receiptNo)
	}
	return r.returnable(ctx, e)
}

func (r *Register) returnable(ctx context.Context, e pos.Entry) (Returnable, error) {
	var rec pos.SaleRecord
	if err := json.Unmarshal(e.Payload, &rec); err != nil {
		return Returnable{}, fmt.Errorf("decode sale %s: %w", e.ID, err)
	}
	ret := Returnable{Record: rec, Left: make([]pos.Qty, len(rec.Lines)), Refunded: make([]int64, len(rec.Lines))}
	for i, rl := range rec.Lines {
		ret.Left[i] = rl.Qty
	}
	refs, err := r.deps.Journal.EntriesReferringTo(ctx, rec.SaleID)
	if err != nil {
		return Returnable{}, fmt.Errorf("returns of %s: %w", rec.SaleID, err)
	}
	for _, re := range refs {
		if re.Kind == pos.EntryVoid {
			ret.Voided = true
			continue
		}
		var rr pos.SaleRecord
		if err := json.Unmarshal(re.Payload, &rr); err != nil {
			return Returnable{}, fmt.Errorf("decode return %s: %w", re.ID, err)
		}
		for _, rl := range rr.Lines {
			if i := rl.RefLine - 1; i >= 0 && i < len(ret.Left) {
				ret.Left[i] += rl.Qty // return lines are negative
				ret.Refunded[i] -= rl.Amount
			}
		}
	}
	if ret.Voided {
		for i := range ret.Left {
			ret.Left[i] = 0
		}
	}
	return ret, nil
}

// ReturnLine is one line to take back: the original line's index, how much
// (positive) and whether the goods go back on the shelf.
type ReturnLine struct {
	Index   int
	Qty     pos.Qty
	Restock bool
}

// StartReturn turns the (empty) open sale into a return of lines of the
// original sale: negative lines at the price paid (discounts included),
// never more than sold minus already returned. It needs ActionRefund. The
// cashier then refunds it (TenderExact for cash, RefundCard for a card),
// which journals it as an EntryReturn referring to the original.
func (r *Register) StartReturn(ctx context.Context, receiptNo string, lines []ReturnLine, ov *Override) error {
	orig, err := r.FindReceipt(ctx, receiptNo)
	if err != nil {
		return err
	}
	if orig.Voided {
		return pos.Errorf(pos.EConflict, "Receipt %s was voided: nothing to return.", receiptNo)
	}
	var out []pos.Line
	for _, rl := range lines {
		if rl.Qty == 0 {
			continue
		}
		if rl.Index < 0 || rl.Index >= len(orig.Record.Lines) {
			return pos.Errorf(pos.EInvalid, "no such line")
		}
		src := orig.Record.Lines[rl.Index]
		left := orig.Left[rl.Index]
		if rl.Qty < 0 || rl.Qty > left {
			return pos.Errorf(pos.EInvalid, "Only %s of %s can be returned.", qtyText(left), src.Name)
		}
		// The refund is what was paid for this part of the line; the last
		// part takes what is left so the refunds add up to the line exactly.
		amount := src.Amount - orig.Refunded[rl.Index]
		if rl.Qty != left {
			if amount, err = pos.ScaleAmount(src.Amount, int64(rl.Qty), int64(src.Qty)); err != nil {
				return err
			}
		}
		full, err := pos.LineAmount(src.UnitPrice, -rl.Qty)
		if err != nil {
			return err
		}
		l := src.Line
		l.Qty, l.Discount, l.DiscountBP, l.OrderDiscount = -rl.Qty, full+amount, 0, 0
		l.Restock, l.RefLine = rl.Restock, rl.Index+1
		out = append(out, l)
	}
	if len(out) == 0 {
		return pos.Errorf(pos.EInvalid, "Choose what comes back.")
	}
	if _, err := r.Authorize(ctx, ActionRefund, ov, "return of "+receiptNo); err != nil {
		return err
	}
	return r.openReturn(orig.Record.SaleID, out)
}

// checkReturnLocked re-runs StartReturn's check for the open return against
// the journal as it is now. completeLocked calls it from the journal's build
// callback, inside the append's write transaction, so no other return or void
// of the same receipt (another screen, another register on the same journal)
// can be committed between the check and the return.
func (r *Register) checkReturnLocked(ctx context.Context) error {
	s := r.sale
	if !s.Return || s.RefersTo == "" {
		return nil // a sale, or a return without receipt (approved as it stands)
	}
	if no, busy := r.voiding[s.RefersTo]; busy {
		return errBeingVoided(no)
	}
	e, err := r.deps.Journal.EntryByID(ctx, s.RefersTo)
	if err != nil {
		return fmt.Errorf("check return of %s: %w", s.RefersTo, err)
	}
	orig, err := r.returnable(ctx, e)
	if err != nil {
		return err
	}
	no := orig.Record.ReceiptNo
	if orig.Voided {
		return pos.Errorf(pos.EConflict, "Receipt %s was voided: nothing to return.", no)
	}
	qty := make([]pos.Qty, len(orig.Left))
	paid := make([]int64, len(orig.Left))
	for _, ln := range s.Lines {
		i := ln.RefLine - 1
		amt, err := ln.Amount()
		if err != nil {
			return err
		}
		if ln.Qty >= 0 || amt > 0 || i < 0 || i >= len(orig.Left) {
			return pos.Errorf(pos.EConflict, "This return does not match receipt %s: cancel it and start it again.", no)
		}
		qty[i] -= ln.Qty
		paid[i] -= amt
	}
	for i, src := range orig.Record.Lines {
		if qty[i] > orig.Left[i] || paid[i] > src.Amount-orig.Refunded[i] {
			return pos.Errorf(pos.EConflict, "Only %s of %s can still be returned: cancel the return and start it again.", qtyText(orig.Left[i]), src.Name)
		}
	}
	return nil
}

// BlindItem is a product taken back without a receipt, at today's price.
type BlindItem struct {
	ProductID string
	Qty       pos.Qty
	Restock   bool
}

// StartBlindReturn opens a return without a receipt; it needs ActionBlindReturn.
func (r *Register) StartBlindReturn(ctx context.Context, items []BlindItem, ov *Override) error {
	var out []pos.Line
	for _, it := range items {
		p, err := r.deps.Catalog.Product(ctx, it.ProductID)
		if err != nil {
			return fmt.Errorf("blind return %s: %w", it.ProductID, err)
		}
		rate, err := r.deps.Catalog.TaxRate(ctx, p.TaxRateID)
		if err != nil {
			return fmt.Errorf("blind return %s: %w", it.ProductID, err)
		}
		if it.Qty <= 0 {
			return pos.Errorf(pos.EInvalid, "quantity is out of range")
		}
		out = append(out, pos.Line{ProductID: p.ID, SKU: p.SKU, Name: p.Name, UnitPrice: p.Price, Qty: -it.Qty,
			Weighed: p.SoldByWeight, TaxRateID: p.TaxRateID, TaxBP: rate.BasisPoints, Restock: it.Restock})
	}
	if len(out) == 0 {
		return pos.Errorf(pos.EInvalid, "Choose what comes back.")
	}
	if _, err := r.Authorize(ctx, ActionBlindReturn, ov, fmt.Sprintf("%d items without receipt", len(out))); err != nil {
		return err
	}
	return r.openReturn("", out)
}

func (r *Register) openReturn(refersTo string, lines []pos.Line) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sale.Lines) > 0 || len(r.sale.Tenders) > 0 || r.sale.PaymentLock != "" {
		return pos.Errorf(pos.EConflict, "Park or finish the open sale first.")
	}
	if no, busy := r.voiding[refersTo]; busy && refersTo != "" {
		return errBeingVoided(no)
	}
	s := r.newSale()
	s.Return, s.RefersTo, s.Lines = true, refersTo, lines
	if _, err := s.Totals(); err != nil {
		return err
	}
	r.sale = s
	return nil
}

// OriginalTenders are the kinds of payment of the sale a return refers to,
// so the UI offers the refund to the original tender first.
func (r *Register) OriginalTenders(ctx context.Context) ([]pos.TenderKind, error) {
	r.mu.Lock()
	id := r.sale.RefersTo
	r.mu.Unlock()
	if id == "" {
		return []pos.TenderKind{pos.TenderCash}, nil
	}
	e, err := r.deps.Journal.EntryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var rec pos.SaleRecord
	if err := json.Unmarshal(e.Payload, &rec); err != nil {
		return nil, err
	}
	var kinds []pos.TenderKind
	seen := map[pos.TenderKind]bool{}
	for _, t := range rec.Tenders {
		if !seen[t.Kind] {
			seen[t.Kind] = true
			kinds = append(kinds, t.Kind)
		}
	}
	return kinds, nil
}

func qtyText(q pos.Qty) string {
	if q%pos.QtyOne == 0 {
		return strconv.FormatInt(int64(q/pos.QtyOne), 10)
	}
	return pos.FormatPlain(int64(q), 3)
}
