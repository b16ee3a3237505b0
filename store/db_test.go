package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
)

// MustOpenDB opens a fresh database in a temp dir with a register id set and
// closes it when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "till.db"))
}

func mustOpenPath(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	db.SetRegisterID("reg-test")
	db.pinParams = testPINParams
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// MustSeedDemo opens a database with the demo catalog.
func MustSeedDemo(tb testing.TB) *DB {
	tb.Helper()
	db := MustOpenDB(tb)
	if err := db.SeedDemoIfEmpty(context.Background()); err != nil {
		tb.Fatalf("SeedDemoIfEmpty: %v", err)
	}
	return db
}

func TestOpenRejectsNonFilePaths(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if db, err := Open(context.Background(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "till db with spaces.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // reopening must not re-run (or fail on) applied migrations
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Errorf("open #%d: schema version %d, want %d", i, v, len(ms))
		}
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) {
			t.Errorf("open #%d: %d schema_version rows, want %d", i, n, len(ms))
		}
		db.Close()
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
	}
	for _, h := range []struct {
		name string
		q    func(string) (string, error)
	}{
		{"writer", func(q string) (s string, err error) { err = db.w.QueryRowContext(ctx, q).Scan(&s); return }},
		{"reader", func(q string) (s string, err error) { err = db.r.QueryRowContext(ctx, q).Scan(&s); return }},
	} {
		for _, tt := range tests {
			got, err := h.q("PRAGMA " + tt.pragma)
			if err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", h.name, tt.pragma, err)
			}
			if !strings.EqualFold(got, tt.want) {
				t.Errorf("%s: PRAGMA %s = %q, want %q", h.name, tt.pragma, got, tt.want)
			}
		}
	}
	if db.w.Stats().MaxOpenConnections != 1 {
		t.Errorf("writer MaxOpenConnections = %d, want 1", db.w.Stats().MaxOpenConnections)
	}
}

func TestReadPoolCannotWrite(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	_, err := db.r.ExecContext(context.Background(), `INSERT INTO settings (key, value) VALUES ('x', 'y')`)
	if err == nil {
		t.Fatal("insert through the read pool succeeded, want query_only refusal")
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.Setting(ctx, SettingStoreName); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("unset setting: err = %v, want not_found", err)
	}
	for _, v := range []string{"Bäckerei Müller", "Café Crème GmbH"} {
		if err := db.SetSetting(ctx, SettingStoreName, v); err != nil {
			t.Fatal(err)
		}
		got, err := db.Setting(ctx, SettingStoreName)
		if err != nil || got != v {
			t.Errorf("Setting = %q, %v; want %q", got, err, v)
		}
	}
	if err := db.SetSetting(ctx, "", "x"); err == nil {
		t.Error("SetSetting with empty key succeeded")
	}
}
