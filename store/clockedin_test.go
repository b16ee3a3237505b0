package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store/testseed"
)

// clocked_in, kept in each clock entry's transaction, equals the fold of the
// journal's clock entries and its rebuild (migration 0011's statement), over
// random clock-ins and -outs.
func TestClockedInIsRebuildableFromTheJournal(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	rng := testseed.Rand(testseed.For(t), 1)
	at := time.Date(2026, 12, 7, 8, 0, 0, 123_000_000, time.UTC)
	for i := range 200 {
		emp := fmt.Sprintf("e-%d", rng.IntN(6))
		rec := register.ClockRecord{EmployeeID: emp, Employee: emp, In: rng.IntN(3) != 0, At: at.Add(time.Duration(i) * time.Minute)}
		if _, err := db.Append(ctx, pos.EntryClockInOut, fmt.Sprintf("c-%d", i), rec.At, jsonPayload(rec)); err != nil {
			t.Fatal(err)
		}
		if i%20 != 19 {
			continue
		}
		kept, err := db.ClockedIn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		es, err := db.EntriesOfKind(ctx, 0, pos.EntryClockInOut)
		if err != nil {
			t.Fatal(err)
		}
		want, err := register.FoldClockedIn(es)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RebuildClockedIn(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := db.ClockedIn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !sameClock(kept, want) || !sameClock(rebuilt, want) {
			t.Fatalf("after %d entries: kept %v, rebuilt %v, fold %v", i+1, kept, rebuilt, want)
		}
	}
	// The migration rebuilds with the same statement.
	mig, err := os.ReadFile("migrations/0011_clocked_in.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(mig)), " "), strings.Join(strings.Fields(rebuildClockedInSQL), " ")) {
		t.Fatal("migration 0011 does not rebuild clocked_in with rebuildClockedInSQL")
	}
}

func sameClock(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if !a[k].Equal(v) {
			return false
		}
	}
	return true
}

func jsonPayload(v any) register.BuildPayload {
	return func(int64) ([]byte, error) { return json.Marshal(v) }
}
