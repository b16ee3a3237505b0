package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_793_238, time.UTC)

func payload(s string) func(int64) ([]byte, error) {
	return func(seq int64) ([]byte, error) { return fmt.Appendf(nil, `{"seq":%d,"note":%q}`, seq, s), nil }
}

func mustAppend(t testing.TB, db *DB, id string) pos.Entry {
	t.Helper()
	e, err := db.Append(context.Background(), pos.EntrySale, id, t0, payload(id))
	if err != nil {
		t.Fatalf("Append(%s): %v", id, err)
	}
	return e
}

func TestAppendChains(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	prev := pos.GenesisHash
	for i := int64(1); i <= 5; i++ {
		id := fmt.Sprintf("sale-%d", i)
		e := mustAppend(t, db, id)
		if e.Seq != i || e.PrevHash != prev || e.Hash != e.ComputeHash() || e.RegisterID != "reg-test" {
			t.Fatalf("entry %d = %+v (prev want %s)", i, e, prev)
		}
		if want := fmt.Sprintf(`{"seq":%d,"note":%q}`, i, id); string(e.Payload) != want {
			t.Errorf("payload %s, want %s (build must get the entry's seq)", e.Payload, want)
		}
		got, err := db.EntryByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash != e.Hash || !got.CreatedAt.Equal(t0.Truncate(time.Millisecond)) || string(got.Payload) != string(e.Payload) {
			t.Errorf("stored entry %+v differs from returned %+v", got, e)
		}
		prev = e.Hash
	}
	n, err := db.VerifyJournal(ctx)
	if err != nil || n != 5 {
		t.Errorf("VerifyJournal = %d, %v; want 5, nil", n, err)
	}
	es, err := db.Entries(ctx, 2, 2)
	if err != nil || len(es) != 2 || es[0].Seq != 3 || es[1].Seq != 4 {
		t.Errorf("Entries(2, 2) = %v, %v", es, err)
	}
	if _, err := db.EntryByID(ctx, "nope"); pos.ErrorCode(err) != pos.ENotFound {
		t.Errorf("EntryByID(unknown) err = %v, want not_found", err)
	}
}

func TestAppendFailuresLeaveNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	errBuild := pos.Errorf(pos.EConflict, "the sale is not fully paid")
	tests := []struct {
		name     string
		register string
		id       string
		build    func(int64) ([]byte, error)
		wantCode string
		wantIs   error
	}{
		{"build fails", "reg-test", "s2", func(int64) ([]byte, error) { return nil, errBuild }, pos.EConflict, errBuild},
		{"duplicate id", "reg-test", "s1", payload("again"), pos.EConflict, nil},
		{"no register id", "", "s2", payload("x"), pos.EInternal, nil},
		{"no id", "reg-test", "", payload("x"), pos.EInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := MustOpenDB(t)
			mustAppend(t, db, "s1")
			db.SetRegisterID(tt.register)
			_, err := db.Append(ctx, pos.EntrySale, tt.id, t0, tt.build)
			if pos.ErrorCode(err) != tt.wantCode {
				t.Errorf("err = %v (code %q), want code %q", err, pos.ErrorCode(err), tt.wantCode)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.wantIs)
			}
			db.SetRegisterID("reg-test")
			// The failed append used no seq and left no outbox row.
			if e := mustAppend(t, db, "s3"); e.Seq != 2 {
				t.Errorf("next seq = %d, want 2", e.Seq)
			}
			if depth, _, _ := db.OutboxStats(ctx); depth != 2 {
				t.Errorf("outbox depth %d, want 2", depth)
			}
		})
	}
}

func TestAppendConcurrent(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := db.Append(ctx, pos.EntrySale, fmt.Sprintf("w%d-%d", w, i), time.Now(), payload("c")); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := db.VerifyJournal(ctx); err != nil || n != workers*each {
		t.Errorf("VerifyJournal = %d, %v; want %d", n, err, workers*each)
	}
}

func TestJournalIsAppendOnly(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	mustAppend(t, db, "s1")
	for _, q := range []string{
		`UPDATE journal SET payload = x'00' WHERE seq = 1`,
		`UPDATE journal SET hash = 'x'`,
		`DELETE FROM journal WHERE seq = 1`,
		`DELETE FROM journal`,
	} {
		_, err := db.w.Exec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
	if n, err := db.VerifyJournal(context.Background()); n != 1 || err != nil {
		t.Errorf("VerifyJournal = %d, %v", n, err)
	}
}

func TestVerifyJournalFindsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name       string
		tamper     []string
		wantSeq    int64
		wantReason string
	}{
		{"payload byte edited", []string{`UPDATE journal SET payload = CAST(replace(CAST(payload AS TEXT), 's4', 's9') AS BLOB) WHERE seq = 4`}, 4, "edited"},
		{"amount edited and rehashed", nil, 0, ""}, // filled below: rehash breaks the next link
		{"entry deleted", []string{`DELETE FROM outbox WHERE seq = 3`, `DELETE FROM journal WHERE seq = 3`}, 4, "gap"},
		{"register changed", []string{`UPDATE journal SET register_id = 'other' WHERE seq = 2`}, 2, "edited"},
		{"time changed", []string{`UPDATE journal SET created_at = created_at + 1 WHERE seq = 5`}, 5, "edited"},
		{"untouched", nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := MustOpenDB(t)
			var entries []pos.Entry
			for i := 1; i <= 6; i++ {
				entries = append(entries, mustAppend(t, db, fmt.Sprintf("s%d", i)))
			}
			tamper := tt.tamper
			wantSeq, wantReason := tt.wantSeq, tt.wantReason
			if tt.name == "amount edited and rehashed" {
				// A forger who recomputes the edited entry's own hash still
				// breaks the link from the entry after it.
				e := entries[2]
				e.Payload = []byte(`{"seq":3,"note":"forged"}`)
				e.Hash = e.ComputeHash()
				tamper = []string{fmt.Sprintf(`UPDATE journal SET payload = CAST('%s' AS BLOB), hash = '%s' WHERE seq = 3`, e.Payload, e.Hash)}
				wantSeq, wantReason = 4, "previous-hash"
			}
			if _, err := db.w.Exec(`DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete`); err != nil {
				t.Fatal(err)
			}
			for _, q := range tamper {
				if _, err := db.w.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			n, err := db.VerifyJournal(ctx)
			if wantSeq == 0 {
				if err != nil || n != 6 {
					t.Fatalf("VerifyJournal = %d, %v; want 6, nil", n, err)
				}
				return
			}
			var ce *pos.ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("VerifyJournal err = %v, want *pos.ChainError", err)
			}
			if ce.Seq != wantSeq || !strings.Contains(ce.Reason, wantReason) {
				t.Errorf("ChainError = %+v, want seq %d reason containing %q", ce, wantSeq, wantReason)
			}
			if n != wantSeq-1 && !(tt.name == "entry deleted" && n == 2) {
				t.Errorf("verified %d entries before the break, want %d", n, wantSeq-1)
			}
		})
	}
}
