package faultproxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/store/testseed"
	"github.com/tillpos/till/sync/faultproxy"
)

// upstream counts requests and the bytes of body it received in full.
type upstream struct {
	hits, fullBodies atomic.Int32
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.hits.Add(1)
	b, err := io.ReadAll(r.Body)
	if err == nil && string(b) == body {
		u.fullBodies.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"results":[{"id":"a","seq":1,"status":"stored"}],"acked_through_seq":1}`))
}

const body = `{"entries":[{"seq":1,"id":"a","payload":"0123456789abcdef"}]}`

func TestEachFault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault      faultproxy.Fault
		wantErr    bool // the client sees a transport error
		wantStatus int  // else this status
		validJSON  bool
		hits       int32 // requests the head office saw
		fullBodies int32 // of them with the whole body
		restarts   int32
	}{
		{fault: faultproxy.None, wantStatus: 200, validJSON: true, hits: 1, fullBodies: 1},
		{fault: faultproxy.DropRequest, wantErr: true},
		{fault: faultproxy.DropResponse, wantErr: true, hits: 1, fullBodies: 1},
		{fault: faultproxy.Delay, wantStatus: 200, validJSON: true, hits: 1, fullBodies: 1},
		{fault: faultproxy.Timeout, wantErr: true, hits: 1, fullBodies: 1},
		{fault: faultproxy.ResetRequest, wantErr: true, hits: 1, fullBodies: 0},
		{fault: faultproxy.ResetResponse, wantErr: true, hits: 1, fullBodies: 1},
		{fault: faultproxy.ServerError, wantStatus: -5, hits: 0},
		{fault: faultproxy.TruncatedJSON, wantStatus: 200, validJSON: false, hits: 1, fullBodies: 1},
		{fault: faultproxy.Duplicate, wantStatus: 200, validJSON: true, hits: 2, fullBodies: 2},
		{fault: faultproxy.Restart, wantErr: true, hits: 1, fullBodies: 1, restarts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			t.Parallel()
			up := &upstream{}
			// The restart hook's head office holds the request until the
			// restart happened, so the restart is mid-request.
			restarted := make(chan struct{})
			var restarts atomic.Int32
			hq := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.fault == faultproxy.Restart {
					<-restarted
				}
				up.ServeHTTP(w, r)
			}))
			defer hq.Close()
			p := faultproxy.New(hq.URL, 1)
			p.OnRestart(func() { restarts.Add(1); close(restarted) })
			p.Force(tt.fault)
			front := httptest.NewServer(p)
			defer front.Close()
			// Only the Timeout fault needs the client to give up (the proxy
			// holds until it does); every other case gets a patient client,
			// so a loaded machine cannot turn a slow answer into an error.
			client := &http.Client{Timeout: time.Minute}
			if tt.fault == faultproxy.Timeout {
				client.Timeout = 300 * time.Millisecond
			}
			res, err := client.Post(front.URL+"/v1/registers/R1/sales:batch", "application/json", strings.NewReader(body))
			var data []byte
			if err == nil {
				data, err = io.ReadAll(res.Body)
				res.Body.Close()
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr {
				if tt.wantStatus == -5 && res.StatusCode/100 != 5 || tt.wantStatus > 0 && res.StatusCode != tt.wantStatus {
					t.Errorf("status %d, want %d", res.StatusCode, tt.wantStatus)
				}
				if json.Valid(data) != tt.validJSON && tt.wantStatus > 0 {
					t.Errorf("body %q: valid JSON %v, want %v", data, json.Valid(data), tt.validJSON)
				}
			}
			time.Sleep(20 * time.Millisecond) // let a reset request reach the head office's handler
			if got := up.hits.Load(); got != tt.hits {
				t.Errorf("head office saw %d requests, want %d", got, tt.hits)
			}
			if got := up.fullBodies.Load(); got != tt.fullBodies {
				t.Errorf("head office read %d whole bodies, want %d", got, tt.fullBodies)
			}
			if got := restarts.Load(); got != tt.restarts {
				t.Errorf("%d restarts, want %d", got, tt.restarts)
			}
			if n := p.Counts()[tt.fault]; n != 1 {
				t.Errorf("counted %d of %s, want 1", n, tt.fault)
			}
		})
	}
}

func TestScheduleIsSeededAndRated(t *testing.T) {
	t.Parallel()
	hq := httptest.NewServer(&upstream{})
	defer hq.Close()
	run := func(seed uint64) map[faultproxy.Fault]int {
		p := faultproxy.New(hq.URL, seed)
		p.SetFaults(0.5, faultproxy.ServerError, faultproxy.Delay)
		p.SetDelay(0)
		front := httptest.NewServer(p)
		defer front.Close()
		for range 200 {
			res, err := http.Post(front.URL+"/x", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		return p.Counts()
	}
	seed := testseed.For(t)
	a, b := run(seed), run(seed)
	if a[faultproxy.None]+a[faultproxy.ServerError]+a[faultproxy.Delay] != 200 {
		t.Fatalf("counts %v do not add up to 200", a)
	}
	for f, n := range a {
		if b[f] != n {
			t.Errorf("same seed, different schedule: %v vs %v", a, b)
		}
	}
	if n := a[faultproxy.None]; n < 60 || n > 140 {
		t.Errorf("%d of 200 untouched at rate 0.5", n)
	}
}
