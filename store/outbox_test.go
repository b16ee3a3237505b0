package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

func TestOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	if depth, oldest, err := db.OutboxStats(ctx); depth != 0 || !oldest.IsZero() || err != nil {
		t.Fatalf("empty OutboxStats = %d, %v, %v", depth, oldest, err)
	}
	for i := 1; i <= 10; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		if _, err := db.Append(ctx, pos.EntrySale, fmt.Sprintf("s%d", i), at, payload("o")); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		ack       int64 // -1: no ack in this step
		wantErr   string
		wantDepth int
		wantFirst int64 // first pending seq, 0 if none
	}{
		{-1, "", 10, 1},
		{3, "", 7, 4},
		{3, "", 7, 4},            // idempotent
		{1, "", 7, 4},            // never backwards
		{0, "", 7, 4},            // never backwards
		{11, pos.EInvalid, 7, 4}, // beyond the journal
		{10, "", 0, 0},
		{10, "", 0, 0},
	}
	for i, s := range steps {
		if s.ack >= 0 {
			err := db.Ack(ctx, s.ack)
			if pos.ErrorCode(err) != s.wantErr {
				t.Fatalf("step %d: Ack(%d) = %v, want code %q", i, s.ack, err, s.wantErr)
			}
		}
		depth, oldest, err := db.OutboxStats(ctx)
		if err != nil || depth != s.wantDepth {
			t.Fatalf("step %d: depth %d, %v; want %d", i, depth, err, s.wantDepth)
		}
		pending, err := db.Pending(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		if s.wantFirst == 0 {
			if len(pending) != 0 || !oldest.IsZero() {
				t.Errorf("step %d: pending %d, oldest %v; want none", i, len(pending), oldest)
			}
			continue
		}
		if len(pending) != min(4, s.wantDepth) || pending[0].Seq != s.wantFirst {
			t.Fatalf("step %d: pending %d entries from %d; want %d from %d", i, len(pending), pending[0].Seq, min(4, s.wantDepth), s.wantFirst)
		}
		for j := 1; j < len(pending); j++ {
			if pending[j].Seq != pending[j-1].Seq+1 || pending[j].PrevHash != pending[j-1].Hash {
				t.Errorf("step %d: pending not in chain order at %d", i, j)
			}
		}
		if want := t0.Add(time.Duration(s.wantFirst) * time.Minute).Truncate(time.Millisecond); !oldest.Equal(want) {
			t.Errorf("step %d: oldest %v, want %v", i, oldest, want)
		}
	}
	if acked, _ := db.AckedThrough(ctx); acked != 10 {
		t.Errorf("AckedThrough = %d, want 10", acked)
	}
	// New entries after a full ack are pending again.
	mustAppend(t, db, "s11")
	if p, _ := db.Pending(ctx, 10); len(p) != 1 || p[0].Seq != 11 {
		t.Errorf("pending after new sale = %v", p)
	}
	// The journal itself keeps everything.
	if n, err := db.VerifyJournal(ctx); n != 11 || err != nil {
		t.Errorf("VerifyJournal = %d, %v", n, err)
	}
}
