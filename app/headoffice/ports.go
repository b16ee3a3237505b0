package headoffice

import (
	"context"
	"github.com/tillpos/till/app/headoffice/books"
	"io"
	"time"
)

// Registry is the list of stores and registers (store/hqstore.Registry).
type Registry interface {
	AddStore(ctx context.Context, s StoreInfo) error
	Stores(ctx context.Context) ([]StoreInfo, error)
	// AddRegister creates a register of an existing store with a pending
	// enrollment code of which only the hash is kept; ErrNotFound for an
	// unknown store, ErrExists for a taken id.
	AddRegister(ctx context.Context, r RegisterAccount, code PendingCode) error
	RegisterAccounts(ctx context.Context) ([]RegisterAccount, error)
	// RevokeRegister wipes a register's token, key and code; ErrNotFound.
	RevokeRegister(ctx context.Context, registerID string, at time.Time) error
}

// Sales reads the stored sales and the registers' sync position.
type Sales interface {
	Sales(ctx context.Context, f SalesFilter) ([]Sale, error)
	// SalesByHour aggregates the sales completed in [from, to) per store,
	// currency and clock hour in loc.
	SalesByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]HourlySales, error)
	// Registers summarises every register that has pushed anything, with
	// the sales completed at or after since.
	Registers(ctx context.Context, since time.Time) ([]RegisterSummary, error)
}

// Health is the registers' last heartbeats.
type Health interface {
	RegisterHealth(ctx context.Context) ([]RegisterHealth, error)
}

// Catalog is catalog administration on the stored catalog.
type Catalog interface {
	// ApplyCatalog writes a batch atomically; a refused batch is a
	// *CatalogError. It returns the feed cursor of the last change.
	ApplyCatalog(ctx context.Context, b CatalogBatch) (int64, error)
	CatalogSnapshot(ctx context.Context, storeID string) (CatalogSnapshot, error)
}

// CatalogFiles reads catalog files in the register's format and applies
// them. A file or employee that fails the register's checks is a
// *pos.Error with code pos.EInvalid whose message says what is wrong.
type CatalogFiles interface {
	ImportCatalog(ctx context.Context, r io.Reader) (cursor int64, err error)
	// SetEmployee adds or changes one employee given as catalog-file JSON
	// (name, role, pin or pin_hash, active, sort).
	SetEmployee(ctx context.Context, id string, employeeJSON []byte) (cursor int64, err error)
}

// Traffic is what the register-facing API saw since this process started
// (sync/syncserver keeps it in memory): when each register last called and
// how many of its pushed entries were accepted or rejected.
type Traffic interface {
	// IngestSuccessRatio is the accepted share of every entry pushed.
	IngestSuccessRatio() float64
	// RegisterTraffic is one register's; zero values when it has not called.
	RegisterTraffic(registerID string) (lastSeen time.Time, accepted, rejected float64)
}

// Money is the projection of every entry that moves money (MoneyFact).
type Money interface {
	// MoneyByHour sums the facts dated in [from, to) per store, register,
	// local clock hour in loc, kind, tender and currency.
	MoneyByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]MoneyTotal, error)
}

// Facts reads the projection's line, tender and event facts for reports
// and the books.
type Facts interface {
	// FactTotals groups the facts dated in [q.From, q.To) of q.StoreID (""
	// for all) by q.By: line facts, or tender money facts for ByTender.
	// ByDay and ByHour keys are local to q.Loc ("2006-01-02", "15").
	// ByCategory is not a column: ask ByProduct and map.
	FactTotals(ctx context.Context, q FactQuery) ([]FactTotal, error)
	// Events lists the event facts of kind dated in [q.From, q.To) of
	// q.StoreID, by time.
	Events(ctx context.Context, q FactQuery, kind EventKind) ([]EventFact, error)
}

// Ledger keeps the business days whose books were exported (closed) and
// what was booked for each: the exported postings and later corrections.
type Ledger interface {
	// BookedDays returns every closed day of storeID with its postings.
	BookedDays(ctx context.Context, storeID string) (map[string][]books.Posting, error)
	// SaveBookedDays records days as closed with the postings booked for
	// them, replacing what was saved before, in one transaction.
	SaveBookedDays(ctx context.Context, storeID string, days map[string][]books.Posting) error
}
