package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tillpos/till/store/hqstore/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestMissingPostgres runs TestHelperDSN in a child process with no
// PostgreSQL to find: a developer's machine skips, CI fails.
func TestMissingPostgres(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ci string
		wantFail bool
		want     string
	}{
		{"skips on a developer machine", "", false, "SKIP"},
		{"fails in CI", "true", true, "FAIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDSN$", "-test.v")
			cmd.Env = append(os.Environ(), "PGTEST_HELPER=1", "TILL_PG_BIN="+t.TempDir(), "TILL_PG_DSN=", "CI="+tt.ci)
			out, err := cmd.CombinedOutput()
			if (err != nil) != tt.wantFail {
				t.Errorf("child exit error %v, want failure %v:\n%s", err, tt.wantFail, out)
			}
			if !strings.Contains(string(out), tt.want) || !strings.Contains(string(out), "initdb and postgres were not found") {
				t.Errorf("child output lacks %q and the reason:\n%s", tt.want, out)
			}
		})
	}
}

func TestHelperDSN(t *testing.T) {
	if os.Getenv("PGTEST_HELPER") != "1" {
		t.Skip("helper for TestMissingPostgres")
	}
	pgtest.DSN(t)
}

func TestDatabasesAreSeparate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := pgtest.DSN(t), pgtest.DSN(t)
	if a == b {
		t.Fatalf("two callers got one database %s", a)
	}
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, `CREATE TABLE only_in_a (x int)`); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var n int
	if err := cb.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table of database a visible in b: %d, %v", n, err)
	}
}
