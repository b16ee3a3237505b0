package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.JournalReader = (*DB)(nil)

func kindArgs(afterSeq int64, kinds []pos.EntryKind) (string, []any) {
	args := []any{afterSeq}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ","), args
}

// EntriesOfKind returns the entries of these kinds with seq > afterSeq, in
// seq order (one index range per kind: journal_kind_seq).
func (db *DB) EntriesOfKind(ctx context.Context, afterSeq int64, kinds ...pos.EntryKind) ([]pos.Entry, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	in, args := kindArgs(afterSeq, kinds)
	return db.queryEntries(ctx, `SELECT `+entryColumns+` FROM journal WHERE seq > ? AND kind IN (`+in+`) ORDER BY seq`, args...)
}

// LastOfKind returns the latest entry of one of these kinds.
func (db *DB) LastOfKind(ctx context.Context, kinds ...pos.EntryKind) (pos.Entry, bool, error) {
	if len(kinds) == 0 {
		return pos.Entry{}, false, nil
	}
	in, args := kindArgs(0, kinds)
	e, err := scanEntry(db.r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM journal WHERE seq > ? AND kind IN (`+in+`)
		ORDER BY seq DESC LIMIT 1`, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return pos.Entry{}, false, nil
	} else if err != nil {
		return pos.Entry{}, false, fmt.Errorf("store: last %v: %w", kinds, err)
	}
	return e, true, nil
}
