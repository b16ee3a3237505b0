package hqstore_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/store/hqstore/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func openPostgres(tb testing.TB) *hqstore.Postgres {
	tb.Helper()
	s, err := hqstore.OpenPostgres(context.Background(), pgtest.DSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	hqstoretest.Run(t, func(t *testing.T) hqstore.Store { return openPostgres(t) })
}

func TestPostgresMigrationsAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	// Several head offices starting at once against one database: the
	// advisory lock lets exactly one apply each migration.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := hqstore.OpenPostgres(ctx, dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	c := hqstoretest.NewChain("R1")
	for i := range 2 {
		s, err := hqstore.OpenPostgres(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		_, acked, err := s.IngestBatch(ctx, "R1", c.Sales(3))
		s.Close()
		if err != nil || acked != int64(3*(i+1)) {
			t.Fatalf("reopen %d: acked %d, %v", i, acked, err)
		}
	}
}

func TestOpenPostgresBadDSN(t *testing.T) {
	t.Parallel()
	if s, err := hqstore.OpenPostgres(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"); err == nil {
		s.Close()
		t.Error("OpenPostgres of a closed port succeeded")
	}
}
