package hqstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

func openSQLite(tb testing.TB) *hqstore.SQLite {
	tb.Helper()
	s, err := hqstore.OpenSQLite(context.Background(), filepath.Join(tb.TempDir(), "hq.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	hqstoretest.Run(t, func(t *testing.T) hqstore.Store { return openSQLite(t) })
}

func TestSQLiteKeepsEntriesAcrossReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	c := hqstoretest.NewChain("R1")
	for i := range 2 {
		s, err := hqstore.OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		res, acked, err := s.IngestBatch(ctx, "R1", c.Sales(3))
		if err != nil {
			t.Fatal(err)
		}
		if acked != int64(3*(i+1)) || res[0].Status != hqstore.Stored {
			t.Errorf("open %d: acked %d, first %+v", i, acked, res[0])
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenSQLiteRefusesMemory(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", ":memory:"} {
		if s, err := hqstore.OpenSQLite(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("OpenSQLite(%q) succeeded", p)
		}
	}
}
