package register

import (
	"context"
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// DefaultDiscountLimitBP is the largest discount (basis points of what it is
// taken off) a cashier may give without ActionDiscountOverLimit.
const DefaultDiscountLimitBP = 1000

func (r *Register) discountLimit() int64 {
	if r.cfg.DiscountLimitBP > 0 {
		return r.cfg.DiscountLimitBP
	}
	return DefaultDiscountLimitBP
}

// SetLineDiscount gives a discount on line i. Beyond the configured limit it
// needs ActionDiscountOverLimit: without ov it returns ErrNeedsOverride.
func (r *Register) SetLineDiscount(ctx context.Context, i int, d pos.Discount, ov *Override) error {
	r.mu.Lock()
	if i < 0 || i >= len(r.sale.Lines) {
		r.mu.Unlock()
		return pos.Errorf(pos.EInvalid, "no such line")
	}
	l := r.sale.Lines[i]
	r.mu.Unlock()
	base, err := pos.LineAmount(l.UnitPrice, l.Qty)
	if err != nil {
		return err
	}
	if d.Fraction(base) > r.discountLimit() {
		detail := fmt.Sprintf("line %s: %s", l.Name, describeDiscount(d, r.cfg.Currency))
		if _, err := r.Authorize(ctx, ActionDiscountOverLimit, ov, detail); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sale.SetLineDiscount(i, d)
}

// SetOrderDiscount gives a discount on the whole sale, with the same limit
// as a line discount.
func (r *Register) SetOrderDiscount(ctx context.Context, d pos.Discount, ov *Override) error {
	r.mu.Lock()
	base := r.sale.Subtotal()
	r.mu.Unlock()
	if d.Fraction(base) > r.discountLimit() {
		if _, err := r.Authorize(ctx, ActionDiscountOverLimit, ov, "order: "+describeDiscount(d, r.cfg.Currency)); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sale.SetOrderDiscount(d)
}

// OverridePrice sets line i's unit price; it always needs ActionPriceOverride.
func (r *Register) OverridePrice(ctx context.Context, i int, price int64, ov *Override) error {
	r.mu.Lock()
	if i < 0 || i >= len(r.sale.Lines) {
		r.mu.Unlock()
		return pos.Errorf(pos.EInvalid, "no such line")
	}
	l := r.sale.Lines[i]
	r.mu.Unlock()
	detail := fmt.Sprintf("%s: %s → %s", l.Name, pos.FormatPlain(l.UnitPrice, r.cfg.Currency.Digits),
		pos.FormatPlain(price, r.cfg.Currency.Digits))
	if _, err := r.Authorize(ctx, ActionPriceOverride, ov, detail); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sale.SetPrice(i, price)
}

func describeDiscount(d pos.Discount, c pos.Currency) string {
	if d.Percent != 0 {
		return pos.FormatPlain(d.Percent, 2) + " %"
	}
	return pos.FormatPlain(d.Amount, c.Digits) + " " + c.Code
}

// SetNote sets the open sale's note (printed on the receipt, kept in the record).
func (r *Register) SetNote(note string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sale.Note = strings.TrimSpace(note)
}

// CancelRecord is the journal payload of an open sale the cashier threw
// away. It is journaled because a rung-up-then-cancelled sale is the classic
// way to pocket cash (and German KassenSichV wants aborted transactions on
// record); it moves no money, so shift totals ignore it.
type CancelRecord struct {
	SaleID    string     `json:"sale_id"`
	CashierID string     `json:"cashier_id"`
	Cashier   string     `json:"cashier"`
	Lines     []pos.Line `json:"lines"`
	Gross     int64      `json:"gross"`
	Currency  string     `json:"currency"`
	Reason    string     `json:"reason,omitempty"`
}

// CancelSale throws the open sale away and starts a new one. A sale with
// lines is journaled as an EntryCancel first; an empty one just restarts.
func (r *Register) CancelSale(ctx context.Context, reason string) error {
	r.mu.Lock()
	defer r.unlock()
	if r.sale.PaymentLock != "" {
		return pos.ErrPaymentPending
	}
	if len(r.sale.Tenders) > 0 {
		return pos.Errorf(pos.EConflict, "Payments were taken: give them back and remove them first.")
	}
	if len(r.sale.Lines) > 0 {
		t, _ := r.sale.Totals()
		rec := CancelRecord{SaleID: r.sale.ID, CashierID: r.sale.CashierID, Cashier: r.sale.Cashier,
			Lines: r.sale.Lines, Gross: t.Gross, Currency: r.cfg.Currency.Code, Reason: reason}
		if _, err := r.commitLocked(ctx, pos.EntryCancel, r.sale.ID, r.deps.Clock.Now(), value(rec)); err != nil {
			return fmt.Errorf("%w: %w", pos.Errorf(pos.EInternal, "The sale could not be cancelled. Try again."), err)
		}
	}
	r.sale = r.newSale()
	return nil
}
