package hqstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tillpos/till/app/pos"
)

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

// Postgres is the Store on a PostgreSQL database, for a chain that outgrows
// one SQLite file: many writers at once (one per register, serialised per
// register by a row lock), reports on other connections.
type Postgres struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

var _ Store = (*Postgres)(nil)

// migrationLock is the advisory lock key that serialises migrations when
// several head-office processes start against one database.
const migrationLock = 0x7111_0001

// OpenPostgres connects to the database at dsn (a postgres:// URL or a
// key=value string) and applies pending migrations.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("hqstore: postgres DSN: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("hqstore: connect to postgres: %w", err)
	}
	if err := migratePostgres(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("hqstore: migrate postgres: %w", err)
	}
	s := &Postgres{pool: pool, now: time.Now}
	if err := s.backfillStock(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.backfillMoneyFacts(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// migratePostgres applies the embedded migrations in name order, each in
// its own transaction together with its row in schema_migrations.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	names, err := fs.Glob(postgresMigrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	var version int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return err
	}
	if version > len(names) {
		return fmt.Errorf("database schema version %d is newer than this program (%d)", version, len(names))
	}
	for i := version; i < len(names); i++ {
		body, err := postgresMigrations.ReadFile(names[i])
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, i+1, names[i])
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Close closes the connection pool.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (s *Postgres) Ping(ctx context.Context) error {
	return s.pool.Ping(ctx)
}

// IngestBatch implements Store. The register's row is created if missing
// and then locked, so concurrent batches of one register see each other's
// results; batches of different registers run in parallel.
func (s *Postgres) IngestBatch(ctx context.Context, registerID string, entries []pos.Entry) ([]Outcome, int64, error) {
	if registerID == "" {
		return nil, 0, pos.Errorf(pos.EInvalid, "register id is empty")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: begin: %w", err)
	}
	defer tx.Rollback(context.Background())

	nowT := s.now()
	now := nowT.UnixMilli()
	if len(entries) > 0 {
		// Waits for another batch of this register that is creating the row
		// right now; a rollback (nothing stored) leaves no row behind.
		if _, err := tx.Exec(ctx, `INSERT INTO registers (register_id, last_seq, last_hash, last_entry_at_ms, updated_at_ms)
			VALUES ($1, 0, $2, 0, $3) ON CONFLICT (register_id) DO NOTHING`, registerID, pos.GenesisHash, now); err != nil {
			return nil, 0, fmt.Errorf("hqstore: add register %s: %w", registerID, err)
		}
	}
	lastSeq, lastHash, lastAt := int64(0), pos.GenesisHash, int64(0)
	err = tx.QueryRow(ctx, `SELECT last_seq, last_hash, last_entry_at_ms FROM registers WHERE register_id = $1 FOR UPDATE`,
		registerID).Scan(&lastSeq, &lastHash, &lastAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, fmt.Errorf("hqstore: lock chain end of %s: %w", registerID, err)
	}
	if len(entries) == 0 {
		return []Outcome{}, lastSeq, nil
	}

	// One round trip for the duplicate check of the whole batch.
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	known := make(map[string]string, len(entries))
	rows, err := tx.Query(ctx, `SELECT id, hash FROM entries WHERE register_id = $1 AND id = ANY($2)`, registerID, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: look up entries: %w", err)
	}
	for rows.Next() {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("hqstore: look up entries: %w", err)
		}
		known[id] = hash
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("hqstore: look up entries: %w", err)
	}

	var ins entryColumns
	var sales saleColumns
	results := make([]Outcome, len(entries))
	storedHash := func(id string) (string, bool, error) {
		hash, ok := known[id]
		return hash, ok, nil
	}
	broken := false
	var project []pos.Entry // stored now: their money facts go in this transaction too
	for i, e := range entries {
		out, sale, _ := judge(registerID, e, lastSeq, lastHash, broken, nowT, storedHash) // storedHash cannot fail
		broken = broken || out.Status == Rejected
		if out.Status == Stored {
			ins.add(e, registerID, now)
			if sale != nil {
				sales.add(e, registerID, sale)
			}
			known[e.ID] = e.Hash // a repeat later in this batch is a duplicate
			project = append(project, e)
			lastSeq, lastHash, lastAt = e.Seq, e.Hash, e.CreatedAt.UnixMilli()
		}
		results[i] = out
	}
	if len(ins.id) == 0 {
		return results, lastSeq, nil // nothing new: roll back, keep no empty register row
	}
	// unnest turns the column arrays into rows: one statement per table for
	// the whole batch. ON CONFLICT DO NOTHING plus the count check means a
	// row that appeared behind our back is reported, never overwritten.
	tag, err := tx.Exec(ctx, `INSERT INTO entries
		(id, register_id, seq, kind, created_at_ms, payload, prev_hash, hash, received_at_ms)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bytea[], $7::text[], $8::text[], $9::bigint[])
		ON CONFLICT DO NOTHING`,
		ins.id, ins.register, ins.seq, ins.kind, ins.createdAt, ins.payload, ins.prevHash, ins.hash, ins.receivedAt)
	if err != nil {
		return nil, 0, fmt.Errorf("hqstore: store entries of %s: %w", registerID, err)
	}
	if tag.RowsAffected() != int64(len(ins.id)) {
		return nil, 0, fmt.Errorf("hqstore: %d of %d entries of %s conflicted on insert", int64(len(ins.id))-tag.RowsAffected(), len(ins.id), registerID)
	}
	if len(sales.entryID) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO sales
			(entry_id, register_id, seq, sale_id, store_id, receipt_no, currency, total_gross, completed_at_ms)
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])`,
			sales.entryID, sales.register, sales.seq, sales.saleID, sales.storeID, sales.receiptNo, sales.currency, sales.gross, sales.completedAt); err != nil {
			return nil, 0, fmt.Errorf("hqstore: store sales of %s: %w", registerID, err)
		}
	}
	facts, err := projectStored(ctx, pgCatalogTx{tx}, registerID, project)
	if err == nil {
		err = insertFactsPG(ctx, tx, facts.money)
	}
	if err == nil {
		err = insertLineEventFacts(ctx, pgCatalogTx{tx}, facts)
	}
	if err != nil {
		return nil, 0, err
	}
	if err := ingestStockPG(ctx, tx, registerID, project); err != nil {
		return nil, 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE registers SET last_seq = $1, last_hash = $2, last_entry_at_ms = $3, updated_at_ms = $4
		WHERE register_id = $5`, lastSeq, lastHash, lastAt, now, registerID); err != nil {
		return nil, 0, fmt.Errorf("hqstore: advance chain end of %s: %w", registerID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, 0, fmt.Errorf("hqstore: commit: %w", err)
	}
	return results, lastSeq, nil
}

// entryColumns holds a batch's new entries column by column for unnest.
type entryColumns struct {
	id, register, kind, prevHash, hash []string
	seq, createdAt, receivedAt         []int64
	payload                            [][]byte
}

func (c *entryColumns) add(e pos.Entry, registerID string, now int64) {
	c.id = append(c.id, e.ID)
	c.register = append(c.register, registerID)
	c.seq = append(c.seq, e.Seq)
	c.kind = append(c.kind, string(e.Kind))
	c.createdAt = append(c.createdAt, e.CreatedAt.UnixMilli())
	c.payload = append(c.payload, nonNil(e.Payload))
	c.prevHash = append(c.prevHash, e.PrevHash)
	c.hash = append(c.hash, e.Hash)
	c.receivedAt = append(c.receivedAt, now)
}

// saleColumns holds a batch's new sales column by column for unnest.
type saleColumns struct {
	entryID, register, saleID, storeID, receiptNo, currency []string
	seq, gross, completedAt                                 []int64
}

func (c *saleColumns) add(e pos.Entry, registerID string, s *saleFigures) {
	c.entryID = append(c.entryID, e.ID)
	c.register = append(c.register, registerID)
	c.seq = append(c.seq, e.Seq)
	c.saleID = append(c.saleID, s.SaleID)
	c.storeID = append(c.storeID, s.StoreID)
	c.receiptNo = append(c.receiptNo, s.ReceiptNo)
	c.currency = append(c.currency, s.Currency)
	c.gross = append(c.gross, s.TotalGross)
	c.completedAt = append(c.completedAt, s.CompletedAt.UnixMilli())
}

// SyncState implements Store.
func (s *Postgres) SyncState(ctx context.Context, registerID string) (SyncState, error) {
	st := SyncState{RegisterID: registerID, LastHash: pos.GenesisHash}
	err := s.pool.QueryRow(ctx, `SELECT last_seq, last_hash FROM registers WHERE register_id = $1`, registerID).
		Scan(&st.LastSeq, &st.LastHash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return SyncState{}, fmt.Errorf("hqstore: sync state of %s: %w", registerID, err)
	}
	return st, nil
}

// SalesCount implements Store.
func (s *Postgres) SalesCount(ctx context.Context, registerID string) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sales WHERE register_id = $1`, registerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("hqstore: count sales of %s: %w", registerID, err)
	}
	return n, nil
}

// Sales implements Store.
func (s *Postgres) Sales(ctx context.Context, f SalesFilter) ([]Sale, error) {
	where, args, limit := salesConditions(f)
	for i := range where {
		where[i] = strings.Replace(where[i], "?", "$"+strconv.Itoa(i+1), 1)
	}
	q := `SELECT ` + saleColumnList + ` FROM sales`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	// COLLATE "C": byte order, as SQLite sorts, whatever the database locale.
	q += ` ORDER BY completed_at_ms, register_id COLLATE "C", seq LIMIT $` + strconv.Itoa(len(args))
	rows, err := s.pool.Query(ctx, q, args...)
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
func (s *Postgres) Registers(ctx context.Context, since time.Time) ([]RegisterSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.register_id, r.last_seq, r.last_hash, r.last_entry_at_ms,
		(SELECT count(*) FROM sales s WHERE s.register_id = r.register_id)
		FROM registers r WHERE r.last_seq > 0 ORDER BY r.register_id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: list registers: %w", err)
	}
	out, err := scanAll(rows, scanRegisterSummary)
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("hqstore: list registers: %w", err)
	}

	totals, err := s.pool.Query(ctx, `SELECT register_id, currency, count(*), `+grossSumColumnsPG+` FROM sales
		WHERE completed_at_ms >= $1 GROUP BY register_id, currency ORDER BY register_id, currency COLLATE "C"`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("hqstore: sum sales: %w", err)
	}
	defer totals.Close()
	if err := addSalesSince(out, totals); err != nil {
		return nil, fmt.Errorf("hqstore: sum sales: %w", err)
	}
	return out, nil
}
