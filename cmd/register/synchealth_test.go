package main

import (
	"errors"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/ui"
	"github.com/tillpos/till/sync/syncclient"
)

// The strip gets the syncer's state as data (app/ui words it, in the
// screen's language): backlog, age, progress, the stuck entry, and the
// last problem as a translatable *pos.Error.
func TestHeadOfficeForTheStrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.Local)
	offline := syncclient.Status{State: syncclient.StateOffline, Backlog: 12, BacklogMore: true, OldestUnsynced: now.Add(-time.Hour),
		Err: errors.New("dial tcp: refused")}
	offline.LastError = syncclient.UserMessage(offline.Err)
	h := headOffice(offline)
	if h.State != ui.HeadOfficeOffline || h.Backlog != 12 || !h.BacklogMore || !h.Oldest.Equal(now.Add(-time.Hour)) {
		t.Errorf("offline %+v", h)
	}
	var pe *pos.Error
	if !errors.As(h.Problem, &pe) || pe.Key != "Head office not reachable. Sales are kept and will be sent later." {
		t.Errorf("problem %#v: want the syncer's sentence as a translation key", h.Problem)
	}

	h = headOffice(syncclient.Status{State: syncclient.StateOnline, CatalogError: "Prices could not be updated.", DrainTotal: 50, Drained: 20})
	if h.Problem != nil { // a nil *pos.Error must not become a non-nil error
		t.Errorf("good pass has problem %#v", h.Problem)
	}
	if !h.CatalogStale || h.DrainTotal != 50 || h.Drained != 20 || h.Stuck != nil {
		t.Errorf("online %+v", h)
	}

	since := now.Add(-time.Hour)
	h = headOffice(syncclient.Status{State: syncclient.StateOnline, Backlog: 4, LastError: "Head office refused journal entry 7.",
		Stuck: &syncclient.Stuck{Seq: 7, Reason: "edited", Since: since}})
	if h.Stuck == nil || h.Stuck.Seq != 7 || h.Stuck.Reason != "edited" || !h.Stuck.Since.Equal(since) {
		t.Errorf("stuck %+v", h.Stuck)
	}
	if h.Problem == nil || h.Problem.Error() != "Head office refused journal entry 7." {
		t.Errorf("problem without its cause %v", h.Problem)
	}
	if h := syncStatus(nil)(); !h.NotConfigured {
		t.Errorf("no syncer %+v", h)
	}
}
