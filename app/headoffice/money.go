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
