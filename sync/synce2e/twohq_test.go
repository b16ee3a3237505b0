package synce2e_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/sync/faultproxy"
)

// balancer is a round-robin load balancer in front of head-office
// instances (make staging puts HAProxy there; this is its in-process
// stand-in so that the test suite needs no HAProxy): each request goes to
// the next instance, and to the other one when the first cannot be reached.
type balancer struct {
	mu   sync.Mutex
	urls []string
	next atomic.Uint64
	hits []atomic.Int64
}

func newBalancer(urls ...string) *balancer {
	b := &balancer{urls: urls, hits: make([]atomic.Int64, len(urls))}
	return b
}

func (b *balancer) set(i int, u string) { b.mu.Lock(); b.urls[i] = u; b.mu.Unlock() }

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(b.next.Add(1) % uint64(len(b.urls)))
	b.mu.Lock()
	target := b.urls[i]
	b.mu.Unlock()
	b.hits[i].Add(1)
	u, _ := url.Parse(target)
	httputil.NewSingleHostReverseProxy(u).ServeHTTP(w, r)
}

// TestExactlyOnceTwoHeadOfficesOnePostgres is TestExactlyOnceUnderFaults
// against two head-office instances on one PostgreSQL database at once,
// behind a round-robin balancer: consecutive passes of one register land
// on different instances, and a Restart fault restarts them in turn. At the
// end the database holds exactly the register's journal.
func TestExactlyOnceTwoHeadOfficesOnePostgres(t *testing.T) {
	t.Parallel()
	target := faultTarget(t) / 4 // 250 in make test: the single-instance test covers the 1,000
	ctx := context.Background()
	open := backends[1].open(t) // postgres: both instances open the same database
	hqs := []*headOffice{startHeadOffice(t, open), startHeadOffice(t, open)}
	lb := newBalancer(hqs[0].URL(), hqs[1].URL())
	for i, h := range hqs {
		h.onURL = func(u string) { lb.set(i, u) }
	}
	front := httptest.NewServer(lb)
	defer front.Close()
	proxy := faultproxy.New(front.URL, 4242)
	var turn int
	proxy.OnRestart(func() { hqs[turn%2].restart(); turn++ })
	proxy.SetFaults(0.5, schedule...)
	edge := httptest.NewServer(proxy)
	defer edge.Close()

	clock := &fakeClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	reg := openRegister(t, "R-two", "S1", clock)
	s := reg.syncer(edge.URL, &http.Client{Timeout: 200 * time.Millisecond}, 40)
	rng := rand.New(rand.NewPCG(2, 7))
	start, passes := time.Now(), 0
	for proxy.Injected() < target {
		for range rng.IntN(4) {
			clock.Advance(time.Duration(20+rng.IntN(300)) * time.Second)
			reg.sell(t)
		}
		if _, err := s.Sync(ctx); isRejection(err) {
			t.Fatalf("pass %d: %v", passes, err)
		}
		passes++
	}
	proxy.SetFaults(0)
	drain(t, s)
	for _, h := range hqs { // each instance reads the same truth
		assertHolds(t, h.Store(), reg)
	}
	if lb.hits[0].Load() == 0 || lb.hits[1].Load() == 0 {
		t.Errorf("the balancer used one instance only: %d and %d requests", lb.hits[0].Load(), lb.hits[1].Load())
	}
	t.Logf("%d faults %v, %d restarts (hq-a %d, hq-b %d), %d+%d requests, %d passes, %d sales in %v",
		proxy.Injected(), proxy.Counts(), turn, hqs[0].restarts, hqs[1].restarts, lb.hits[0].Load(), lb.hits[1].Load(),
		passes, reg.sales, time.Since(start).Round(time.Millisecond))
}
