package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Pending returns up to limit journal entries the head office has not yet
// acknowledged, in seq order.
func (db *DB) Pending(ctx context.Context, limit int) ([]pos.Entry, error) {
	if limit <= 0 {
		return nil, nil
	}
	return db.queryEntries(ctx, `SELECT j.seq, j.id, j.register_id, j.kind, j.created_at, j.payload, j.prev_hash, j.hash
		FROM outbox o JOIN journal j ON j.seq = o.seq ORDER BY o.seq LIMIT ?`, limit)
}

// Ack marks every entry up to throughSeq as acknowledged. It is idempotent
// and never goes backwards: acking a lower seq than before does nothing.
// Acking beyond the last journal entry is an error (the head office cannot
// have received what was never written).
func (db *DB) Ack(ctx context.Context, throughSeq int64) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: ack %d: %w", throughSeq, err)
	}
	defer tx.Rollback()
	var acked, last int64
	if err := tx.QueryRowContext(ctx, `SELECT acked_through, (SELECT coalesce(max(seq), 0) FROM journal) FROM outbox_state WHERE id = 1`).
		Scan(&acked, &last); err != nil {
		return fmt.Errorf("store: ack %d: %w", throughSeq, err)
	}
	if throughSeq > last {
		return pos.Errorf(pos.EInvalid, "Acknowledgement for entry %d, but the journal ends at %d", throughSeq, last)
	}
	if throughSeq <= acked {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE seq <= ?`, throughSeq); err != nil {
		return fmt.Errorf("store: ack %d: %w", throughSeq, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox_state SET acked_through = ? WHERE id = 1`, throughSeq); err != nil {
		return fmt.Errorf("store: ack %d: %w", throughSeq, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: ack %d: commit: %w", throughSeq, err)
	}
	return nil
}

// AckedThrough returns the highest acknowledged seq (0 if none).
func (db *DB) AckedThrough(ctx context.Context) (int64, error) {
	var acked int64
	if err := db.r.QueryRowContext(ctx, `SELECT acked_through FROM outbox_state WHERE id = 1`).Scan(&acked); err != nil {
		return 0, fmt.Errorf("store: acked through: %w", err)
	}
	return acked, nil
}

// OutboxStats returns how many entries wait for the head office and when the
// oldest of them was created (zero time when none wait).
func (db *DB) OutboxStats(ctx context.Context) (depth int, oldest time.Time, err error) {
	var ms sql.NullInt64
	err = db.r.QueryRowContext(ctx, `SELECT count(*),
		(SELECT j.created_at FROM outbox o JOIN journal j ON j.seq = o.seq ORDER BY o.seq LIMIT 1)
		FROM outbox`).Scan(&depth, &ms)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	if ms.Valid {
		oldest = time.UnixMilli(ms.Int64).UTC()
	}
	return depth, oldest, nil
}
