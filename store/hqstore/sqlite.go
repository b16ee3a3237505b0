package hqstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go

	"github.com/tillpos/till/app/pos"
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// SQLite is the Store on one SQLite file: one writer connection (SQLite has
// one writer anyway; a single connection turns lock waits into queueing) and
// a pool of read-only connections for reports, which WAL lets run alongside.
type SQLite struct {
	w, r *sql.DB
	now  func() time.Time
}

var _ Store = (*SQLite)(nil)

// sqliteDSN puts the pragmas in the DSN so every pooled connection gets them.
// synchronous(FULL): an acknowledged entry must survive a power cut, because
// the register deletes it from its outbox once acknowledged.
func sqliteDSN(path string, readOnly bool) string {
	q := "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	if readOnly {
		q += "&_pragma=query_only(1)"
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q
}

// OpenSQLite opens (creating if needed) the head-office database at path and
// applies pending migrations. path must be a file: ":memory:" would give each
// connection its own empty database.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") {
		return nil, fmt.Errorf("hqstore: %q is not a database file path", path)
	}
	if err := privateFiles(path); err != nil {
		return nil, fmt.Errorf("hqstore: %w", err)
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("hqstore: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := migrateSQLite(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("hqstore: migrate %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("hqstore: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	s := &SQLite{w: w, r: r, now: time.Now}
	if err := s.backfillStock(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.backfillMoneyFacts(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// privateFiles creates the database file owner-only (it holds takings and
// the hashes of register tokens) before SQLite would create it with the
// umask's 0644, and tightens an existing one. SQLite gives its -wal and -shm
// files the database file's mode.
func privateFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o037 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// migrateSQLite applies the embedded migrations in name order; PRAGMA
// user_version records how many have run.
func migrateSQLite(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(sqliteMigrations, "migrations/sqlite/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > len(names) {
		return fmt.Errorf("database schema version %d is newer than this program (%d)", version, len(names))
	}
	for i := version; i < len(names); i++ {
		body, err := sqliteMigrations.ReadFile(names[i])
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", names[i], err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes both connection pools.
func (s *SQLite) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping checks that the file can still be read and written to.
func (s *SQLite) Ping(ctx context.Context) error {
	return errors.Join(s.w.PingContext(ctx), s.r.PingContext(ctx))
}

// IngestBatch implements Store.
func (s *SQLite) IngestBatch(ctx context.Context, registerID string, entries []pos.Entry) ([]Outcome, int64, error) {
	if registerID == "" {
		return nil, 0, pos.Errorf(pos.EInvalid, "register id is empty")
	}
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE via _txlock: no upgrade deadlock
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: begin: %w", err)
	}
	defer tx.Rollback()

	lastSeq, lastHash, lastAt := int64(0), pos.GenesisHash, int64(0)
	err = tx.QueryRowContext(ctx, `SELECT last_seq, last_hash, last_entry_at_ms FROM registers WHERE register_id = ?`,
		registerID).Scan(&lastSeq, &lastHash, &lastAt)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("hqstore: read chain end of %s: %w", registerID, err)
	}
	if !known && len(entries) > 0 {
		// The entries reference the register row; create it up front and
		// let the rollback drop it if nothing gets stored.
		if _, err := tx.ExecContext(ctx, `INSERT INTO registers (register_id, last_seq, last_hash, last_entry_at_ms, updated_at_ms)
			VALUES (?, 0, ?, 0, ?)`, registerID, pos.GenesisHash, s.now().UnixMilli()); err != nil {
			return nil, 0, fmt.Errorf("hqstore: add register %s: %w", registerID, err)
		}
	}

	lookup, err := tx.PrepareContext(ctx, `SELECT hash FROM entries WHERE register_id = ? AND id = ?`)
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: prepare: %w", err)
	}
	defer lookup.Close()
	insEntry, err := tx.PrepareContext(ctx, `INSERT INTO entries
		(id, register_id, seq, kind, created_at_ms, payload, prev_hash, hash, received_at_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: prepare: %w", err)
	}
	defer insEntry.Close()
	insSale, err := tx.PrepareContext(ctx, `INSERT INTO sales
		(entry_id, register_id, seq, sale_id, store_id, receipt_no, currency, total_gross, completed_at_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: prepare: %w", err)
	}
	defer insSale.Close()

	// Entries stored earlier in this batch are in the transaction, so a
	// repeat of one is found here too.
	storedHash := func(id string) (string, bool, error) {
		var hash string
		err := lookup.QueryRowContext(ctx, registerID, id).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, nil
		}
		return hash, err == nil, err
	}

	nowT := s.now()
	now := nowT.UnixMilli()
	results := make([]Outcome, len(entries))
	stored, broken := 0, false
	var project []pos.Entry // stored now: their money facts go in this transaction too
	for i, e := range entries {
		out, sale, err := judge(registerID, e, lastSeq, lastHash, broken, nowT, storedHash)
		if err != nil {
			return nil, 0, fmt.Errorf("hqstore: look up entry %s: %w", e.ID, err)
		}
		broken = broken || out.Status == Rejected
		if out.Status == Stored {
			res, err := insEntry.ExecContext(ctx, e.ID, registerID, e.Seq, string(e.Kind), e.CreatedAt.UnixMilli(),
				nonNil(e.Payload), e.PrevHash, e.Hash, now)
			if err != nil {
				return nil, 0, fmt.Errorf("hqstore: store entry %s: %w", e.ID, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				// Only possible if the checks above missed a conflict; never
				// claim "stored" for a row that is not there.
				return nil, 0, fmt.Errorf("hqstore: entry %s (seq %d) conflicted on insert", e.ID, e.Seq)
			}
			if sale != nil {
				if _, err := insSale.ExecContext(ctx, e.ID, registerID, e.Seq, sale.SaleID, sale.StoreID, sale.ReceiptNo,
					sale.Currency, sale.TotalGross, sale.CompletedAt.UnixMilli()); err != nil {
					return nil, 0, fmt.Errorf("hqstore: store sale of entry %s: %w", e.ID, err)
				}
			}
			lastSeq, lastHash, lastAt = e.Seq, e.Hash, e.CreatedAt.UnixMilli()
			project = append(project, e)
			stored++
		}
		results[i] = out
	}
	if stored > 0 {
		facts, err := projectStored(ctx, sqliteTx{tx}, registerID, project)
		if err == nil {
			err = insertFactsSQLite(ctx, tx, facts.money)
		}
		if err == nil {
			err = insertLineEventFacts(ctx, sqliteTx{tx}, facts)
		}
		if err != nil {
			return nil, 0, err
		}
		if err := ingestStockSQLite(ctx, tx, registerID, project); err != nil {
			return nil, 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registers SET last_seq = ?, last_hash = ?, last_entry_at_ms = ?, updated_at_ms = ?
			WHERE register_id = ?`, lastSeq, lastHash, lastAt, now, registerID); err != nil {
			return nil, 0, fmt.Errorf("hqstore: advance chain end of %s: %w", registerID, err)
		}
		if err := tx.Commit(); err != nil {
			return nil, 0, fmt.Errorf("hqstore: commit: %w", err)
		}
	}
	return results, lastSeq, nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// SyncState implements Store.
func (s *SQLite) SyncState(ctx context.Context, registerID string) (SyncState, error) {
	st := SyncState{RegisterID: registerID, LastHash: pos.GenesisHash}
	err := s.r.QueryRowContext(ctx, `SELECT last_seq, last_hash FROM registers WHERE register_id = ?`, registerID).
		Scan(&st.LastSeq, &st.LastHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SyncState{}, fmt.Errorf("hqstore: sync state of %s: %w", registerID, err)
	}
	return st, nil
}

// SalesCount implements Store.
func (s *SQLite) SalesCount(ctx context.Context, registerID string) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sales WHERE register_id = ?`, registerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("hqstore: count sales of %s: %w", registerID, err)
	}
	return n, nil
}

// Sales implements Store.
func (s *SQLite) Sales(ctx context.Context, f SalesFilter) ([]Sale, error) {
	where, args, limit := salesConditions(f)
	q := `SELECT ` + saleColumnList + ` FROM sales`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY completed_at_ms, register_id, seq LIMIT ?"
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: list sales: %w", err)
	}
	defer rows.Close()
	out, err := scanAll(rows, scanSale)
	if err != nil {
		return nil, fmt.Errorf("hqstore: list sales: %w", err)
	}
	return out, nil
}

// Registers implements Store.
func (s *SQLite) Registers(ctx context.Context, since time.Time) ([]RegisterSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.register_id, r.last_seq, r.last_hash, r.last_entry_at_ms,
		(SELECT count(*) FROM sales s WHERE s.register_id = r.register_id)
		FROM registers r WHERE r.last_seq > 0 ORDER BY r.register_id`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: list registers: %w", err)
	}
	defer rows.Close()
	out, err := scanAll(rows, scanRegisterSummary)
	if err != nil {
		return nil, fmt.Errorf("hqstore: list registers: %w", err)
	}
	rows.Close()

	totals, err := s.r.QueryContext(ctx, `SELECT register_id, currency, count(*), `+grossSumColumns+` FROM sales
		WHERE completed_at_ms >= ? GROUP BY register_id, currency ORDER BY register_id, currency`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("hqstore: sum sales: %w", err)
	}
	defer totals.Close()
	if err := addSalesSince(out, totals); err != nil {
		return nil, fmt.Errorf("hqstore: sum sales: %w", err)
	}
	return out, nil
}
