package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// rebuild-facts remakes the projection from the stored entries: the same
// rows as ingest wrote, and a count of them.
func TestRebuildFactsCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := hqstore.OpenSQLite(ctx, filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.IngestBatch(ctx, "R1", hqstoretest.NewChain("R1").Sales(20)); err != nil {
		t.Fatal(err)
	}
	money, _ := st.MoneyFacts(ctx, "")
	lines, _ := st.LineFacts(ctx, "")
	if len(money) != 40 || len(lines) != 60 {
		t.Fatalf("ingest projected %d money and %d line facts, want 40 and 60", len(money), len(lines))
	}
	st.Close()

	var out, errOut bytes.Buffer
	if code := rebuildFacts(ctx, []string{"-data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("rebuild-facts: %d %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "facts rebuilt: 100 rows") {
		t.Errorf("rebuild-facts printed %q", out.String())
	}
	st, err = hqstore.OpenSQLite(ctx, filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	money2, _ := st.MoneyFacts(ctx, "")
	lines2, _ := st.LineFacts(ctx, "")
	eq := func(a, b hqstore.MoneyFact) bool { return a == b && a.At.Equal(b.At) }
	if !slices.EqualFunc(money, money2, eq) || !slices.EqualFunc(lines, lines2, func(a, b hqstore.LineFact) bool { return a == b && a.At.Equal(b.At) }) {
		t.Errorf("rebuilt facts differ from ingest's")
	}
	if code := rebuildFacts(ctx, []string{"-data", dir, "extra"}, &out, &errOut); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
}
