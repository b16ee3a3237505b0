package register

import (
	"context"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Catalog finds products. Lookups return a *pos.Error with code ENotFound for
// an unknown barcode or id.
type Catalog interface {
	ProductByBarcode(ctx context.Context, code string) (pos.Product, error)
	Product(ctx context.Context, id string) (pos.Product, error)
	TaxRate(ctx context.Context, id string) (pos.TaxRate, error)
	Categories(ctx context.Context) ([]pos.Category, error)
	// QuickKeys returns the quick-key products of a category, in display order.
	QuickKeys(ctx context.Context, categoryID string) ([]pos.Product, error)
}

// BuildPayload makes an entry's payload once its sequence number is known
// (the receipt number is derived from it), inside the journal's transaction.
// It may read the journal (EntryByID, JournalLookup): those reads see every
// committed entry, and nothing else commits until Append returns.
type BuildPayload func(seq int64) ([]byte, error)

// Journal is the append-only, hash-chained record of everything the register
// does. Append writes the entry and its outbox row in one durable transaction.
type Journal interface {
	Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build BuildPayload) (pos.Entry, error)
	EntryByID(ctx context.Context, id string) (pos.Entry, error)
}

// Printer prints a document. It may fail (paper out, unplugged); the sale is
// committed before anything is printed and never depends on it.
type Printer interface {
	Print(ctx context.Context, doc pos.Doc) error
}

// Clock tells the time; tests inject a fixed or stepping clock.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
