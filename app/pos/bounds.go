package pos

import (
	"fmt"
	"time"
)

// Bounds on what one sale may hold. The register refuses to build a sale
// beyond them and the head office refuses to store one: both read these, so
// the two can never disagree. MaxAmount and MaxQty bound the figures.
const (
	MaxLines    = 1000 // lines of one sale
	MaxTenders  = 100  // payments of one sale
	MaxTaxLines = 100  // tax rates of one sale
	// MaxClockAhead is how far ahead of the receiver's clock a time may lie:
	// registers' clocks drift, but a sale dated next year is not drift.
	MaxClockAhead = 48 * time.Hour
)

// EarliestTime and LatestTime bound every time Till accepts: a date outside
// them is a broken clock or a forged entry, never a sale.
var (
	EarliestTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	LatestTime   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ErrTimeOutOfRange is returned for a time outside the accepted window.
var ErrTimeOutOfRange = Errorf(EInvalid, "time is out of range; check the register's clock")

// CheckTime reports whether t lies within [EarliestTime, LatestTime) and no
// more than MaxClockAhead after now. A zero now skips the latter: the
// register checks its own times against the window only.
func CheckTime(t, now time.Time) error {
	if t.Before(EarliestTime) || !t.Before(LatestTime) {
		return fmt.Errorf("%w: %s is outside %d–%d", ErrTimeOutOfRange, t.UTC().Format(time.RFC3339), EarliestTime.Year(), LatestTime.Year()-1)
	}
	if !now.IsZero() && t.After(now.Add(MaxClockAhead)) {
		return fmt.Errorf("%w: %s is more than %s ahead of %s", ErrTimeOutOfRange, t.UTC().Format(time.RFC3339), MaxClockAhead,
			now.UTC().Format(time.RFC3339))
	}
	return nil
}

// CheckAmount reports whether a signed amount lies within ±MaxAmount.
func CheckAmount(name string, v int64) error {
	if v > MaxAmount || v < -MaxAmount {
		return fmt.Errorf("%w: %s %d is beyond ±%d", ErrAmountTooLarge, name, v, MaxAmount)
	}
	return nil
}

// Check reports whether every figure of r lies within Till's bounds: line,
// tender and tax counts, amounts within ±MaxAmount, quantities within
// ±MaxQty, times within CheckTime of now (zero now: the window only).
// Record calls it on the register; the head office calls it on ingest.
func (r SaleRecord) Check(now time.Time) error {
	switch {
	case len(r.Lines) > MaxLines:
		return Errorf(EInvalid, "a sale holds at most %d lines, got %d", MaxLines, len(r.Lines))
	case len(r.Tenders) > MaxTenders:
		return Errorf(EInvalid, "a sale holds at most %d payments, got %d", MaxTenders, len(r.Tenders))
	case len(r.Totals.Taxes) > MaxTaxLines:
		return Errorf(EInvalid, "a sale holds at most %d tax lines, got %d", MaxTaxLines, len(r.Totals.Taxes))
	}
	if err := CheckTime(r.Completed, now); err != nil {
		return fmt.Errorf("completed_at: %w", err)
	}
	if !r.StartedAt.IsZero() {
		if err := CheckTime(r.StartedAt, now); err != nil {
			return fmt.Errorf("started_at: %w", err)
		}
	}
	t := r.Totals
	amounts := []namedAmount{{"totals.net", t.Net}, {"totals.tax", t.Tax}, {"totals.gross", t.Gross}, {"totals.paid", t.Paid},
		{"totals.due", t.Due}, {"totals.change", t.Change}, {"totals.rounding", t.Rounding},
		{"totals.items", int64(t.Items)}, {"order_discount.amount", r.OrderDiscount.Amount}}
	for _, tl := range t.Taxes {
		amounts = append(amounts, namedAmount{"totals.taxes.net", tl.Net}, namedAmount{"totals.taxes.tax", tl.Tax},
			namedAmount{"totals.taxes.gross", tl.Gross})
	}
	for _, a := range amounts {
		if err := CheckAmount(a.name, a.v); err != nil {
			return err
		}
	}
	for i, l := range r.Lines {
		if l.Qty == 0 || l.Qty > MaxQty || l.Qty < -MaxQty {
			return Errorf(EInvalid, "lines[%d].qty %d is 0 or beyond ±%d", i, l.Qty, MaxQty)
		}
		for _, a := range []namedAmount{{"unit_price", l.UnitPrice}, {"discount", l.Discount}, {"order_discount", l.OrderDiscount},
			{"list_price", l.ListPrice}, {"amount", l.Amount}, {"net", l.Net}, {"tax", l.Tax}, {"gross", l.Gross}} {
			if err := CheckAmount(fmt.Sprintf("lines[%d].%s", i, a.name), a.v); err != nil {
				return err
			}
		}
	}
	for i, td := range r.Tenders {
		if err := CheckAmount(fmt.Sprintf("tenders[%d].amount", i), td.Amount); err != nil {
			return err
		}
	}
	return nil
}

type namedAmount struct {
	name string
	v    int64
}
