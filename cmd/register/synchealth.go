package main

import (
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/ui"
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

// The heartbeat's recorder is the register's Metrics port as it is (it
// counts sales and times their commit too).
var _ register.Metrics = (*syncclient.Metrics)(nil)

// headOffice is the status strip's view of the syncer (the strip words it:
// online, backlog, oldest unsynced, drain progress, stuck).
func headOffice(st syncclient.Status) *ui.HeadOffice {
	h := &ui.HeadOffice{State: string(st.State), Backlog: st.Backlog, BacklogMore: st.BacklogMore, Oldest: st.OldestUnsynced,
		Drained: st.Drained, DrainTotal: st.DrainTotal, CatalogStale: st.CatalogError != ""}
	if st.LastError != "" {
		// (a nil *pos.Error must not become a non-nil error)
		if e := syncclient.UserError(st.Err); e != nil {
			h.Problem = e
		} else { // a status made without its cause: the syncer's own words
			h.Problem = &pos.Error{Code: pos.EUnavailable, Message: st.LastError}
		}
	}
	if s := st.Stuck; s != nil {
		h.Stuck = &ui.Stuck{Seq: s.Seq, Reason: s.Reason, Since: s.Since}
	}
	return h
}
