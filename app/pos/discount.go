package pos

import (
	"math/bits"
	"sort"
)

// Discount is a percentage (basis points: 1000 = 10 %) or an amount in
// minor units; one of the two, never both.
type Discount struct {
	Percent int64 `json:"percent_bp,omitempty"`
	Amount  int64 `json:"amount,omitempty"`
}

// IsZero reports whether the discount takes nothing off.
func (d Discount) IsZero() bool { return d.Percent == 0 && d.Amount == 0 }

func (d Discount) validate() error {
	switch {
	case d.Percent != 0 && d.Amount != 0:
		return Errorf(EInvalid, "a discount is a percentage or an amount, not both")
	case d.Percent < 0 || d.Percent > 10000:
		return Errorf(EInvalid, "a discount is between 0 and 100 %%")
	case d.Amount < 0 || d.Amount > MaxAmount:
		return Errorf(EInvalid, "a discount cannot be negative")
	}
	return nil
}

// Of is the amount the discount takes off base (a percentage rounds half
// away from zero), never more than base.
func (d Discount) Of(base int64) (int64, error) {
	if err := d.validate(); err != nil {
		return 0, err
	}
	off := d.Amount
	if d.Percent != 0 {
		var err error
		if off, err = mulDivRound(base, d.Percent, 10000); err != nil {
			return 0, err
		}
	}
	if abs64(off) > abs64(base) {
		return 0, Errorf(EInvalid, "the discount is more than the amount")
	}
	return off, nil
}

// Fraction is the discount's share of base in basis points, for checking it
// against a limit (an amount of 1.00 off 8.00 is 1250 = 12.5 %).
func (d Discount) Fraction(base int64) int64 {
	if d.Percent != 0 || base == 0 {
		return d.Percent
	}
	f, err := mulDivRound(d.Amount, 10000, abs(base))
	if err != nil {
		return 10000
	}
	return f
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// SetLineDiscount sets (or, with a zero Discount, removes) a line's discount.
func (s *Sale) SetLineDiscount(i int, d Discount) error {
	if err := s.mustBeEditable(); err != nil {
		return err
	}
	if i < 0 || i >= len(s.Lines) {
		return Errorf(EInvalid, "no such line")
	}
	base, err := LineAmount(s.Lines[i].UnitPrice, s.Lines[i].Qty)
	if err != nil {
		return err
	}
	off, err := d.Of(base)
	if err != nil {
		return err
	}
	old := s.Lines[i]
	s.Lines[i].Discount, s.Lines[i].DiscountBP = off, d.Percent
	if err := s.recompute(); err != nil {
		s.Lines[i] = old
		_ = s.recompute()
		return err
	}
	return nil
}

// SetPrice overrides a line's unit price; the catalog price is kept in
// ListPrice for the record.
func (s *Sale) SetPrice(i int, price int64) error {
	if err := s.mustBeEditable(); err != nil {
		return err
	}
	if i < 0 || i >= len(s.Lines) {
		return Errorf(EInvalid, "no such line")
	}
	if price < 0 || price > MaxAmount {
		return ErrAmountTooLarge
	}
	old := s.Lines[i]
	l := &s.Lines[i]
	if l.ListPrice == 0 {
		l.ListPrice = l.UnitPrice
	}
	l.UnitPrice = price
	if l.ListPrice == price {
		l.ListPrice = 0
	}
	if l.DiscountBP == 0 && l.Discount != 0 {
		l.Discount = 0 // an amount off the old price makes no sense on a new one
	}
	if err := s.recompute(); err != nil {
		s.Lines[i] = old
		_ = s.recompute()
		return err
	}
	return nil
}

// SetOrderDiscount sets the discount on the whole sale, spread over its lines.
func (s *Sale) SetOrderDiscount(d Discount) error {
	if err := s.mustBeEditable(); err != nil {
		return err
	}
	if err := d.validate(); err != nil {
		return err
	}
	if d.Amount > s.Subtotal() {
		return Errorf(EInvalid, "The discount is more than the sale.")
	}
	old, oldBase := s.OrderDiscount, s.OrderDiscountBase
	s.OrderDiscount, s.OrderDiscountBase = d, s.Subtotal()
	if err := s.recompute(); err != nil {
		s.OrderDiscount, s.OrderDiscountBase = old, oldBase
		_ = s.recompute()
		return err
	}
	return nil
}

// Subtotal is the sum of the line amounts after line discounts and before
// the order discount.
func (s *Sale) Subtotal() int64 {
	var sum int64
	for _, l := range s.Lines {
		a, err := LineAmount(l.UnitPrice, l.Qty)
		if err == nil {
			sum += a - l.Discount
		}
	}
	return sum
}

// recompute refreshes percentage line discounts and spreads the order
// discount, then checks the totals.
//
// The order discount D is spread over the lines with a positive amount a_i
// (after line discounts), in proportion: each line gets floor(D·a_i/A), and
// the cents left over go one each to the lines with the largest remainders
// (earlier lines first on a tie). The shares are whole minor units that sum
// to exactly D, so the totals stay sums of rounded lines and the tax of each
// line is computed on what the customer really pays for it.
func (s *Sale) recompute() error {
	for i := range s.Lines {
		l := &s.Lines[i]
		l.OrderDiscount = 0
		base, err := LineAmount(l.UnitPrice, l.Qty)
		if err != nil {
			return err
		}
		if l.DiscountBP != 0 {
			if l.Discount, err = (Discount{Percent: l.DiscountBP}).Of(base); err != nil {
				return err
			}
		}
		if base >= 0 && l.Discount > base {
			l.Discount = base // a sold line never goes below zero
		}
	}
	if !s.OrderDiscount.IsZero() {
		if err := s.spreadOrderDiscount(); err != nil {
			return err
		}
	}
	_, err := s.Totals()
	return err
}

func (s *Sale) spreadOrderDiscount() error {
	amts := make([]int64, len(s.Lines))
	var base int64
	for i, l := range s.Lines {
		a, err := l.Amount()
		if err != nil {
			return err
		}
		if a > 0 {
			amts[i] = a
			base += a
		}
	}
	if base <= 0 {
		return nil
	}
	d := s.OrderDiscount
	if d.Amount != 0 && s.OrderDiscountBase > base {
		// Lines were removed under an amount discount: it keeps the share of
		// the sale it was approved for (0.50 off 10.00 stays 5 %), so the
		// limit check made when it was given still holds.
		a, err := ScaleAmount(d.Amount, base, s.OrderDiscountBase)
		if err != nil {
			return err
		}
		d.Amount = min(a, base)
	}
	total, err := d.Of(base)
	if err != nil {
		return err
	}
	shares, err := Spread(total, amts)
	if err != nil {
		return err
	}
	for i := range s.Lines {
		s.Lines[i].OrderDiscount = shares[i]
	}
	return nil
}

// Spread divides total (≥ 0) over weights (≥ 0) in proportion by the
// largest-remainder rule; the result sums to total exactly.
func Spread(total int64, weights []int64) ([]int64, error) {
	var sum int64
	for _, w := range weights {
		if w < 0 {
			return nil, Errorf(EInvalid, "negative weight")
		}
		sum += w
	}
	out := make([]int64, len(weights))
	if total == 0 || sum == 0 {
		return out, nil
	}
	if total < 0 || total > sum {
		return nil, Errorf(EInvalid, "cannot spread %d over %d", total, sum)
	}
	rems := make([]uint64, len(weights))
	given := int64(0)
	for i, w := range weights {
		hi, lo := bits.Mul64(uint64(total), uint64(w))
		q, r := bits.Div64(hi, lo, uint64(sum)) // total ≤ sum: q ≤ w, no overflow
		out[i], rems[i] = int64(q), r
		given += int64(q)
	}
	idx := make([]int, len(weights))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rems[idx[a]] > rems[idx[b]] })
	for k := 0; given < total; k++ {
		out[idx[k]]++
		given++
	}
	return out, nil
}

// CashDue is what the customer still owes in cash: the rest after every
// non-cash payment, rounded to the cash increment, less cash already given.
func (s *Sale) CashDue() (int64, error) {
	t, err := s.Totals()
	if err != nil {
		return 0, err
	}
	var cash int64
	for _, tn := range s.Tenders {
		if tn.Kind == TenderCash {
			cash += tn.Amount
		}
	}
	rest := t.Gross - (t.Paid - cash)
	due := rest + s.cashRounding(rest, 1) - cash
	if (t.Gross >= 0 && due < 0) || (t.Gross < 0 && due > 0) {
		return 0, nil
	}
	return due, nil
}

// cashRounding is what rounding rest to the cash increment adds; only when
// cash is (or is about to be) part of the payment: cards pay to the cent.
func (s *Sale) cashRounding(rest, cash int64) int64 {
	if s.CashRounding <= 1 || cash == 0 {
		return 0
	}
	return RoundTo(rest, s.CashRounding) - rest
}

// RoundTo rounds v to the nearest multiple of inc, halves away from zero.
func RoundTo(v, inc int64) int64 {
	if inc <= 1 {
		return v
	}
	r, err := mulDivRound(v, 1, inc)
	if err != nil {
		return v
	}
	return r * inc
}

// ScaleAmount is round(amount·num/den), halves away from zero; den > 0.
func ScaleAmount(amount, num, den int64) (int64, error) {
	if den <= 0 {
		return 0, Errorf(EInvalid, "bad denominator")
	}
	return mulDivRound(amount, num, den)
}
