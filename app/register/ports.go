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
	// SearchProducts finds products by name, SKU or barcode as the
	// cashier types (search.go).
	SearchProducts(ctx context.Context, query string, limit int) ([]pos.Product, error)
}

// BuildPayload makes an entry's payload once its sequence number is known
// (the receipt number is derived from it), inside the journal's transaction.
// It may read the journal (EntryByID, JournalLookup): those reads see every
// committed entry, and nothing else commits until Append returns.
type BuildPayload func(seq int64) ([]byte, error)

// BuildPrintJob makes the print job of an entry being appended, inside the
// journal's transaction (after BuildPayload).
type BuildPrintJob func(e pos.Entry) (PrintJob, error)

// Journal is the append-only, hash-chained record of everything the register
// does. Append writes the entry and its outbox row in one durable transaction.
// Every use case reads it through this one port: shifts, reports and clock
// state (JournalReader), returns and voids (JournalLookup). A wrapper must
// implement all of it, so none of those features can be switched off by a
// forgotten method. registertest.RunJournalSuite checks an implementation.
type Journal interface {
	Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build BuildPayload) (pos.Entry, error)
	// AppendPrinted is Append that also stores the print job job makes from
	// the sealed entry, in the same transaction, in the print queue the
	// spooler reads: a committed sale's receipt is never lost to a crash
	// between two commits, and a sale costs one durable commit. An error
	// from job appends nothing.
	AppendPrinted(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build BuildPayload, job BuildPrintJob) (pos.Entry, error)
	// EntryByID returns an entry by id (pos.ENotFound if none).
	EntryByID(ctx context.Context, id string) (pos.Entry, error)
	JournalReader
	JournalLookup
}

// JournalReader reads the journal back: shift state, reports and clock
// state are computed from it, so they survive a restart and always agree
// with the hash-chained record.
type JournalReader interface {
	// EntriesOfKind returns the entries of these kinds with seq > afterSeq, in order.
	EntriesOfKind(ctx context.Context, afterSeq int64, kinds ...pos.EntryKind) ([]pos.Entry, error)
	// LastOfKind returns the latest entry of one of these kinds; ok is false when there is none.
	LastOfKind(ctx context.Context, kinds ...pos.EntryKind) (e pos.Entry, ok bool, err error)
	// Entries returns up to limit entries with seq > afterSeq, in order.
	Entries(ctx context.Context, afterSeq int64, limit int) ([]pos.Entry, error)
	// ClockedIn returns who is clocked in and since when: what
	// FoldClockedIn makes of every clock entry, kept as state so a login
	// does not read the register's whole history.
	ClockedIn(ctx context.Context) (map[string]time.Time, error)
	// ShiftTotals returns the open shift's running totals: what
	// FoldShiftTotals makes of its entries, kept as state so an X or Z
	// report does not read the whole shift; ok is false when no shift is open.
	ShiftTotals(ctx context.Context) (t ShiftTotals, ok bool, err error)
}

// JournalLookup finds completed entries for returns and voids.
type JournalLookup interface {
	// EntryBySeq returns an entry by sequence number (pos.ENotFound if none).
	EntryBySeq(ctx context.Context, seq int64) (pos.Entry, error)
	// EntriesReferringTo lists the void and return entries whose record
	// refers to the sale id.
	EntriesReferringTo(ctx context.Context, saleID string) ([]pos.Entry, error)
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
