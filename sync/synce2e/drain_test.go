package synce2e_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestDrainBacklog is acceptance 5's drain: a register with a backlog of
// sales (5,000 in make test; TILL_DRAIN_SALES=100000 for the recorded
// figure) pushes it over loopback HTTP, register store → syncclient →
// syncserver → SQLite hqstore, in batches of 500. Building the backlog is
// not timed; the drain is, and must take under 30 s at 100k.
func TestDrainBacklog(t *testing.T) {
	t.Parallel()
	n := 5000
	if v := os.Getenv("TILL_DRAIN_SALES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("TILL_DRAIN_SALES=%q: want a positive number", v)
		}
	} else if testing.Short() {
		n = 1000
	}
	hq := startHeadOffice(t, backends[0].open(t))
	clock := &fakeClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	reg := openRegister(t, "R-drain", "S1", clock)
	built := time.Now()
	for range n {
		clock.Advance(30 * time.Second)
		reg.sell(t)
	}
	buildTook := time.Since(built)
	s := reg.syncer(hq.URL(), &http.Client{Timeout: time.Minute}, 500)
	start := time.Now()
	pushed, err := s.Sync(context.Background())
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if pushed != n {
		t.Errorf("pushed %d of %d", pushed, n)
	}
	assertHolds(t, hq.Store(), reg)
	t.Logf("drained %d sales in %v (%.0f sales/s); building the backlog took %v", n, took.Round(time.Millisecond),
		float64(n)/took.Seconds(), buildTook.Round(time.Millisecond))
	if limit := 30 * time.Second * time.Duration(max(n, 1)) / 100000; n >= 100000 && took > limit {
		t.Errorf("drain took %v, goal under %v", took, limit)
	}
}
