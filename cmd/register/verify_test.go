package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store"
)

// TestVerifyJournalSubcommand: `register verify-journal` passes an intact
// journal and names the first broken link after a row's bytes are edited
// behind the triggers' back.
func TestVerifyJournalSubcommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "register.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetRegisterID("R1")
	for i := range 5 {
		payload := []byte(`{"sale":` + string(rune('0'+i)) + `}`)
		if _, err := db.Append(ctx, pos.EntrySale, "sale-"+string(rune('a'+i)), time.Now(),
			func(int64) ([]byte, error) { return payload, nil }); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if err := verifyJournal([]string{"-data", dir}); err != nil {
		t.Fatalf("intact journal reported broken: %v", err)
	}

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "register.db"))
	if err != nil {
		t.Fatal(err)
	}
	// UPDATE is refused by the trigger...
	if _, err := raw.Exec(`UPDATE journal SET payload = '{"sale":9}' WHERE seq = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update not refused: %v", err)
	}
	// ...so a forger drops it first.
	for _, q := range []string{`DROP TRIGGER journal_no_update`, `UPDATE journal SET payload = '{"sale":9}' WHERE seq = 3`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	err = verifyJournal([]string{"-data", dir})
	if err == nil || !strings.Contains(err.Error(), "seq 3") || !strings.Contains(err.Error(), "2 good entries") {
		t.Fatalf("edited journal: %v", err)
	}
	if err := verifyJournal([]string{"-data", t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no register database") {
		t.Fatalf("missing database: %v", err)
	}
}
