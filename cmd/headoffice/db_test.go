package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestDBFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"mysql url", []string{"-db", "mysql://u@h/db"}, "want a postgres://"},
		{"plain path", []string{"-db", "/var/lib/hq.db"}, "leave it out for SQLite"},
		{"password is not echoed", []string{"-db", "mysql://u:s3cret@h/db"}, "xxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out syncBuffer
			if code := run(context.Background(), tt.args, &out, nil); code != 2 {
				t.Errorf("exit code %d, want 2:\n%s", code, out.String())
			}
			if !strings.Contains(out.String(), tt.want) || strings.Contains(out.String(), "s3cret") {
				t.Errorf("output lacks %q (or shows the password):\n%s", tt.want, out.String())
			}
		})
	}
}

func TestServesFromPostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	addr, done := startServer(t, ctx, []string{"-db", dsn}, &out, 30*time.Second)
	checkStatuses(t, addr, "/readyz", "/v1/registers/R1/sync-state")
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), `database="postgres://postgres@127.0.0.1:`) {
		t.Errorf("log does not name the PostgreSQL database:\n%s", out.String())
	}
}
