package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// applyShiftTotals keeps shift_totals in the entry's transaction: a
// shift_open starts the row, a Z report ends it, any other entry is applied
// to the open shift's row (register.ShiftTotals.Apply, the one definition).
func applyShiftTotals(ctx context.Context, tx *sql.Tx, e pos.Entry) error {
	switch e.Kind {
	case pos.EntryShiftOpen:
		var rec register.ShiftOpenRecord
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			return fmt.Errorf("shift open entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM shift_totals`); err != nil {
			return err
		}
		return putShiftTotals(ctx, tx, register.NewShiftTotals(rec, e.Seq))
	case pos.EntryZReport:
		_, err := tx.ExecContext(ctx, `DELETE FROM shift_totals`)
		return err
	}
	t, ok, err := readShiftTotals(ctx, tx)
	if err != nil || !ok {
		return err
	}
	if err := t.Apply(e); err != nil {
		return err
	}
	return putShiftTotals(ctx, tx, t)
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func readShiftTotals(ctx context.Context, q queryer) (register.ShiftTotals, bool, error) {
	var b string
	err := q.QueryRowContext(ctx, `SELECT totals FROM shift_totals`).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return register.ShiftTotals{}, false, nil
	} else if err != nil {
		return register.ShiftTotals{}, false, err
	}
	var t register.ShiftTotals
	if err := json.Unmarshal([]byte(b), &t); err != nil {
		return register.ShiftTotals{}, false, fmt.Errorf("shift totals: %w", err)
	}
	return t, true, nil
}

func putShiftTotals(ctx context.Context, tx *sql.Tx, t register.ShiftTotals) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO shift_totals (shift_id, totals) VALUES (?, ?)
		ON CONFLICT (shift_id) DO UPDATE SET totals = excluded.totals`, t.R.ShiftID, string(b))
	return err
}

// ShiftTotals returns the open shift's running totals from the
// shift_totals projection; ok is false when no shift is open.
func (db *DB) ShiftTotals(ctx context.Context) (register.ShiftTotals, bool, error) {
	t, ok, err := readShiftTotals(ctx, db.r)
	if err != nil {
		return register.ShiftTotals{}, false, fmt.Errorf("store: shift totals: %w", err)
	}
	return t, ok, nil
}

// ensureShiftTotals builds shift_totals from the journal when the open
// shift has no row: once, after migration 0012 on a register with a shift
// open. One indexed lookup otherwise.
func (db *DB) ensureShiftTotals(ctx context.Context) error {
	var kind, payload string
	err := db.w.QueryRowContext(ctx, `SELECT kind, CAST(payload AS TEXT) FROM journal
		WHERE kind IN ('shift_open', 'z_report') ORDER BY seq DESC LIMIT 1`).Scan(&kind, &payload)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != string(pos.EntryShiftOpen)) {
		return nil
	} else if err != nil {
		return err
	}
	var rec register.ShiftOpenRecord
	if err := json.Unmarshal([]byte(payload), &rec); err != nil {
		return fmt.Errorf("shift open entry: %w", err)
	}
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM shift_totals WHERE shift_id = ?`, rec.ShiftID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return db.rebuildShiftTotals(ctx)
}

// RebuildShiftTotals recomputes shift_totals from the journal: the open
// shift's entries folded by register.ShiftTotals.Apply.
func (db *DB) RebuildShiftTotals(ctx context.Context) error {
	if err := db.rebuildShiftTotals(ctx); err != nil {
		return fmt.Errorf("store: rebuild shift totals: %w", err)
	}
	return nil
}

func (db *DB) rebuildShiftTotals(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM shift_totals`); err != nil {
		return err
	}
	var openSeq int64
	var kind, payload string
	err = tx.QueryRowContext(ctx, `SELECT seq, kind, CAST(payload AS TEXT) FROM journal
		WHERE kind IN ('shift_open', 'z_report') ORDER BY seq DESC LIMIT 1`).Scan(&openSeq, &kind, &payload)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != string(pos.EntryShiftOpen)) {
		return tx.Commit() // no shift open: no row
	} else if err != nil {
		return err
	}
	var rec register.ShiftOpenRecord
	if err := json.Unmarshal([]byte(payload), &rec); err != nil {
		return fmt.Errorf("shift open entry %d: %w", openSeq, err)
	}
	t := register.NewShiftTotals(rec, openSeq)
	// Page through the shift: memory stays one page.
	for after := openSeq; ; {
		rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM journal WHERE seq > ? ORDER BY seq LIMIT 1000`, after)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			e, err := scanEntry(rows)
			if err == nil {
				err = t.Apply(e)
			}
			if err != nil {
				rows.Close()
				return err
			}
			after, n = e.Seq, n+1
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if n < 1000 {
			break
		}
	}
	if err := putShiftTotals(ctx, tx, t); err != nil {
		return err
	}
	return tx.Commit()
}
