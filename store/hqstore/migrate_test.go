package hqstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/store/hqstore/pgtest"
)

// entryIDsVersion is the migration count before entry ids became unique
// per register (0005_entry_ids_per_register.sql).
const entryIDsVersion = 4

func migrationFiles(t *testing.T, dialect string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("migrations", dialect, "*.sql"))
	if err != nil || len(names) <= entryIDsVersion {
		t.Fatalf("migrations: %v %v", names, err)
	}
	sort.Strings(names)
	return names[:entryIDsVersion]
}

// oldRows are the rows a head office before 0005 held: one sale of R1 under
// id X-00000001, which R2 will use too.
func oldRows(t *testing.T) (pos.Entry, string) {
	c := hqstoretest.NewChain("R1")
	c.IDPrefix = "X"
	return c.Sales(1)[0], "INSERT INTO registers VALUES ('R1', 1, $1, 0, 0)"
}

// checkMigrated: the old sale is still there and R2 can store its own X-00000001.
func checkMigrated(t *testing.T, st hqstore.Store) {
	t.Helper()
	ctx := context.Background()
	if n, err := st.SalesCount(ctx, "R1"); err != nil || n != 1 {
		t.Fatalf("R1 after migration: %d sales, %v", n, err)
	}
	sales, err := st.Sales(ctx, hqstore.SalesFilter{RegisterID: "R1"})
	if err != nil || len(sales) != 1 || sales[0].EntryID != "X-00000001" || sales[0].TotalGross != 100 {
		t.Fatalf("R1's sale after migration: %+v, %v", sales, err)
	}
	c := hqstoretest.NewChain("R2")
	c.IDPrefix = "X"
	res, acked, err := st.IngestBatch(ctx, "R2", c.Sales(2))
	if err != nil || acked != 2 || res[0].Status != hqstore.Stored {
		t.Fatalf("R2 with R1's ids: %+v acked %d, %v", res, acked, err)
	}
	r1 := hqstoretest.NewChain("R1")
	r1.IDPrefix = "X"
	r1.Sales(1)
	if _, acked, err := st.IngestBatch(ctx, "R1", r1.Sales(1)); err != nil || acked != 2 {
		t.Fatalf("R1 goes on after migration: acked %d, %v", acked, err)
	}
}

func TestSQLiteMigratesEntryIDsPerRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range migrationFiles(t, "sqlite") {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	e, insReg := oldRows(t)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{fmt.Sprintf("PRAGMA user_version = %d", entryIDsVersion), nil},
		{insReg, []any{e.Hash}},
		{"INSERT INTO entries VALUES ($1, 'R1', 1, 'sale', $2, $3, $4, $5, 0)", []any{e.ID, e.CreatedAt.UnixMilli(), e.Payload, e.PrevHash, e.Hash}},
		{"INSERT INTO sales VALUES ($1, 'R1', 1, 'R1-sale-1', 'S1', 'R1-000001', 'EUR', 100, $2)", []any{e.ID, e.CreatedAt.UnixMilli()}},
	} {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	db.Close()
	st, err := hqstore.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkMigrated(t, st)
}

func TestPostgresMigratesEntryIDsPerRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for i, name := range migrationFiles(t, "postgres") {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", i+1, name); err != nil {
			t.Fatal(err)
		}
	}
	e, insReg := oldRows(t)
	if _, err := conn.Exec(ctx, insReg, e.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO entries VALUES ($1, 'R1', 1, 'sale', $2, $3, $4, $5, 0)",
		e.ID, e.CreatedAt.UnixMilli(), e.Payload, e.PrevHash, e.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO sales VALUES ($1, 'R1', 1, 'R1-sale-1', 'S1', 'R1-000001', 'EUR', 100, $2)",
		e.ID, e.CreatedAt.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	st, err := hqstore.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkMigrated(t, st)
}
