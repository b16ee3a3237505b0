package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/sync/syncclient"
)

// wireSyncHealth turns on the catalog pull and the heartbeat in the
// syncer's config and returns the metrics recorder the register feeds.
func wireSyncHealth(sc *syncclient.Config, storeID string, db *store.DB, mgr *devices.Manager) *syncclient.Metrics {
	m := &syncclient.Metrics{}
	sc.StoreID, sc.Catalog = storeID, db
	sc.HeartbeatInterval = syncclient.DefaultHeartbeatInterval
	sc.AppVersion = appVersion()
	sc.Metrics = m
	sc.Devices = func() map[string]string {
		out := map[string]string{}
		for _, e := range mgr.States() {
			out[e.Device] = string(e.State)
		}
		return out
	}
	return m
}

func appVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

// timedJournal counts sales and times their commit for the heartbeat. It
// embeds *store.DB so that every other port the register looks for on its
// Journal (JournalReader, JournalLookup) is still there.
type timedJournal struct {
	*store.DB
	m *syncclient.Metrics
}

var _ register.Journal = timedJournal{}

// The heartbeat's recorder is the register's Metrics port as it is.
var _ register.Metrics = (*syncclient.Metrics)(nil)

// Append implements register.Journal.
func (j timedJournal) Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	start := time.Now()
	e, err := j.DB.Append(ctx, kind, id, at, build)
	if kind == pos.EntrySale {
		if err != nil {
			j.m.SaleFailed()
		} else {
			j.m.SaleCompleted()
			j.m.ObserveCommit(time.Since(start))
		}
	}
	return e, err
}

// syncStatusAt is the status strip's sentence about the head office at now.
func syncStatusAt(st syncclient.Status, now time.Time) string {
	backlog := fmt.Sprintf("%d", st.Backlog)
	if st.BacklogMore {
		backlog += "+"
	}
	waiting := backlog + " waiting"
	if !st.OldestUnsynced.IsZero() && st.Backlog > 0 {
		waiting += ", oldest " + age(now.Sub(st.OldestUnsynced))
	}
	switch {
	case st.Stuck != nil:
		return fmt.Sprintf("Head office: STUCK since %s (%s). %s", st.Stuck.Since.Local().Format("02.01. 15:04"), waiting, st.Stuck.Explanation)
	case st.DrainTotal > 0 && st.Drained < st.DrainTotal:
		return fmt.Sprintf("Head office: sending %s %d of %d (%s)", progressBar(st.Drained, st.DrainTotal), st.Drained, st.DrainTotal, waiting)
	case st.LastError != "":
		return "Head office: " + st.LastError + " (" + waiting + ", sales are safe here)"
	case st.State == syncclient.StateOnline && st.Backlog == 0:
		s := "Head office: online, all sales sent"
		if st.CatalogError != "" {
			s += ". " + st.CatalogError
		}
		return s
	case st.State == syncclient.StateOnline:
		return "Head office: online, sending, " + waiting
	case st.State == syncclient.StateOffline:
		return "Head office: offline, " + waiting + " (sales are safe here)"
	}
	return "Head office: connecting"
}

// progressBar draws done/total in ten cells: "▰▰▰▱▱▱▱▱▱▱".
func progressBar(done, total int) string {
	n := 0
	if total > 0 {
		n = min(10, done*10/total)
	}
	return strings.Repeat("▰", n) + strings.Repeat("▱", 10-n)
}

// age says how old something is in the largest sensible units.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under 1 min"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}
