package books

import (
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// TenderOther is a tender kind the register does not take yet (invoice, a
// payment app); it lets the projection hand such money over without
// guessing an account for it.
const TenderOther pos.TenderKind = "other"

// RateAmount is what one VAT rate contributed: net and tax as the receipts
// computed them (sums of rounded lines, see pos.LineTax), so net+tax is the
// gross the customers paid at that rate.
type RateAmount struct {
	RateBP int64 `json:"rate_bp"` // 1900 = 19 %
	Net    int64 `json:"net"`
	Tax    int64 `json:"tax"`
}

// Gross is net plus tax.
func (r RateAmount) Gross() int64 { return r.Net + r.Tax }

// Tender is the total of one tender kind for the day. Cash is net of change
// given (what stayed in the drawer), as in the Z report's ByTender.
type Tender struct {
	Kind   pos.TenderKind `json:"kind"`
	Amount int64          `json:"amount"`
}

// CardSettlement is a card terminal's end-of-day total (the "Kassenschnitt"
// the acquirer will pay out), reported by the terminal, not by our tenders.
type CardSettlement struct {
	TerminalID string `json:"terminal_id"`
	Amount     int64  `json:"amount"`
}

// Payout is cash paid out of the drawer for an expense (register's
// CashMoveRecord of kind payout). Tax is the input VAT on the receipt when
// it is known; 0 books the whole gross as expense (no receipt, no
// Vorsteuer).
type Payout struct {
	Reason string `json:"reason"`
	Gross  int64  `json:"gross"`
	RateBP int64  `json:"rate_bp,omitempty"`
	Tax    int64  `json:"tax,omitempty"`
}

// Day is one store's business day of money facts. Each figure means what
// the registers' Z reports (register.ComputeShiftReport) mean, summed over
// the day's shifts:
//
//   - SalesByRate: ByRate of sale entries; ReturnsByRate: ByRate of return
//     and void entries, with their negative sign. Both are after discounts:
//     a line's amount already has its discount taken off (pos.Line.Amount).
//   - Discounts: the discounts given (line + order discount shares), a memo
//     figure; it is not posted again (see docs/ACCOUNTING.md).
//   - CashRounding: the sum of sale totals' Rounding (cash rounding added to
//     what was owed); the Z report has it inside CashSales.
//   - Tenders: ByTender; cash net of change. A voucher tender is a voucher
//     redeemed.
//   - VouchersSold: multi-purpose vouchers (Mehrzweckgutscheine) sold,
//     not in SalesByRate (no VAT until redeemed). Single-purpose vouchers are
//     ordinary sale lines with their VAT.
//   - CashOverShort: sum of Z OverShort (counted - expected; + over).
//   - Payouts, CashDrops: the cash moves of kind payout and drop.
//   - FloatIn/FloatOut: cash moved into the drawer from the safe when a
//     shift opens and back when it closes; zero when the drawer keeps its
//     float overnight.
//
// Money is minor units of Currency.
type Day struct {
	Store           string           `json:"store"`
	Date            string           `json:"date"` // business day, YYYY-MM-DD in the store's time zone
	Currency        string           `json:"currency"`
	SalesByRate     []RateAmount     `json:"sales_by_rate"`
	ReturnsByRate   []RateAmount     `json:"returns_by_rate,omitempty"`
	Discounts       int64            `json:"discounts,omitempty"`
	CashRounding    int64            `json:"cash_rounding,omitempty"`
	Tenders         []Tender         `json:"tenders"`
	CardSettlements []CardSettlement `json:"card_settlements,omitempty"`
	VouchersSold    int64            `json:"vouchers_sold,omitempty"`
	CashOverShort   int64            `json:"cash_over_short,omitempty"`
	Payouts         []Payout         `json:"payouts,omitempty"`
	CashDrops       int64            `json:"cash_drops,omitempty"`
	FloatIn         int64            `json:"float_in,omitempty"`
	FloatOut        int64            `json:"float_out,omitempty"`
}

// Limits on one day's facts: they keep every sum far inside int64 (each
// term is at most pos.MaxAmount) and bound what a caller can make us do.
const (
	MaxRates       = 32
	MaxTenders     = 32
	MaxSettlements = 256
	MaxPayouts     = 1000
	MaxTextLen     = 200
)

// TenderTotal is the day's total of one tender kind.
func (d Day) TenderTotal(k pos.TenderKind) int64 {
	var s int64
	for _, t := range d.Tenders {
		if t.Kind == k {
			s += t.Amount
		}
	}
	return s
}

// VouchersRedeemed is the voucher tenders: a redeemed voucher pays for goods.
func (d Day) VouchersRedeemed() int64 { return d.TenderTotal(pos.TenderVoucher) }

// CardSettled is the terminals' end-of-day total.
func (d Day) CardSettled() int64 {
	var s int64
	for _, c := range d.CardSettlements {
		s += c.Amount
	}
	return s
}

// Gross is what the day's receipts totalled: sales and returns at every rate.
func (d Day) Gross() int64 {
	var s int64
	for _, r := range d.SalesByRate {
		s += r.Gross()
	}
	for _, r := range d.ReturnsByRate {
		s += r.Gross()
	}
	return s
}

// PaidIn is the sum of all tenders.
func (d Day) PaidIn() int64 {
	var s int64
	for _, t := range d.Tenders {
		s += t.Amount
	}
	return s
}

// BusinessDate parses Date.
func (d Day) BusinessDate() (time.Time, error) {
	t, err := time.Parse(time.DateOnly, d.Date)
	if err != nil {
		return time.Time{}, pos.Errorf(pos.EInvalid, "business day %q is not a date (YYYY-MM-DD)", d.Date)
	}
	return t, nil
}

func inRange(name string, v int64) error {
	if v > pos.MaxAmount || v < -pos.MaxAmount {
		return pos.Errorf(pos.EInvalid, "%s is out of range", name)
	}
	return nil
}

func nonNegative(name string, v int64) error {
	if v < 0 {
		return pos.Errorf(pos.EInvalid, "%s must not be negative", name)
	}
	return inRange(name, v)
}

// Validate checks the facts are bounded and add up: every tender pays for
// receipts, rounding or vouchers sold, so
//
//	tenders = gross of sales and returns + cash rounding + vouchers sold.
//
// Facts that break it would make unbalanced books; they are refused with
// both figures so the projection's bug is easy to find.
func (d Day) Validate() error {
	if d.Store == "" || len(d.Store) > 36 {
		return pos.Errorf(pos.EInvalid, "store id must have 1 to 36 characters")
	}
	if _, err := d.BusinessDate(); err != nil {
		return err
	}
	if _, err := pos.LookupCurrency(d.Currency); err != nil {
		return err
	}
	if len(d.SalesByRate) > MaxRates || len(d.ReturnsByRate) > MaxRates || len(d.Tenders) > MaxTenders ||
		len(d.CardSettlements) > MaxSettlements || len(d.Payouts) > MaxPayouts {
		return pos.Errorf(pos.EInvalid, "too many rates, tenders, settlements or payouts in one day")
	}
	for name, list := range map[string][]RateAmount{"sales": d.SalesByRate, "returns": d.ReturnsByRate} {
		seen := map[int64]bool{}
		for _, r := range list {
			if r.RateBP < 0 || r.RateBP > 100_00 {
				return pos.Errorf(pos.EInvalid, "%s: tax rate %d bp is out of range", name, r.RateBP)
			}
			if seen[r.RateBP] {
				return pos.Errorf(pos.EInvalid, "%s: rate %d bp listed twice", name, r.RateBP)
			}
			seen[r.RateBP] = true
			if err := inRange(name+" net", r.Net); err != nil {
				return err
			}
			if err := inRange(name+" tax", r.Tax); err != nil {
				return err
			}
			if r.RateBP == 0 && r.Tax != 0 {
				return pos.Errorf(pos.EInvalid, "%s: tax at a 0 %% rate", name)
			}
		}
	}
	seen := map[pos.TenderKind]bool{}
	for _, t := range d.Tenders {
		switch t.Kind {
		case pos.TenderCash, pos.TenderCard, pos.TenderVoucher, TenderOther:
		default:
			return pos.Errorf(pos.EInvalid, "unknown tender kind %q", t.Kind)
		}
		if seen[t.Kind] {
			return pos.Errorf(pos.EInvalid, "tender %s listed twice", t.Kind)
		}
		seen[t.Kind] = true
		if err := inRange("tender "+string(t.Kind), t.Amount); err != nil {
			return err
		}
	}
	for _, c := range d.CardSettlements {
		if len(c.TerminalID) > MaxTextLen {
			return pos.Errorf(pos.EInvalid, "terminal id is too long")
		}
		if err := inRange("card settlement", c.Amount); err != nil {
			return err
		}
	}
	for _, p := range d.Payouts {
		if len(p.Reason) > MaxTextLen {
			return pos.Errorf(pos.EInvalid, "payout reason is too long")
		}
		if p.Gross <= 0 || p.Gross > pos.MaxAmount {
			return pos.Errorf(pos.EInvalid, "a payout must be a positive amount")
		}
		if p.Tax < 0 || p.Tax >= p.Gross || (p.Tax > 0 && (p.RateBP <= 0 || p.RateBP > 100_00)) {
			return pos.Errorf(pos.EInvalid, "payout %q: tax %d at %d bp does not fit its gross %d", p.Reason, p.Tax, p.RateBP, p.Gross)
		}
	}
	for name, v := range map[string]int64{"discounts": d.Discounts, "cash rounding": d.CashRounding,
		"vouchers sold": d.VouchersSold, "cash over/short": d.CashOverShort} {
		if err := inRange(name, v); err != nil {
			return err
		}
	}
	for name, v := range map[string]int64{"cash drops": d.CashDrops, "float in": d.FloatIn, "float out": d.FloatOut} {
		if err := nonNegative(name, v); err != nil {
			return err
		}
	}
	if want := d.Gross() + d.CashRounding + d.VouchersSold; d.PaidIn() != want {
		return pos.Errorf(pos.EInvalid, "%s %s: tenders total %d but receipts, rounding and vouchers sold total %d",
			d.Store, d.Date, d.PaidIn(), want)
	}
	return nil
}

func (d Day) String() string { return fmt.Sprintf("%s/%s", d.Store, d.Date) }
