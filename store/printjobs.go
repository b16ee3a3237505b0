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

// The register's spooler keeps its jobs here.
var _ register.PrintQueue = (*DB)(nil)

// AddPrintJob persists a new print job (durably: the spooler prints only
// what it has recorded).
func (db *DB) AddPrintJob(ctx context.Context, j register.PrintJob) error {
	return insertPrintJob(ctx, db.w, j)
}

// execer is a write handle or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertPrintJob(ctx context.Context, w execer, j register.PrintJob) error {
	doc, err := json.Marshal(j.Doc)
	if err != nil {
		return fmt.Errorf("store: print job %s: encode doc: %w", j.ID, err)
	}
	_, err = w.ExecContext(ctx, `INSERT INTO print_jobs
		(id, doc_id, kind, doc, state, attempts, last_error, resumed, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.Doc.ID, string(j.Kind), string(doc), string(j.State), j.Attempts, j.LastError, printJobFlag(j.Resumed),
		j.Created.UnixMilli(), j.Updated.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: add print job %s: %w", j.ID, err)
	}
	return nil
}

// UpdatePrintJob records a job's state, attempts, last error and resumed
// flag. It returns ENotFound for an unknown job.
func (db *DB) UpdatePrintJob(ctx context.Context, j register.PrintJob) error {
	res, err := db.w.ExecContext(ctx, `UPDATE print_jobs
		SET state = ?, attempts = ?, last_error = ?, resumed = ?, updated_at = ? WHERE id = ?`,
		string(j.State), j.Attempts, j.LastError, printJobFlag(j.Resumed), j.Updated.UnixMilli(), j.ID)
	if err != nil {
		return fmt.Errorf("store: update print job %s: %w", j.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: update print job %s: %w", j.ID, err)
	} else if n == 0 {
		return pos.Errorf(pos.ENotFound, "No print job %s", j.ID)
	}
	return nil
}

// UnfinishedPrintJobs returns the jobs not done, oldest first.
func (db *DB) UnfinishedPrintJobs(ctx context.Context) ([]register.PrintJob, error) {
	return db.queryPrintJobs(ctx, `WHERE state <> 'done' ORDER BY created_at, id`)
}

// PrintJob returns one job, or ENotFound.
func (db *DB) PrintJob(ctx context.Context, id string) (register.PrintJob, error) {
	js, err := db.queryPrintJobs(ctx, `WHERE id = ?`, id)
	if err != nil {
		return register.PrintJob{}, err
	}
	if len(js) == 0 {
		return register.PrintJob{}, pos.Errorf(pos.ENotFound, "No print job %s", id)
	}
	return js[0], nil
}

// PrintJobsForDoc returns every job that printed (or will print) a
// document, oldest first: the original and its copies.
func (db *DB) PrintJobsForDoc(ctx context.Context, docID string) ([]register.PrintJob, error) {
	return db.queryPrintJobs(ctx, `WHERE doc_id = ? ORDER BY created_at, id`, docID)
}

// PrunePrintJobs deletes done jobs last updated before t and returns how
// many went; the journal keeps the sales, so old jobs are only history.
func (db *DB) PrunePrintJobs(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM print_jobs WHERE state = 'done' AND updated_at < ?`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: prune print jobs: %w", err)
	}
	return res.RowsAffected()
}

func (db *DB) queryPrintJobs(ctx context.Context, where string, args ...any) ([]register.PrintJob, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, kind, doc, state, attempts, last_error, resumed, created_at, updated_at
		FROM print_jobs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: print jobs: %w", err)
	}
	defer rows.Close()
	var out []register.PrintJob
	for rows.Next() {
		var (
			j                register.PrintJob
			kind, doc, state string
			resumed          int
			created, updated int64
		)
		if err := rows.Scan(&j.ID, &kind, &doc, &state, &j.Attempts, &j.LastError, &resumed, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: print jobs: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &j.Doc); err != nil {
			return nil, fmt.Errorf("store: print job %s: decode doc: %w", j.ID, err)
		}
		j.Kind, j.State, j.Resumed = register.JobKind(kind), register.JobState(state), resumed != 0
		j.Created, j.Updated = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		out = append(out, j)
	}
	return out, rows.Err()
}

func printJobFlag(b bool) int {
	if b {
		return 1
	}
	return 0
}
