package hqstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// A database whose entries were stored before the projection existed (here:
// its facts deleted behind the store's back) gets them at the next open,
// the same rows ingest wrote.
func TestSQLiteBackfillsMoneyFactsAtOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := hqstore.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.IngestBatch(ctx, "R1", hqstoretest.NewChain("R1").Sales(4)); err != nil {
		t.Fatal(err)
	}
	want, err := s.MoneyFacts(ctx, "")
	if err != nil || len(want) != 8 { // each sale: its own row and its cash tender
		t.Fatalf("%d facts after ingest (%v), want 8", len(want), err)
	}
	s.Close()

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM money_facts`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = hqstore.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.MoneyFacts(ctx, "")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after reopen: %v (%v)\nwant %v", got, err, want)
	}
}
