package synce2e_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tillpos/till/store/testseed"
	"github.com/tillpos/till/sync/faultproxy"
)

// faultTarget is how many faults each backend's run injects: 1,000 in
// make test, TILL_SOAK_FAULTS (10,000 in make soak) otherwise.
func faultTarget(t *testing.T) int {
	if v := os.Getenv("TILL_SOAK_FAULTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("TILL_SOAK_FAULTS=%q: want a positive number", v)
		}
		return n
	}
	if testing.Short() {
		return 200
	}
	return 1000
}

// schedule weights the faults: a Timeout costs a whole client timeout, so
// it is rarer than the others; restarts are rarer still.
var schedule = func() []faultproxy.Fault {
	var s []faultproxy.Fault
	for _, f := range faultproxy.All {
		if f != faultproxy.Timeout {
			s = append(s, f, f, f)
		}
	}
	return append(s, faultproxy.Timeout, faultproxy.Restart)
}()

// TestExactlyOnceUnderFaults: a register sells while its syncer pushes
// through the fault proxy; at the end the head office holds exactly the
// register's journal, on both backends.
func TestExactlyOnceUnderFaults(t *testing.T) {
	t.Parallel()
	target := faultTarget(t)
	// TILL_SEED=42 replays the schedules of the figures in docs/PERFORMANCE.md
	// (42 was the fixed seed before every run took one).
	seed := testseed.For(t)
	for i, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			hq := startHeadOffice(t, be.open(t))
			proxy := faultproxy.New(hq.URL(), seed+uint64(i))
			hq.onURL = proxy.SetUpstream
			proxy.OnRestart(hq.restart)
			proxy.SetFaults(0.5, schedule...)
			front := httptest.NewServer(proxy)
			defer front.Close()

			clock := &fakeClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
			reg := openRegister(t, "R-"+be.name, "S1", clock)
			// A short timeout keeps Timeout faults cheap; a slow answer
			// under load is just one more fault.
			s := reg.syncer(front.URL, &http.Client{Timeout: 200 * time.Millisecond}, 40)
			rng := rand.New(rand.NewPCG(seed-42+uint64(i), 7))
			start, passes := time.Now(), 0
			for proxy.Injected() < target {
				for range rng.IntN(4) {
					clock.Advance(time.Duration(20+rng.IntN(300)) * time.Second)
					reg.sell(t)
				}
				if rng.IntN(20) == 0 {
					reg.cashMove(t)
				}
				if _, err := s.Sync(ctx); isRejection(err) {
					t.Fatalf("pass %d: %v", passes, err)
				}
				passes++
			}
			proxy.SetFaults(0)
			// Faults are off: drain with a patient client, so a slow answer
			// on a loaded machine is not taken for a lost batch.
			drain(t, reg.syncer(front.URL, &http.Client{Timeout: time.Minute}, 40))
			assertHolds(t, hq.Store(), reg)
			t.Logf("%s (seed %d): %d faults %v, %d restarts, %d passes, %d sales in %v",
				be.name, seed, proxy.Injected(), proxy.Counts(), hq.restarts, passes, reg.sales, time.Since(start).Round(time.Millisecond))
		})
	}
}
