package pos

import (
	"fmt"
	"time"
)

// MovementKind names a change of stock. Every change is an immutable
// movement; on-hand is a projection of movements (see OnHand), never a
// number two devices overwrite.
type MovementKind string

const (
	MoveSale        MovementKind = "sale"         // goods out over the counter (a void puts them back: positive)
	MoveReturn      MovementKind = "return"       // a customer's goods back on the shelf (restock lines only)
	MoveReceipt     MovementKind = "receipt"      // goods received from a supplier, against a PO or free
	MoveAdjustment  MovementKind = "adjustment"   // damage, theft, expiry, own use, other: signed
	MoveCount       MovementKind = "count"        // an observation: at At, Qty were on the shelf
	MoveTransferOut MovementKind = "transfer_out" // sent to another store; in transit until received
	MoveTransferIn  MovementKind = "transfer_in"  // received from another store
)

// AdjustReason says why stock was adjusted by hand.
type AdjustReason string

const (
	ReasonDamage AdjustReason = "damage"
	ReasonTheft  AdjustReason = "theft"
	ReasonExpiry AdjustReason = "expiry"
	ReasonOwnUse AdjustReason = "own_use"
	ReasonOther  AdjustReason = "other"
)

// Bounds of stock data, checked before anything is stored or summed.
const (
	MaxStockIDLen    = 64   // store, product, register, movement ids, refs
	MaxStockLotLen   = 20   // GS1 AI (10) holds at most 20 characters
	MaxStockNoteLen  = 200  // an adjustment's free-text reason
	MaxStockLines    = 1000 // lines in one StockRecord (a whole-store count is split)
	MaxStockRecordSz = 256 << 10
	// MaxClockOffset bounds a register's reported clock error; a larger
	// offset is a broken clock, not something to correct by.
	MaxClockOffset = 7 * 24 * time.Hour
)

// Movement is one change of stock of one product in one store.
//
// Qty is in thousandths (Qty; weighed goods in grams = thousandths of a kg).
// For every kind but count it is the signed change to on-hand: a sale is
// negative (a void of a sale positive), a return, receipt or transfer in
// positive, a transfer out negative, an adjustment either. For a count it is
// the level observed, never negative.
type Movement struct {
	// ID identifies the movement everywhere: "<entry id>/<line>" for one
	// derived from a journal entry. A movement delivered twice counts once.
	ID       string       `json:"id"`
	Kind     MovementKind `json:"kind"`
	Store    string       `json:"store"`
	Product  string       `json:"product"`
	Qty      Qty          `json:"qty"`
	Lot      string       `json:"lot,omitempty"`
	Expiry   string       `json:"expiry,omitempty"` // ISO date "2026-12-31"
	Ref      string       `json:"ref,omitempty"`    // PO number or transfer id
	Reason   AdjustReason `json:"reason,omitempty"` // adjustments only
	At       time.Time    `json:"at"`               // the recording device's clock
	Register string       `json:"register,omitempty"`
	Seq      int64        `json:"seq,omitempty"`  // the journal entry's seq on that register
	Line     int          `json:"line,omitempty"` // index within the entry
	// ClockOffset is the register's clock minus the head office's as last
	// measured by its heartbeat before At (0 for the head office itself).
	ClockOffset time.Duration `json:"clock_offset,omitempty"`
}

// Corrected is At moved onto the head office's clock: the time the
// movement is ordered by.
func (m Movement) Corrected() time.Time { return m.At.Add(-m.ClockOffset) }

// Validate checks a movement's fields and bounds; the message says what is
// wrong in a manager's words.
func (m Movement) Validate() error {
	for _, f := range []struct{ name, v string }{{"movement id", m.ID}, {"store", m.Store}, {"product", m.Product}} {
		if f.v == "" || len(f.v) > MaxStockIDLen {
			return Errorf(EInvalid, "The %s must be 1 to %d characters.", f.name, MaxStockIDLen)
		}
	}
	if len(m.Ref) > MaxStockIDLen || len(m.Register) > MaxStockIDLen {
		return Errorf(EInvalid, "A reference or register id is longer than %d characters.", MaxStockIDLen)
	}
	if len(m.Lot) > MaxStockLotLen || !stockPrintable(m.Lot) {
		return Errorf(EInvalid, "The lot must be at most %d printable characters.", MaxStockLotLen)
	}
	if m.Expiry != "" {
		if _, err := ParseDate(m.Expiry); err != nil {
			return err
		}
	}
	if m.Qty > MaxQty || m.Qty < -MaxQty {
		return Errorf(EInvalid, "A stock quantity must be within %d units.", MaxQty/QtyOne)
	}
	if m.At.IsZero() {
		return Errorf(EInvalid, "A stock movement needs a time.")
	}
	if m.ClockOffset > MaxClockOffset || m.ClockOffset < -MaxClockOffset {
		return Errorf(EInvalid, "The register's clock is off by more than a week; fix the clock first.")
	}
	if m.Seq < 0 || m.Line < 0 || m.Line >= MaxStockLines {
		return Errorf(EInvalid, "Bad position of a stock movement in its entry.")
	}
	if (m.Reason != "") != (m.Kind == MoveAdjustment) {
		return Errorf(EInvalid, "Only an adjustment has a reason, and it needs one.")
	}
	switch m.Kind {
	case MoveSale:
		if m.Qty == 0 {
			return Errorf(EInvalid, "A sale movement needs a quantity.")
		}
	case MoveReturn, MoveReceipt, MoveTransferIn:
		if m.Qty <= 0 {
			return Errorf(EInvalid, "A %s adds stock: its quantity must be positive.", m.Kind)
		}
	case MoveTransferOut:
		if m.Qty >= 0 {
			return Errorf(EInvalid, "A transfer out takes stock: its quantity must be negative.")
		}
	case MoveAdjustment:
		if m.Qty == 0 {
			return Errorf(EInvalid, "An adjustment needs a quantity.")
		}
		if !m.Reason.valid() {
			return Errorf(EInvalid, "Unknown adjustment reason %q.", stockTruncate(string(m.Reason), 20))
		}
	case MoveCount:
		if m.Qty < 0 {
			return Errorf(EInvalid, "A count cannot be negative.")
		}
	default:
		return Errorf(EInvalid, "Unknown stock movement kind %q.", stockTruncate(string(m.Kind), 20))
	}
	if (m.Kind == MoveTransferOut || m.Kind == MoveTransferIn) && m.Ref == "" {
		return Errorf(EInvalid, "A transfer needs its transfer id.")
	}
	return nil
}

func (r AdjustReason) valid() bool {
	switch r {
	case ReasonDamage, ReasonTheft, ReasonExpiry, ReasonOwnUse, ReasonOther:
		return true
	}
	return false
}

func stockPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func stockTruncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// ParseDate reads an ISO calendar date "2026-12-31" (an expiry or best
// before; a date with no zone). Only the canonical form is accepted, so one
// date has one encoding in the journal.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Format(time.DateOnly) != s {
		return time.Time{}, Errorf(EInvalid, "%q is not a date like 2026-12-31.", stockTruncate(s, 20))
	}
	return d, nil
}

// errStockLine puts the line number in front of a line's error.
func errStockLine(i int, err error) error {
	if e, ok := err.(*Error); ok {
		return Errorf(e.Code, "Line %d: %s", i+1, e.Message)
	}
	return fmt.Errorf("line %d: %w", i+1, err)
}
