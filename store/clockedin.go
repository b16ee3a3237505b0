package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// rebuildClockedInSQL is migration 0011's rebuild of clocked_in from the
// journal: the last clock entry of each employee, when it clocked in.
const rebuildClockedInSQL = `INSERT INTO clocked_in (employee_id, since)
	SELECT json_extract(CAST(j.payload AS TEXT), '$.employee_id'), json_extract(CAST(j.payload AS TEXT), '$.at')
	FROM journal j
	WHERE j.kind = 'clock' AND json_extract(CAST(j.payload AS TEXT), '$.in') = 1
	AND j.seq = (SELECT max(k.seq) FROM journal k WHERE k.kind = 'clock'
		AND json_extract(CAST(k.payload AS TEXT), '$.employee_id') = json_extract(CAST(j.payload AS TEXT), '$.employee_id'));`

// applyClock keeps clocked_in in the clock entry's transaction.
func applyClock(ctx context.Context, tx *sql.Tx, e pos.Entry) error {
	var rec register.ClockRecord
	if err := json.Unmarshal(e.Payload, &rec); err != nil {
		return fmt.Errorf("clock entry: %w", err)
	}
	if !rec.In {
		_, err := tx.ExecContext(ctx, `DELETE FROM clocked_in WHERE employee_id = ?`, rec.EmployeeID)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO clocked_in (employee_id, since) VALUES (?, ?)
		ON CONFLICT (employee_id) DO UPDATE SET since = excluded.since`, rec.EmployeeID, rec.At.Format(time.RFC3339Nano))
	return err
}

// ClockedIn returns who is clocked in and since when, from the clocked_in
// projection (one row per employee clocked in).
func (db *DB) ClockedIn(ctx context.Context) (map[string]time.Time, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT employee_id, since FROM clocked_in`)
	if err != nil {
		return nil, fmt.Errorf("store: clocked in: %w", err)
	}
	defer rows.Close()
	in := map[string]time.Time{}
	for rows.Next() {
		var id, since string
		if err := rows.Scan(&id, &since); err != nil {
			return nil, fmt.Errorf("store: clocked in: %w", err)
		}
		at, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			return nil, fmt.Errorf("store: clocked in %s: %w", id, err)
		}
		in[id] = at
	}
	return in, rows.Err()
}

// RebuildClockedIn recomputes clocked_in from the journal, as migration 0011 did.
func (db *DB) RebuildClockedIn(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: rebuild clocked in: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM clocked_in`); err != nil {
		return fmt.Errorf("store: rebuild clocked in: %w", err)
	}
	if _, err := tx.ExecContext(ctx, rebuildClockedInSQL); err != nil {
		return fmt.Errorf("store: rebuild clocked in: %w", err)
	}
	return tx.Commit()
}
