package syncclient_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
)

// beatCounter counts heartbeat requests reaching the head office (even
// refused ones) and can take the head office down or hold heartbeats.
type beatCounter struct {
	beats atomic.Int64
	down  atomic.Bool
	hold  chan struct{} // non-nil: heartbeats wait for it to close
}

func (b *beatCounter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/heartbeat") {
			b.beats.Add(1)
			if b.hold != nil {
				select {
				case <-b.hold:
				case <-r.Context().Done():
					return
				}
			}
		}
		if b.down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Heartbeats keep coming while nothing is pending and no pass runs (the
// poll interval is an hour).
func TestHeartbeatsWithoutPendingSales(t *testing.T) {
	t.Parallel()
	hq, bc := newHeadOffice(t), &beatCounter{}
	ts := hq.start(t, bc.wrap)
	s := newSyncer(ts.URL, &fakeOutbox{}, func(c *syncclient.Config) {
		c.PollInterval, c.HeartbeatInterval = time.Hour, 20*time.Millisecond
	})
	stop := runInBackground(t, s)
	defer stop()
	waitUntil(t, "five heartbeats with an idle outbox", func() bool { return bc.beats.Load() >= 5 })
}

// Offline, beats are skipped, not queued: none is sent while the head office
// is down, and coming back sends one current beat, not the missed ones.
func TestHeartbeatsSkippedWhileOffline(t *testing.T) {
	t.Parallel()
	hq, bc := newHeadOffice(t), &beatCounter{}
	bc.down.Store(true)
	ts := hq.start(t, bc.wrap)
	ob := &fakeOutbox{}
	ob.add(hqstoretest.NewChain("R1").Sales(2)...)
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.PollInterval, c.HeartbeatInterval = time.Hour, 10*time.Millisecond
		c.MinRetry, c.MaxRetry = 5*time.Millisecond, 20*time.Millisecond
	})
	stop := runInBackground(t, s)
	defer stop()
	time.Sleep(300 * time.Millisecond) // 30 intervals offline
	if n := bc.beats.Load(); n != 0 {
		t.Fatalf("%d heartbeats sent while offline", n)
	}
	bc.down.Store(false)
	waitUntil(t, "the backlog to go through", func() bool { return hq.sales(t, "R1") == 2 })
	waitUntil(t, "a heartbeat once online", func() bool { return bc.beats.Load() >= 1 })
	if n := bc.beats.Load(); n > 3 {
		t.Fatalf("%d heartbeats right after coming back: missed beats were queued", n)
	}
}

// A heartbeat the head office is slow to answer does not hold up a push.
func TestSlowHeartbeatDoesNotDelayPush(t *testing.T) {
	t.Parallel()
	hq, bc := newHeadOffice(t), &beatCounter{hold: make(chan struct{})}
	defer close(bc.hold)
	ts := hq.start(t, bc.wrap)
	ob := &fakeOutbox{}
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.PollInterval, c.HeartbeatInterval = time.Hour, 10*time.Millisecond
	})
	stop := runInBackground(t, s)
	defer stop()
	waitUntil(t, "a heartbeat waiting at the head office", func() bool { return bc.beats.Load() >= 1 })
	ob.add(hqstoretest.NewChain("R1").Sales(1)...)
	s.Kick()
	deadline := time.Now().Add(2 * time.Minute)
	for hq.sales(t, "R1") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the sale waited for the heartbeat's answer")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
