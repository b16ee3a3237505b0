package syncclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
)

// runInBackground starts s.Run and returns a function that cancels it and
// waits, failing the test if Run does not return promptly.
func runInBackground(t *testing.T, s *syncclient.Syncer) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute): // a hang: every wait in these tests is an hour
			t.Fatal("Run did not return within a minute of cancel")
			return nil
		}
	}
}

// Not parallel: it counts goroutines, which parallel tests would disturb.
func TestRunReturnsWhenContextEnds(t *testing.T) {
	tests := []struct {
		name    string
		handler func(entered chan<- struct{}, h http.Handler) http.Handler
		cfg     func(*syncclient.Config)
	}{
		{"idle after a good pass", func(entered chan<- struct{}, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r); signal(entered) })
		}, func(c *syncclient.Config) { c.PollInterval = time.Hour }},
		{"backing off", func(entered chan<- struct{}, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
				signal(entered)
			})
		}, func(c *syncclient.Config) { c.MinRetry, c.MaxRetry = time.Hour, time.Hour }},
		{"honouring a long Retry-After", func(entered chan<- struct{}, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusServiceUnavailable)
				signal(entered)
			})
		}, nil},
		{"request in flight", func(entered chan<- struct{}, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body) // the server notices a hang-up only once the body is read
				signal(entered)
				<-r.Context().Done()
			})
		}, func(c *syncclient.Config) { c.HTTPClient = &http.Client{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hq := newHeadOffice(t)
			before := runtime.NumGoroutine()
			entered := make(chan struct{}, 1)
			ts := hq.start(t, func(h http.Handler) http.Handler { return tt.handler(entered, h) })
			ob := &fakeOutbox{}
			ob.add(hqstoretest.NewChain("R1").Sales(3)...)
			client := &http.Client{Timeout: time.Minute}
			s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
				c.HTTPClient = client
				if tt.cfg != nil {
					tt.cfg(c)
				}
			})
			waiting := make(chan struct{}, 1)
			syncclient.SetWaiting(s, func() { signal(waiting) })
			stop := runInBackground(t, s)
			<-entered // the head office saw the request (go test's -timeout catches a Run that never calls)
			if tt.name != "request in flight" {
				<-waiting // Run finished its pass and waits (an hour) for the next
			}
			if err := stop(); !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
			client.CloseIdleConnections()
			ts.Close()
			// Polls for a condition (the transport's goroutines exit on
			// their own schedule); the deadline only bounds a real leak.
			deadline := time.Now().Add(30 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
			}
		})
	}
}

func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func TestKickWakesRun(t *testing.T) {
	t.Parallel()
	hq := newHeadOffice(t)
	ts := hq.start(t, nil)
	ob := &fakeOutbox{}
	chain := hqstoretest.NewChain("R1")
	statuses := make(chan syncclient.Status, 100)
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.PollInterval = time.Hour // only a kick can wake it in time
		c.OnChange = func(st syncclient.Status) { statuses <- st }
	})
	stop := runInBackground(t, s)
	defer stop()
	waitFor := func(what string, ok func(syncclient.Status) bool) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case st := <-statuses:
				if ok(st) {
					return
				}
			case <-timeout:
				t.Fatalf("timed out waiting for %s; status %+v", what, s.Status())
			}
		}
	}
	waitFor("the first pass", func(st syncclient.Status) bool { return st.State == syncclient.StateOnline })
	for round := 1; round <= 3; round++ {
		ob.add(chain.Sales(round)...) // a sale commits ...
		s.Kick()                      // ... and kicks the syncer
		want, _ := chain.Last()
		waitFor("the kicked pass", func(syncclient.Status) bool { acked, _ := ob.state(); return acked == want })
		if got := hq.sales(t, "R1"); got != want {
			t.Errorf("round %d: head office holds %d, want %d", round, got, want)
		}
	}
}

func TestRunHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		header string
		min    time.Duration
	}{
		{"503 with seconds", http.StatusServiceUnavailable, "1", 900 * time.Millisecond},
		{"429 with seconds", http.StatusTooManyRequests, "1", 900 * time.Millisecond},
		{"503 with an HTTP date", http.StatusServiceUnavailable, "DATE+2s", 900 * time.Millisecond},
		{"500 ignores Retry-After", http.StatusInternalServerError, "30", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hq := newHeadOffice(t)
			var mu sync.Mutex
			var times []time.Time
			ts := hq.start(t, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					times = append(times, time.Now())
					first := len(times) == 1
					mu.Unlock()
					if first {
						v := tt.header
						if v == "DATE+2s" {
							v = time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
						}
						w.Header().Set("Retry-After", v)
						w.WriteHeader(tt.status)
						return
					}
					h.ServeHTTP(w, r)
				})
			})
			ob := &fakeOutbox{}
			ob.add(hqstoretest.NewChain("R1").Sales(2)...)
			s := newSyncer(ts.URL, ob, nil)
			stop := runInBackground(t, s)
			defer stop()
			deadline := time.Now().Add(2 * time.Minute)
			for acked, _ := ob.state(); acked != 2; acked, _ = ob.state() {
				if time.Now().After(deadline) {
					t.Fatalf("never delivered; status %+v", s.Status())
				}
				time.Sleep(5 * time.Millisecond)
			}
			mu.Lock()
			gap := times[1].Sub(times[0])
			mu.Unlock()
			if gap < tt.min {
				t.Errorf("retried after %v, want at least %v", gap, tt.min)
			}
			if tt.min == 0 && gap > 500*time.Millisecond {
				t.Errorf("retried after %v: Retry-After of a 500 was honoured", gap)
			}
		})
	}
}

func TestRunRetriesUntilHeadOfficeComesBack(t *testing.T) {
	t.Parallel()
	hq := newHeadOffice(t)
	var down atomic.Bool
	down.Store(true)
	var requests atomic.Int32
	ts := hq.start(t, func(h http.Handler) http.Handler {
		inner := hangUp(&down, false)(h)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if requests.Add(1) >= 4 {
				down.Store(false)
			}
			inner.ServeHTTP(w, r)
		})
	})
	ob := &fakeOutbox{}
	ob.add(hqstoretest.NewChain("R1").Sales(1200)...)
	s := newSyncer(ts.URL, ob, nil)
	stop := runInBackground(t, s)
	defer stop()
	deadline := time.Now().Add(2 * time.Minute)
	for acked, _ := ob.state(); acked != 1200; acked, _ = ob.state() {
		if time.Now().After(deadline) {
			t.Fatalf("never delivered; status %+v", s.Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := hq.sales(t, "R1"); got != 1200 {
		t.Errorf("head office holds %d, want 1200", got)
	}
	if n := requests.Load(); n != 6 { // 3 dropped, then 3 batches
		t.Errorf("%d requests, want 6", n)
	}
}
