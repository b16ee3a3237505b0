package syncserver

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/net/netutil"
	"golang.org/x/time/rate"

	"github.com/tillpos/till/sync/syncproto"
)

// Limits bounds what the register-facing API spends on callers: requests in
// flight, time to send a body, connections, and the rate of enrollment
// attempts and authentication failures per source address and in all. Zero
// fields take the Default values.
type Limits struct {
	// MaxInFlight is how many register writes (pushes, heartbeats,
	// enrollments) run at once; more are answered 503 with Retry-After.
	MaxInFlight int
	// BodyTimeout is how long a request may take to send its body.
	BodyTimeout time.Duration
	// MaxConns caps the open connections of HTTPServer's listener.
	MaxConns int
	// Enroll and AuthFail limit enrollment attempts and failed
	// authentications: per source IP, and over all sources together.
	EnrollPerIP, EnrollTotal     Rate
	AuthFailPerIP, AuthFailTotal Rate
	// LogsPerMinute is how many lines of one kind of refusal are logged per
	// minute; the rest are counted and summed up in one line.
	LogsPerMinute int
}

// Rate is a token bucket: Per events a second on average, Burst at once.
type Rate struct {
	Per   float64
	Burst int
}

// DefaultLimits are generous for a chain of shops and tight for a flood.
var DefaultLimits = Limits{
	MaxInFlight:   8,
	BodyTimeout:   60 * time.Second, // a 500-entry batch (~1 MB) over a slow shop line
	MaxConns:      1024,
	EnrollPerIP:   Rate{Per: 0.2, Burst: 5},
	EnrollTotal:   Rate{Per: 5, Burst: 20},
	AuthFailPerIP: Rate{Per: 1, Burst: 20},
	AuthFailTotal: Rate{Per: 20, Burst: 100},
	LogsPerMinute: 10,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxInFlight <= 0 {
		l.MaxInFlight = d.MaxInFlight
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = d.BodyTimeout
	}
	if l.MaxConns <= 0 {
		l.MaxConns = d.MaxConns
	}
	for _, p := range []struct{ r, d *Rate }{{&l.EnrollPerIP, &d.EnrollPerIP}, {&l.EnrollTotal, &d.EnrollTotal},
		{&l.AuthFailPerIP, &d.AuthFailPerIP}, {&l.AuthFailTotal, &d.AuthFailTotal}} {
		if p.r.Per <= 0 || p.r.Burst <= 0 {
			*p.r = *p.d
		}
	}
	if l.LogsPerMinute <= 0 {
		l.LogsPerMinute = d.LogsPerMinute
	}
	return l
}

// HTTPServer is an http.Server for h (s, or a mux s shares with the back
// office) with the timeouts the API needs; Serve it with ListenerFor so
// connections are capped too.
func (s *Server) HTTPServer(h http.Handler, errLog *slog.Logger) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.limits.BodyTimeout + 10*time.Second, // backstop; bodyDeadline is the real bound
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	if errLog != nil {
		srv.ErrorLog = slog.NewLogLogger(errLog.Handler(), slog.LevelWarn)
	}
	return srv
}

// ListenerFor caps the connections accepted from ln at Limits.MaxConns:
// the rest wait in the kernel's backlog instead of costing memory here.
func (s *Server) ListenerFor(ln net.Listener) net.Listener {
	return netutil.LimitListener(ln, s.limits.MaxConns)
}

// bodyDeadline gives every request Limits.BodyTimeout to send its body: a
// client trickling bytes cannot hold a connection (and a slot in flight)
// for longer. Where the connection does not support deadlines (some test
// recorders) the server's ReadTimeout remains.
func (s *Server) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.limits.BodyTimeout))
		}
		next.ServeHTTP(w, r)
	})
}

// inFlight admits at most Limits.MaxInFlight requests at once and answers
// the rest 503 at once: queueing them would keep their bodies in memory.
func (s *Server) inFlight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
			next.ServeHTTP(w, r)
		default:
			s.metrics.refused("busy")
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, syncproto.CodeUnavailable, "the head office is busy; retry in a moment")
		}
	})
}

// sourceLimiter is a token bucket per source IP plus one for all sources.
// The per-IP map is bounded: when it is full it starts over, which at worst
// gives a flood of new addresses a fresh burst each, still under the total.
type sourceLimiter struct {
	mu      sync.Mutex
	perIP   map[string]*rate.Limiter
	ipRate  Rate
	total   *rate.Limiter
	maxKeys int
}

func newSourceLimiter(perIP, total Rate) *sourceLimiter {
	return &sourceLimiter{perIP: map[string]*rate.Limiter{}, ipRate: perIP,
		total: rate.NewLimiter(rate.Limit(total.Per), total.Burst), maxKeys: 10000}
}

func (l *sourceLimiter) ip(ip string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.perIP[ip]
	if lim == nil {
		if len(l.perIP) >= l.maxKeys {
			clear(l.perIP)
		}
		lim = rate.NewLimiter(rate.Limit(l.ipRate.Per), l.ipRate.Burst)
		l.perIP[ip] = lim
	}
	return lim
}

// allow takes a token for ip at now, or says how long to wait.
func (l *sourceLimiter) allow(ip string, now time.Time) (bool, time.Duration) {
	for _, lim := range []*rate.Limiter{l.ip(ip), l.total} {
		if !lim.AllowN(now, 1) {
			res := lim.ReserveN(now, 1)
			wait := res.DelayFrom(now)
			res.CancelAt(now)
			return false, wait
		}
	}
	return true, 0
}

// exhausted says whether ip (or everyone) has no tokens left at now, without
// taking one: failures are charged only when they happen.
func (l *sourceLimiter) exhausted(ip string, now time.Time) bool {
	return l.ip(ip).TokensAt(now) < 1 || l.total.TokensAt(now) < 1
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func tooMany(w http.ResponseWriter, wait time.Duration, msg string) {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, syncproto.CodeTooManyRequests, msg)
}

// logSampler lets the first n lines of a kind through per minute and sums
// up the rest in one line when the minute is over: a flood of refusals
// cannot flood the log.
type logSampler struct {
	log *slog.Logger
	now func() time.Time
	n   int

	mu         sync.Mutex
	window     time.Time
	seen       map[string]int
	suppressed map[string]int
}

func newLogSampler(log *slog.Logger, now func() time.Time, n int) *logSampler {
	return &logSampler{log: log, now: now, n: n, seen: map[string]int{}, suppressed: map[string]int{}}
}

// Warn logs msg unless n lines with this msg were logged this minute.
func (s *logSampler) Warn(ctx context.Context, msg string, args ...any) {
	now := s.now()
	s.mu.Lock()
	if w := now.Truncate(time.Minute); !w.Equal(s.window) {
		for m, k := range s.suppressed {
			s.log.WarnContext(ctx, "log lines suppressed", "msg", m, "count", k, "minute", s.window.UTC().Format(time.RFC3339))
		}
		s.window = w
		clear(s.seen)
		clear(s.suppressed)
	}
	s.seen[msg]++
	pass := s.seen[msg] <= s.n
	if !pass {
		s.suppressed[msg]++
	}
	s.mu.Unlock()
	if pass {
		s.log.WarnContext(ctx, msg, args...)
	}
}
