package main

import (
	"context"
	"net/http"
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
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", dsn}, &out, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("exited with %d:\n%s", code, out.String())
	case <-time.After(30 * time.Second):
		t.Fatal("never listened")
	}
	for _, path := range []string{"/readyz", "/v1/registers/R1/sync-state"} {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		want := 200
		if strings.HasPrefix(path, "/v1/registers/") {
			want = 401 // the register API requires an enrolled register's token
		}
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), `database="postgres://postgres@127.0.0.1:`) {
		t.Errorf("log does not name the PostgreSQL database:\n%s", out.String())
	}
}
