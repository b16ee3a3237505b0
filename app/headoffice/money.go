package headoffice

import "time"

// FactKind says how an entry moved money. The kinds of sales records follow
// the register's Z report (app/register.ComputeShiftReport): a void is a
// void, a return entry or a sale with negative gross is a return, the rest
// are sales.
type FactKind string

const (
	FactSale   FactKind = "sale"
	FactReturn FactKind = "return"
	FactVoid   FactKind = "void"
	FactFloat  FactKind = "float"   // the cash counted into the drawer at shift open
	FactDrop   FactKind = "drop"    // cash taken to the safe
	FactPayout FactKind = "payout"  // cash paid out
	FactNoSale FactKind = "no_sale" // drawer opened, no money moved
)

// MoneyFact is one row of the head office's projection of the journal: one
// way one entry moved money. A sale, return or void has a row for itself
// (Part 0, Tender "", its gross, net and tax, signed) and one per tender
// (Part 1..n, Amount as the Z report counts it: cash less the change given).
// A cash move or a shift's float has one row, Tender "cash", Amount as the
// record gives it (what left the drawer; the float counted in). Facts are
// written with the entry, in the same transaction, and can be rebuilt from
// the stored entries.
type MoneyFact struct {
	RegisterID string
	Seq        int64
	Part       int
	EntryID    string
	StoreID    string
	ShiftID    string
	Kind       FactKind
	Tender     string // "" on a sale record's own row
	Currency   string
	Amount     int64 // minor units
	Net, Tax   int64 // on a sale record's own row
	At         time.Time
}

// MoneyTotal sums the facts of one store, register, local clock hour, kind,
// tender and currency.
type MoneyTotal struct {
	StoreID    string
	RegisterID string
	Hour       int // 0–23 on the clock of the location asked for
	Kind       FactKind
	Tender     string
	Currency   string
	Count      int64
	Amount     int64
	Net, Tax   int64
}

// LineFact is one line of a sale, return or void as the head office
// projects it: signed like its record (a void or return line is negative
// and names the sale it refers to), so sums over any period are net of
// them. Category and cost are not in the journal; reports take them from
// the catalog.
type LineFact struct {
	RegisterID string
	Seq        int64
	Line       int // 1-based position in the record
	StoreID    string
	ShiftID    string
	Kind       FactKind // sale, return or void, as the entry's MoneyFact
	EmployeeID string   // the cashier
	ProductID  string
	Name       string // as rung up
	TaxBP      int64  // the line's tax rate in basis points
	Qty        int64  // thousandths, signed
	Net        int64
	Tax        int64
	Gross      int64
	Discount   int64 // line discount plus its share of the order discount, signed like the line
	RefersTo   string
	Currency   string
	At         time.Time
}

// EventKind is an entry that moves no money but that reports count.
type EventKind string

const (
	EventShiftClose EventKind = "shift_close" // the Z report: expected, counted, over/short
	EventClockIn    EventKind = "clock_in"
	EventClockOut   EventKind = "clock_out"
	EventOverride   EventKind = "override" // a manager approved what a cashier may not do alone
)

// EventFact is one shift close, clock in or out, or override. Amount is the
// Z report's over/short on a shift close (+ over, - short); Gross, Net and
// Tax are its totals; Expected and Counted its cash.
type EventFact struct {
	RegisterID string
	Seq        int64
	StoreID    string
	ShiftID    string
	Kind       EventKind
	EmployeeID string // who clocked, closed the shift or asked for the override
	ApproverID string // override: who approved
	Action     string // override: what was approved
	Currency   string
	Amount     int64
	Expected   int64
	Counted    int64
	Gross      int64
	Net        int64
	Tax        int64
	At         time.Time
}
