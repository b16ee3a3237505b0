package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the register's database. Its methods are safe for concurrent use.
type DB struct {
	w *sql.DB // the one writer connection
	r *sql.DB // the read pool

	mu         sync.Mutex // guards registerID and clock
	registerID string
	clock      register.Clock // for the PIN lockout; nil: the wall clock
	pinParams  pinhash.Params // argon2id cost of new PIN hashes; zero: pinhash.Default
	keys       *sql.DB        // the customer directory's key file (customers.go); nil: none

	stmts statements
}

// Open opens (creating if needed) the database at path and applies any
// migrations not yet applied. path must be a file: ":memory:" would give every
// pooled connection its own empty database.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("store: open %q: give a file path", path)
	}
	// Pragmas go in the DSN so every pooled connection gets them.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		// 16 MiB of page cache per connection (SQLite's default is 2 MiB):
		// a 100k-product catalog's indexes stay in memory.
		"&_pragma=cache_size(-16384)"
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: w}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: migrate %s: %w", path, err)
	}
	if err := db.ensureShiftTotals(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: shift totals %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", base+readPragmas)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r = r
	if err := db.stmts.prepare(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.close()
	var errs []error
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	errs = append(errs, db.w.Close())
	db.mu.Lock()
	if db.keys != nil {
		errs = append(errs, db.keys.Close())
	}
	db.mu.Unlock()
	return errors.Join(errs...)
}

// SetRegisterID sets the register id written into every journal entry. It is
// set once at start-up (from the configuration); Append refuses to write
// without one.
func (db *DB) SetRegisterID(id string) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.registerID = id
}

func (db *DB) registerIDOrErr() (string, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.registerID == "" {
		return "", pos.Errorf(pos.EInternal, "The register has no id: check the configuration.")
	}
	return db.registerID, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", base)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := range ms {
		if ms[i].version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", ms[i].name, i+1)
		}
	}
	return ms, nil
}

// migrate applies, in order, each migration not yet in schema_version, each in
// its own transaction: a crash leaves the schema at a whole version.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
	)`); err != nil {
		return err
	}
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, m migration) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// readPragmas make the readers query_only: a bug that writes through the read
// pool fails loudly instead of racing the writer.
const readPragmas = "&_pragma=query_only(1)"
