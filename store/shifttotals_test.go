package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/register/registertest"
	"github.com/tillpos/till/store/testseed"
)

// The kept shift totals equal the fold of the journal and a rebuild from
// it, after a random day; and opening a database whose open shift has no
// row (as after migration 0012 on a register with a shift open) builds it.
func TestShiftTotalsAreRebuildableFromTheJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "till.db")
	db := mustOpenPath(t, path)
	rng := testseed.Rand(testseed.For(t), 12)
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	report := func(step string) string {
		t.Helper()
		kept, ok, err := db.ShiftTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		es, err := db.Entries(ctx, 0, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		want, wok, err := register.FoldShiftTotals(es)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := json.Marshal(kept.Report())
		wb, _ := json.Marshal(want.Report())
		if ok != wok || string(kb) != string(wb) {
			t.Fatalf("%s: kept (%v) %s, fold (%v) %s", step, ok, kb, wok, wb)
		}
		return string(kb)
	}
	opened := false
	for i := range 300 {
		kind, v := registertest.RandomShiftEntry(rng, i, at)
		opened = opened || kind == pos.EntryShiftOpen
		if _, err := db.Append(ctx, kind, fmt.Sprintf("e-%d", i), at, jsonPayload(v)); err != nil {
			t.Fatal(err)
		}
		if i%25 != 24 {
			continue
		}
		before := report(fmt.Sprintf("after %d entries", i+1))
		if err := db.RebuildShiftTotals(ctx); err != nil {
			t.Fatal(err)
		}
		if after := report(fmt.Sprintf("rebuilt after %d entries", i+1)); after != before {
			t.Fatalf("rebuild changed the totals: %s, was %s", after, before)
		}
	}
	if !opened {
		t.Fatal("the random day opened no shift")
	}
	// A shift open and its row gone: Open builds it from the journal.
	if _, err := db.Append(ctx, pos.EntryShiftOpen, "last-open", at, jsonPayload(register.ShiftOpenRecord{ShiftID: "last", Float: 700, At: at})); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		kind, v := registertest.RandomShiftEntry(rng, 1000+i, at)
		if kind == pos.EntryShiftOpen || kind == pos.EntryZReport {
			continue
		}
		if _, err := db.Append(ctx, kind, fmt.Sprintf("l-%d", i), at, jsonPayload(v)); err != nil {
			t.Fatal(err)
		}
	}
	want := report("last shift")
	if _, err := db.w.ExecContext(ctx, `DELETE FROM shift_totals`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpenPath(t, path)
	if got := report("reopened"); got != want {
		t.Fatalf("reopened without the row: %s, want %s", got, want)
	}
}
