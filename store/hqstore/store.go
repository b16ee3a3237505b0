package hqstore

import (
	"context"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
)

// Store is the head office's persistence. Every backend must pass
// hqstoretest.Run.
type Store interface {
	Registry          // stores, registers and their enrollment (registry.go)
	Catalog           // catalog administration, change feed, register health (catalog.go)
	Money             // the projection of every entry that moves money (moneyfacts.go)
	headoffice.Facts  // reports' and books' reads of the projection (reports.go)
	headoffice.Ledger // closed business days and what was booked for them (booksdays.go)
	Accounts          // back-office accounts, sessions and the audit log (accounts.go)
	Stock             // the projection of every entry that moves goods (stock.go)

	// IngestBatch stores a register's entries in one transaction, in the
	// order given. An entry whose id is already stored is a duplicate and
	// changes nothing. Any other entry must be the next in the register's
	// chain (seq lastSeq+1, linked to the stored hash, its own hash intact)
	// or it is rejected, and so is every later entry of the batch.
	// ackedThrough is the highest seq up to which every entry of the
	// register is stored. err is only for failures of the store itself.
	IngestBatch(ctx context.Context, registerID string, entries []pos.Entry) (results []Outcome, ackedThrough int64, err error)

	// SyncState is the last stored entry of a register; seq 0 and
	// pos.GenesisHash when none is.
	SyncState(ctx context.Context, registerID string) (SyncState, error)

	// SalesCount counts the stored sales of a register.
	SalesCount(ctx context.Context, registerID string) (int64, error)

	// Sales lists stored sales, oldest completion first.
	Sales(ctx context.Context, f SalesFilter) ([]Sale, error)

	// SalesByHour counts the sales completed in [from, to) and sums their
	// gross per store, currency and clock hour in loc (hourly.go), without
	// reading the sales one by one.
	SalesByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]HourlySales, error)

	// Registers summarises every register that has pushed anything, with
	// the sales completed at or after since.
	Registers(ctx context.Context, since time.Time) ([]RegisterSummary, error)

	// Ping reports whether the store can serve requests (for /readyz).
	Ping(ctx context.Context) error

	Close() error
}

// Status is what became of one entry of a batch.
type Status string

const (
	Stored    Status = "stored"
	Duplicate Status = "duplicate"
	Rejected  Status = "rejected"
)

// Outcome is the result for one entry of a batch.
type Outcome struct {
	ID     string
	Seq    int64
	Status Status
	Reason string // why it was rejected; empty otherwise
}

// SyncState is the end of a register's stored chain.
type SyncState struct {
	RegisterID string
	LastSeq    int64
	LastHash   string
}

// The value types are app/headoffice's: this package implements its ports.
type (
	SalesFilter     = headoffice.SalesFilter
	Sale            = headoffice.Sale
	Amount          = headoffice.Amount
	RegisterSummary = headoffice.RegisterSummary
)

// DefaultSalesLimit caps Sales when the filter sets no limit.
const DefaultSalesLimit = headoffice.DefaultSalesLimit

// salesConditions are f's WHERE terms over the sales table, with ? for their
// args, and the row limit.
func salesConditions(f SalesFilter) (where []string, args []any, limit int) {
	if f.RegisterID != "" {
		where, args = append(where, "register_id = ?"), append(args, f.RegisterID)
	}
	if f.StoreID != "" {
		where, args = append(where, "store_id = ?"), append(args, f.StoreID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "completed_at_ms >= ?"), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where, args = append(where, "completed_at_ms < ?"), append(args, f.To.UnixMilli())
	}
	limit = f.Limit
	if limit <= 0 {
		limit = DefaultSalesLimit
	}
	return where, args, limit
}
