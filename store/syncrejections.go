package store

import (
	"context"
	"fmt"
	"time"
)

// SyncRejection is a journal entry the head office refused, as the
// register keeps it for the manager (table sync_rejections).
type SyncRejection struct {
	EntryID   string
	Seq       int64
	Reason    string
	FirstSeen time.Time
	LastSeen  time.Time
}

// RecordSyncRejection notes that the head office refused an entry and
// returns when it was first refused (kept across restarts).
func (db *DB) RecordSyncRejection(ctx context.Context, entryID string, seq int64, reason string, at time.Time) (time.Time, error) {
	var first int64
	err := db.w.QueryRowContext(ctx, `INSERT INTO sync_rejections (entry_id, seq, reason, first_seen, last_seen)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (entry_id) DO UPDATE SET reason = excluded.reason, last_seen = excluded.last_seen
		RETURNING first_seen`, entryID, seq, reason, at.UnixMilli(), at.UnixMilli()).Scan(&first)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: record sync rejection: %w", err)
	}
	return time.UnixMilli(first), nil
}

// ClearSyncRejections forgets refused entries once the journal flows again.
func (db *DB) ClearSyncRejections(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sync_rejections`); err != nil {
		return fmt.Errorf("store: clear sync rejections: %w", err)
	}
	return nil
}

// SyncRejections lists the refused entries, oldest seq first.
func (db *DB) SyncRejections(ctx context.Context) ([]SyncRejection, error) {
	out, err := queryAll(ctx, db.r, func(row scanner) (SyncRejection, error) {
		var r SyncRejection
		var first, last int64
		err := row.Scan(&r.EntryID, &r.Seq, &r.Reason, &first, &last)
		r.FirstSeen, r.LastSeen = time.UnixMilli(first), time.UnixMilli(last)
		return r, err
	}, `SELECT entry_id, seq, reason, first_seen, last_seen FROM sync_rejections ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("store: sync rejections: %w", err)
	}
	return out, nil
}
