package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.Journal = (*DB)(nil)

// Append writes one journal entry and its outbox row in one immediate write
// transaction: it reads the last seq and hash, asks build for the payload of
// the next seq, seals the entry onto the chain and commits. With
// synchronous=FULL the entry is on disk when Append returns nil.
func (db *DB) Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	return db.appendEntry(ctx, kind, id, at, build, nil)
}

// AppendPrinted is Append that also inserts the entry's print job (a
// receipt) in the same transaction: one fsync per sale, and no crash
// between the sale's commit and its receipt's.
func (db *DB) AppendPrinted(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload, job register.BuildPrintJob) (pos.Entry, error) {
	if job == nil {
		return pos.Entry{}, pos.Errorf(pos.EInvalid, "AppendPrinted needs a print job")
	}
	return db.appendEntry(ctx, kind, id, at, build, job)
}

func (db *DB) appendEntry(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload, job register.BuildPrintJob) (pos.Entry, error) {
	registerID, err := db.registerIDOrErr()
	if err != nil {
		return pos.Entry{}, err
	}
	if id == "" || kind == "" {
		return pos.Entry{}, pos.Errorf(pos.EInvalid, "A journal entry needs an id and a kind")
	}
	tx, err := db.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock in the DSN)
	if err != nil {
		return pos.Entry{}, fmt.Errorf("store: append %s: begin: %w", id, err)
	}
	defer tx.Rollback()

	// Read the chain's head inside the transaction: nothing else can write
	// between this read and the insert, in this process or another.
	lastSeq, prevHash := int64(0), pos.GenesisHash
	err = tx.StmtContext(ctx, db.stmts.lastEntry).QueryRowContext(ctx).Scan(&lastSeq, &prevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return pos.Entry{}, fmt.Errorf("store: append %s: read last entry: %w", id, err)
	}
	e := pos.Entry{Seq: lastSeq + 1, ID: id, RegisterID: registerID, Kind: kind, CreatedAt: at}
	if e.Payload, err = build(e.Seq); err != nil {
		return pos.Entry{}, fmt.Errorf("store: append %s: build payload: %w", id, err)
	}
	if e.Payload == nil {
		e.Payload = []byte{} // NOT NULL column; hashing treats nil and empty alike
	}
	e.Seal(prevHash)
	_, err = tx.StmtContext(ctx, db.stmts.insertEntry).ExecContext(ctx,
		e.Seq, e.ID, e.RegisterID, string(e.Kind), e.CreatedAt.UnixMilli(), e.Payload, e.PrevHash, e.Hash)
	if err != nil {
		if isUniqueViolation(err) {
			return pos.Entry{}, fmt.Errorf("store: append %s: %w", id,
				pos.Errorf(pos.EConflict, "This was already recorded (entry %s).", id))
		}
		return pos.Entry{}, fmt.Errorf("store: append %s: insert: %w", id, err)
	}
	if _, err := tx.StmtContext(ctx, db.stmts.insertOutbox).ExecContext(ctx, e.Seq); err != nil {
		return pos.Entry{}, fmt.Errorf("store: append %s: outbox: %w", id, err)
	}
	if kind == pos.EntryClockInOut {
		if err := applyClock(ctx, tx, e); err != nil {
			return pos.Entry{}, fmt.Errorf("store: append %s: clocked in: %w", id, err)
		}
	}
	if err := applyShiftTotals(ctx, tx, e); err != nil {
		return pos.Entry{}, fmt.Errorf("store: append %s: shift totals: %w", id, err)
	}
	if job != nil {
		j, err := job(e)
		if err != nil {
			return pos.Entry{}, fmt.Errorf("store: append %s: build print job: %w", id, err)
		}
		if err := insertPrintJob(ctx, tx, j); err != nil {
			return pos.Entry{}, fmt.Errorf("store: append %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return pos.Entry{}, fmt.Errorf("store: append %s: commit: %w", id, err)
	}
	return e, nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

const entryColumns = `seq, id, register_id, kind, created_at, payload, prev_hash, hash`

func scanEntry(row scanner) (pos.Entry, error) {
	var e pos.Entry
	var kind string
	var ms int64
	if err := row.Scan(&e.Seq, &e.ID, &e.RegisterID, &kind, &ms, &e.Payload, &e.PrevHash, &e.Hash); err != nil {
		return pos.Entry{}, err
	}
	e.Kind = pos.EntryKind(kind)
	e.CreatedAt = time.UnixMilli(ms).UTC()
	if e.Payload == nil {
		e.Payload = []byte{}
	}
	return e, nil
}

// EntryByID returns the journal entry with this id, or ENotFound.
func (db *DB) EntryByID(ctx context.Context, id string) (pos.Entry, error) {
	e, err := scanEntry(db.r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM journal WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return pos.Entry{}, pos.Errorf(pos.ENotFound, "No record %s in this register's journal", id)
	} else if err != nil {
		return pos.Entry{}, fmt.Errorf("store: entry %s: %w", id, err)
	}
	return e, nil
}

// Entries returns up to limit entries with seq > afterSeq, in seq order.
func (db *DB) Entries(ctx context.Context, afterSeq int64, limit int) ([]pos.Entry, error) {
	return db.queryEntries(ctx, `SELECT `+entryColumns+` FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
}

func (db *DB) queryEntries(ctx context.Context, query string, args ...any) ([]pos.Entry, error) {
	out, err := queryAll(ctx, db.r, scanEntry, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: entries: %w", err)
	}
	return out, nil
}

// VerifyJournal walks the whole chain from the genesis and returns how many
// entries verified. A broken link (gap, wrong previous hash, edited content)
// is returned as the *pos.ChainError of the first bad entry.
func (db *DB) VerifyJournal(ctx context.Context) (int64, error) {
	// One read transaction: a consistent snapshot even while sales go on.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("store: verify journal: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM journal ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("store: verify journal: %w", err)
	}
	defer rows.Close()
	v := pos.NewChainVerifier(0, pos.GenesisHash)
	var n int64
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return n, fmt.Errorf("store: verify journal: %w", err)
		}
		if err := v.Next(e); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: verify journal: %w", err)
	}
	return n, nil
}
