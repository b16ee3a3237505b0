package syncclient_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// statsOutbox is a fakeOutbox that can count itself and keep refused
// entries, like package store.
type statsOutbox struct {
	fakeOutbox
	oldest   time.Time
	mu       sync.Mutex
	rejected map[string]time.Time
	cleared  int
}

func (o *statsOutbox) OutboxStats(ctx context.Context) (int, time.Time, error) {
	p, _ := o.Pending(ctx, 1<<30)
	if len(p) == 0 {
		return 0, time.Time{}, nil
	}
	return len(p), o.oldest, nil
}

func (o *statsOutbox) RecordSyncRejection(_ context.Context, id string, _ int64, _ string, at time.Time) (time.Time, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.rejected == nil {
		o.rejected = map[string]time.Time{}
	}
	if first, ok := o.rejected[id]; ok {
		return first, nil
	}
	o.rejected[id] = at
	return at, nil
}

func (o *statsOutbox) ClearSyncRejections(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rejected = nil
	o.cleared++
	return nil
}

func (o *statsOutbox) replace(e pos.Entry) {
	o.fakeOutbox.mu.Lock()
	defer o.fakeOutbox.mu.Unlock()
	for i := range o.entries {
		if o.entries[i].Seq == e.Seq {
			o.entries[i] = e
		}
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a hang guard, not a timing assumption
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRefusedEntryShowsStuckUntilItGoesThrough(t *testing.T) {
	t.Parallel()
	hq := newHeadOffice(t)
	ts := hq.start(t, nil)
	es := hqstoretest.NewChain("R1").Sales(4)
	good := es[1]
	bad := good
	bad.Payload = bytes.Replace(bad.Payload, []byte(`"gross":`), []byte(`"gross":9`), 1)
	ob := &statsOutbox{}
	ob.add(es[0], bad, es[2], es[3])
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) { c.PollInterval = 10 * time.Millisecond; c.HeartbeatInterval = -1 })
	stop := runInBackground(t, s)
	defer stop()

	waitUntil(t, "the stuck state", func() bool { return s.Status().Stuck != nil })
	st := s.Status()
	if st.Stuck.Seq != 2 || !strings.Contains(st.Stuck.Reason, "edited") || st.Stuck.Since.IsZero() ||
		!strings.Contains(st.Stuck.Explanation, "refused journal entry 2") || !strings.Contains(st.Stuck.Explanation, "safe") {
		t.Fatalf("stuck %+v", st.Stuck)
	}
	since := st.Stuck.Since
	time.Sleep(30 * time.Millisecond) // more passes: still stuck, still since the first refusal
	if st := s.Status(); st.Stuck == nil || !st.Stuck.Since.Equal(since) {
		t.Fatalf("stuck after more passes %+v, want since %v", st.Stuck, since)
	}
	ob.mu.Lock()
	if _, ok := ob.rejected[bad.ID]; !ok {
		t.Errorf("refused entry not recorded on the register: %v", ob.rejected)
	}
	ob.mu.Unlock()
	if got := hq.sales(t, "R1"); got != 1 {
		t.Errorf("head office holds %d sales, want 1 (nothing after the refused entry)", got)
	}

	ob.replace(good) // support repaired the entry
	s.Kick()
	waitUntil(t, "the queue to flow again", func() bool { acked, _ := ob.state(); return acked == 4 })
	waitUntil(t, "the stuck state to clear", func() bool { return s.Status().Stuck == nil })
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if ob.rejected != nil || ob.cleared == 0 {
		t.Errorf("register's refusal log not cleared: %v", ob.rejected)
	}
}

func TestLargeBacklogReportsProgress(t *testing.T) {
	t.Parallel()
	hq := newHeadOffice(t)
	ts := hq.start(t, nil)
	ob := &statsOutbox{oldest: time.Now().Add(-time.Hour)}
	ob.add(hqstoretest.NewChain("R1").Sales(1200)...)
	var mu sync.Mutex
	var seen []syncclient.Status
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.BatchSize = 500
		c.OnChange = func(st syncclient.Status) { mu.Lock(); seen = append(seen, st); mu.Unlock() }
	})
	if _, err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var drained []int
	for _, st := range seen {
		if st.DrainTotal > 0 {
			if st.DrainTotal != 1200 || st.Backlog != st.DrainTotal-st.Drained || st.OldestUnsynced.IsZero() {
				t.Errorf("progress status %+v", st)
			}
			if len(drained) == 0 || drained[len(drained)-1] != st.Drained {
				drained = append(drained, st.Drained)
			}
		}
	}
	if len(drained) != 3 || drained[0] != 500 || drained[1] != 1000 || drained[2] != 1200 {
		t.Errorf("progress went %v, want [500 1000 1200]", drained)
	}
}

func TestHeartbeatMeasuresClockOffsetAndReportsHealth(t *testing.T) {
	t.Parallel()
	st, err := hqstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The head office's clock is 10 s behind the register's.
	srv, err := syncserver.New(syncserver.Config{AllowUnenrolled: true, Store: st, Now: func() time.Time { return time.Now().Add(-10 * time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	hq := &headOffice{store: st, srv: srv}
	ts := hq.start(t, nil)
	ob := &statsOutbox{oldest: time.Now().Add(-90 * time.Second)}
	ob.add(hqstoretest.NewChain("R1").Sales(3)...)
	m := &syncclient.Metrics{}
	for i := 1; i <= 100; i++ {
		m.ObserveCommit(time.Duration(i) * time.Millisecond)
	}
	m.SaleCompleted()
	m.CardDeclined()
	m.PrintFailed()
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.AppVersion, c.Metrics = "1.0.0", m
		c.Devices = func() map[string]string { return map[string]string{"printer": "ok", "terminal": "unplugged"} }
	})
	if _, ok := s.ClockOffset(); ok {
		t.Fatal("offset known before any heartbeat")
	}
	if err := s.SendHeartbeat(context.Background()); err != nil {
		t.Fatal(err)
	}
	off, ok := s.ClockOffset()
	if !ok || off < 9*time.Second || off > 11*time.Second {
		t.Fatalf("clock offset %v (%v), want about 10s", off, ok)
	}
	if err := s.SendHeartbeat(context.Background()); err != nil { // carries the measured offset
		t.Fatal(err)
	}
	hs, err := st.RegisterHealth(context.Background())
	if err != nil || len(hs) != 1 {
		t.Fatalf("health %+v %v", hs, err)
	}
	h := hs[0]
	if h.AppVersion != "1.0.0" || h.OutboxDepth != 3 || h.OldestUnsynced < 89*time.Second || h.ClockOffset < 9*time.Second ||
		h.Devices["terminal"] != "unplugged" || h.Counters[syncproto.CounterSalesCompleted] != 1 ||
		h.Counters[syncproto.CounterCardDeclined] != 1 || h.Counters[syncproto.CounterPrintFailures] != 1 {
		t.Errorf("health %+v", h)
	}
	if l := h.Latencies[syncproto.LatencyCommit]; l.Count != 100 || l.P50 != 51*time.Millisecond || l.P99 != 100*time.Millisecond {
		t.Errorf("commit latency %+v, want p50 51ms (nearest rank) p99 100ms", l)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	t.Parallel()
	var m *syncclient.Metrics
	m.SaleCompleted()
	m.ObserveScanToLine(time.Second)
	if c, l := m.Snapshot(); c != nil || l != nil {
		t.Errorf("nil metrics snapshot %v %v", c, l)
	}
}
