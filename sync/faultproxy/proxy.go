// Package faultproxy is a fault-injecting HTTP proxy for tests: it sits
// between a register's syncer and the head office and, by a seeded random
// schedule, drops requests, drops answers the head office already committed,
// delays, resets connections mid-body, answers 5xx, truncates JSON, delivers
// a request twice at once, or restarts the head office while a request is in
// flight. Only tests import it.
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does to one request.
type Fault int

const (
	None          Fault = iota
	DropRequest         // the connection is closed; the head office never sees the request
	DropResponse        // forwarded and committed, then the connection is closed without the answer
	Delay               // forwarded after a pause; answered normally
	Timeout             // forwarded and committed; the answer is withheld until the client gives up
	ResetRequest        // half the request body reaches the head office, then both sides are reset
	ResetResponse       // status, headers and half the answer body, then a TCP reset
	ServerError         // 500, 502 or 503 (with Retry-After: 0) without forwarding
	TruncatedJSON       // forwarded; a 200 whose body is cut in half (with a matching Content-Length)
	Duplicate           // forwarded twice at the same time; the client gets one of the answers
	Restart             // the head office restarts while the request is in flight; the client is dropped
	numFaults
)

var faultNames = [...]string{"none", "drop-request", "drop-response", "delay", "timeout", "reset-request",
	"reset-response", "server-error", "truncated-json", "duplicate", "restart"}

func (f Fault) String() string {
	if f < 0 || f >= numFaults {
		return "fault(" + strconv.Itoa(int(f)) + ")"
	}
	return faultNames[f]
}

// All is every fault but Restart, which needs a restart hook (OnRestart).
var All = []Fault{DropRequest, DropResponse, Delay, Timeout, ResetRequest, ResetResponse, ServerError, TruncatedJSON, Duplicate}

// Proxy is an http.Handler forwarding to an upstream head office.
type Proxy struct {
	mu       sync.Mutex
	upstream string
	rng      *rand.Rand
	rate     float64
	kinds    []Fault
	forced   []Fault
	counts   [numFaults]int
	restart  func()
	pause    time.Duration

	restartMu sync.Mutex // one restart at a time
	client    *http.Client
}

// New makes a proxy to upstream (a base URL such as an httptest.Server's)
// that injects no faults until SetFaults or Force. seed fixes the schedule.
func New(upstream string, seed uint64) *Proxy {
	return &Proxy{
		upstream: strings.TrimRight(upstream, "/"),
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		pause:    5 * time.Millisecond,
		client: &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: 16,
		}},
	}
}

// SetUpstream points the proxy at a new head office (after a restart).
func (p *Proxy) SetUpstream(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.upstream = strings.TrimRight(u, "/")
}

// SetFaults makes each request suffer one of kinds with probability rate
// (0 passes everything through).
func (p *Proxy) SetFaults(rate float64, kinds ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate, p.kinds = rate, append([]Fault(nil), kinds...)
}

// SetDelay sets the pause of a Delay fault (default 5 ms).
func (p *Proxy) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pause = d
}

// Force makes the next requests suffer these faults, in order, before the
// random schedule resumes.
func (p *Proxy) Force(fs ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.forced = append(p.forced, fs...)
}

// OnRestart sets the hook a Restart fault calls: it must stop the head office
// (cutting in-flight requests), start it again and call SetUpstream.
func (p *Proxy) OnRestart(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.restart = f
}

// Counts returns how many times each fault was injected (None: requests
// passed through untouched).
func (p *Proxy) Counts() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := map[Fault]int{}
	for f, n := range p.counts {
		if n > 0 {
			m[Fault(f)] = n
		}
	}
	return m
}

// Injected is the number of faults injected so far.
func (p *Proxy) Injected() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for f := Fault(1); f < numFaults; f++ {
		n += p.counts[f]
	}
	return n
}

func (p *Proxy) next() (Fault, string, time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := None
	switch {
	case len(p.forced) > 0:
		f, p.forced = p.forced[0], p.forced[1:]
	case len(p.kinds) > 0 && p.rng.Float64() < p.rate:
		f = p.kinds[p.rng.IntN(len(p.kinds))]
	}
	if f == Restart && p.restart == nil {
		f = DropResponse
	}
	p.counts[f]++
	return f, p.upstream, p.pause, p.rng.IntN(1000)
}

// answer is an upstream response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault, upstream, pause, dice := p.next()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		abort(w, true)
		return
	}
	switch fault {
	case DropRequest:
		abort(w, dice%2 == 0)
		return
	case ServerError:
		code := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[dice%3]
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"code":"unavailable","message":"injected %d"}`, code)
		return
	case Delay:
		time.Sleep(pause)
	case ResetRequest:
		p.forwardHalf(r, upstream, body)
		abort(w, true)
		return
	case Restart:
		p.restartDuring(r, upstream, body, time.Duration(dice%3)*time.Millisecond)
		abort(w, true)
		return
	}

	var a answer
	if fault == Duplicate {
		// Two deliveries racing each other, as a retry overtaking a slow
		// original would.
		var wg sync.WaitGroup
		var other answer
		var otherErr error
		wg.Go(func() { other, otherErr = p.forward(r, upstream, body) })
		a, err = p.forward(r, upstream, body)
		wg.Wait()
		if dice%2 == 0 && otherErr == nil {
			a, err = other, nil
		}
	} else {
		a, err = p.forward(r, upstream, body)
	}
	if err != nil {
		abort(w, true) // the head office is down: the client sees a dead connection
		return
	}
	switch fault {
	case DropResponse:
		abort(w, dice%2 == 0)
		return
	case Timeout:
		<-r.Context().Done() // until the client gives up and hangs up
		return
	case ResetResponse:
		resetMidBody(w, a)
		return
	case TruncatedJSON:
		a.body = a.body[:len(a.body)/2]
	}
	for k, vs := range a.header {
		if k == "Content-Length" {
			continue
		}
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	w.Write(a.body)
}

func (p *Proxy) forward(r *http.Request, upstream string, body []byte) (answer, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header = r.Header.Clone()
	res, err := p.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}, nil
}

// forwardHalf sends the headers and half the body, then breaks the
// connection: the head office reads a short body.
func (p *Proxy) forwardHalf(r *http.Request, upstream string, body []byte) {
	half := io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{})
	req, err := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), half)
	if err != nil {
		return
	}
	req.Header = r.Header.Clone()
	req.ContentLength = int64(len(body))
	// A fresh connection: the broken one must not go back to the pool.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if res, err := c.Do(req); err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errConnReset }

var errConnReset = fmt.Errorf("faultproxy: connection reset mid-body")

// restartDuring forwards the request and restarts the head office after
// wait, while the request is (probably) being processed.
func (p *Proxy) restartDuring(r *http.Request, upstream string, body []byte, wait time.Duration) {
	p.mu.Lock()
	hook := p.restart
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.forward(r, upstream, body)
	}()
	time.Sleep(wait)
	p.restartMu.Lock()
	hook()
	p.restartMu.Unlock()
	<-done
}

// abort closes the client's connection without an answer; reset makes it a
// TCP RST instead of an orderly FIN.
func abort(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		tc.SetLinger(0)
	}
	conn.Close()
}

// resetMidBody writes the status line, headers and half the body, then
// resets the connection.
func resetMidBody(w http.ResponseWriter, a answer) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		a.status, http.StatusText(a.status), a.header.Get("Content-Type"), len(a.body))
	buf.Write(a.body[:len(a.body)/2])
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
