package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.JournalLookup = (*DB)(nil)

// EntryBySeq returns the entry with this sequence number (a receipt number
// names it), or ENotFound.
func (db *DB) EntryBySeq(ctx context.Context, seq int64) (pos.Entry, error) {
	e, err := scanEntry(db.r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM journal WHERE seq = ?`, seq))
	if errors.Is(err, sql.ErrNoRows) {
		return pos.Entry{}, pos.Errorf(pos.ENotFound, "No entry %d in this register's journal", seq)
	} else if err != nil {
		return pos.Entry{}, fmt.Errorf("store: entry %d: %w", seq, err)
	}
	return e, nil
}

// EntriesReferringTo lists the void and return entries whose record refers
// to saleID, in order. Voids and returns are few: the kind index narrows the
// scan to them before their payloads are read.
func (db *DB) EntriesReferringTo(ctx context.Context, saleID string) ([]pos.Entry, error) {
	return db.queryEntries(ctx, `SELECT `+entryColumns+` FROM journal
		WHERE kind IN (?, ?) AND json_extract(CAST(payload AS TEXT), '$.refers_to') = ? ORDER BY seq`,
		string(pos.EntryVoid), string(pos.EntryReturn), saleID)
}
