package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/sync/syncclient"
)

func TestSyncStatusStrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.Local)
	tests := []struct {
		name string
		st   syncclient.Status
		want []string
	}{
		{"all sent", syncclient.Status{State: syncclient.StateOnline}, []string{"online, all sales sent"}},
		{"offline with age", syncclient.Status{State: syncclient.StateOffline, Backlog: 12, OldestUnsynced: now.Add(-3*time.Hour - 5*time.Minute)},
			[]string{"offline", "12 waiting", "oldest 3 h 5 min", "safe"}},
		{"draining", syncclient.Status{State: syncclient.StateOnline, Backlog: 3000, DrainTotal: 5000, Drained: 2000,
			OldestUnsynced: now.Add(-50 * time.Hour)}, []string{"▰▰▰▰▱▱▱▱▱▱", "2000 of 5000", "3000 waiting", "oldest 2 days"}},
		{"stuck", syncclient.Status{State: syncclient.StateOnline, Backlog: 4, LastError: "Head office refused journal entry 7.",
			Stuck: &syncclient.Stuck{Seq: 7, Reason: "edited", Since: now.Add(-time.Hour), Explanation: "The head office refused journal entry 7 (edited). Call support."}},
			[]string{"STUCK since 02.03. 11:00", "4 waiting", "refused journal entry 7 (edited)", "Call support"}},
		{"catalog problem", syncclient.Status{State: syncclient.StateOnline, CatalogError: "Prices could not be updated."},
			[]string{"all sales sent", "Prices could not be updated"}},
	}
	for _, tt := range tests {
		got := syncStatusAt(tt.st, now)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
	}
}
