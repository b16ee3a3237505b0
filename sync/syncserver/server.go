package syncserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// DefaultMaxBodyBytes bounds a request body: 500 entries of sales with many
// lines fit with room to spare, while a runaway client cannot fill memory.
const DefaultMaxBodyBytes = 16 << 20

// Config wires a Server. Store is required; the rest have defaults.
type Config struct {
	Store        hqstore.Store
	Log          *slog.Logger     // default: discard
	MaxBodyBytes int64            // default DefaultMaxBodyBytes
	Now          func() time.Time // default time.Now

	// AuthenticateRegister decides whether r may act for registerID. It runs
	// before every /v1/registers/{rid}/... handler; an error answers 401.
	// nil accepts every request: the enrollment issue plugs in token and
	// signature checks here.
	AuthenticateRegister func(r *http.Request, registerID string) error

	// AllowUnenrolled turns off protocol v1's trust model (enroll.go), under
	// which every /v1/registers/{rid}/ request must carry the bearer token
	// the register got at enrollment, and every pushed entry a valid
	// signature by its key and only its own store id. With it the API
	// trusts every caller: only for tests of other concerns and loopback
	// demos. The zero value is the safe one.
	AllowUnenrolled bool
	// CertFingerprint is the hex SHA-256 of the TLS certificate, handed to
	// registers at enrollment for pinning.
	CertFingerprint string
	// Versions are the protocol versions served, oldest first; default
	// syncproto.Versions. Responses carry the highest.
	Versions []int
	// Limits bounds what callers may spend (limits.go); zero fields take
	// DefaultLimits.
	Limits Limits
	// DataDir, if set, is the directory whose file system's free space
	// /metrics exports (till_data_dir_free_bytes, for the disk alert).
	DataDir string
}

// Server is the register-facing half of the head office: an http.Handler
// on its own, or Routes on a mux shared with app/backoffice.
type Server struct {
	cfg     Config
	log     *slog.Logger
	handler http.Handler

	metrics    *metrics // /metrics and the dashboard's live figures (metrics.go)
	limits     Limits
	slots      chan struct{}   // requests in flight (inFlight)
	enrollLim  *sourceLimiter  // enrollment attempts
	authLim    *sourceLimiter  // failed authentications
	sampled    *logSampler     // refusals a flood could repeat
	ownVersion string          // highest of cfg.Versions, sent on every API answer
	versions   map[string]bool // accepted Till-Protocol values
}

// New checks cfg and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("syncserver: Config.Store is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.Versions) == 0 {
		cfg.Versions = syncproto.Versions
	}
	lim := cfg.Limits.withDefaults()
	s := &Server{cfg: cfg, log: cfg.Log, versions: map[string]bool{}, metrics: newMetrics(cfg.Now),
		limits: lim, slots: make(chan struct{}, lim.MaxInFlight),
		enrollLim: newSourceLimiter(lim.EnrollPerIP, lim.EnrollTotal), authLim: newSourceLimiter(lim.AuthFailPerIP, lim.AuthFailTotal),
		sampled: newLogSampler(cfg.Log, cfg.Now, lim.LogsPerMinute)}
	if cfg.DataDir != "" {
		s.metrics.reg.MustRegister(newDiskCollector(cfg.DataDir))
	}
	for _, v := range cfg.Versions {
		s.versions[strconv.Itoa(v)] = true
		s.ownVersion = strconv.Itoa(max(v, atoiOr0(s.ownVersion)))
	}

	mux := http.NewServeMux()
	s.Routes(mux)
	s.handler = s.Middleware(mux)
	return s, nil
}

// Routes adds the register-facing API and the health probes to mux:
// enrollment, batch pushes, sync state, heartbeats and the catalog feed.
// The owner's pages and admin API are app/backoffice's.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.Handle("POST /v1/registers/{rid}/sales:batch", s.inFlight(s.registerAPI(true, s.metrics.instrument(true, s.pushBatch))))
	mux.Handle("/v1/registers/{rid}/sales:batch", methodNotAllowed(http.MethodPost))
	mux.Handle("GET /v1/registers/{rid}/sync-state", s.registerAPI(false, s.metrics.instrument(false, s.syncState)))
	mux.Handle("/v1/registers/{rid}/sync-state", methodNotAllowed(http.MethodGet+", "+http.MethodHead))
	s.routeCatalog(mux) // catalog feed and heartbeat (catalogapi.go)
	mux.Handle("POST /v1/enroll", s.inFlight(http.HandlerFunc(s.enroll)))
	mux.Handle("/v1/enroll", methodNotAllowed(http.MethodPost))
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, syncproto.CodeNotFound, "no such API endpoint: "+r.URL.Path)
	})
	mux.HandleFunc("GET /livez", s.livez)
	mux.HandleFunc("GET /readyz", s.readyz)
}

// Middleware wraps a handler in the request log, panic recovery and the
// body deadline; New
// wraps its own mux in it, cmd/headoffice the mux it shares.
func (s *Server) Middleware(next http.Handler) http.Handler {
	return s.recoverPanics(s.logRequests(s.bodyDeadline(next)))
}

// Metrics is the Prometheus handler of this server's registry, for the
// back office to serve at /metrics behind its login.
func (s *Server) Metrics() http.Handler { return s.metrics.handler() }

// IngestSuccessRatio is the accepted share of every entry pushed since
// start (app/headoffice's Traffic port).
func (s *Server) IngestSuccessRatio() float64 { return s.metrics.successRatio() }

// RegisterTraffic is when a register last called and how many of its
// entries were accepted or rejected since start (headoffice.Traffic).
func (s *Server) RegisterTraffic(registerID string) (lastSeen time.Time, accepted, rejected float64) {
	v := s.metrics.view(registerID)
	return v.LastSeen, v.Accepted, v.Rejected
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// validRegisterID keeps ids printable and short so they are safe in logs,
// URLs and file names.
var validRegisterID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// registerAPI is the middleware of every /v1/registers/{rid}/ endpoint:
// register id, protocol version, then authentication (the hook where the
// enrollment issue adds tokens and signatures).
func (s *Server) registerAPI(write bool, next func(http.ResponseWriter, *http.Request, string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(syncproto.HeaderProtocol, s.ownVersion)
		rid := r.PathValue("rid")
		if !validRegisterID.MatchString(rid) {
			writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest,
				"register id must be 1 to 64 letters, digits, '.', '_' or '-'")
			return
		}
		if rid == headoffice.LedgerRegister { // the head office's own journal: never a register's
			writeError(w, http.StatusForbidden, syncproto.CodeUnauthorized, "this register id is reserved for the head office")
			return
		}
		if !s.versionOK(w, r, write) {
			return
		}
		if !s.cfg.AllowUnenrolled {
			acct, err := s.authenticate(w, r, rid)
			if err != nil {
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), accountKey{}, acct))
		}
		if auth := s.cfg.AuthenticateRegister; auth != nil {
			if err := auth(r, rid); err != nil {
				s.log.WarnContext(r.Context(), "register not authenticated", "register", rid, "err", err)
				writeError(w, http.StatusUnauthorized, syncproto.CodeUnauthorized, "this register is not allowed to sync")
				return
			}
		}
		next(w, r, rid)
	})
}

// versionOK checks the request's Till-Protocol header against the versions
// served and answers 400 if it fails. A write must say which protocol it
// speaks; a read may omit it so that curl works, but may not claim a version
// we do not know.
func (s *Server) versionOK(w http.ResponseWriter, r *http.Request, write bool) bool {
	v := r.Header.Get(syncproto.HeaderProtocol)
	if (v == "" && write) || (v != "" && !s.versions[v]) {
		writeError(w, http.StatusBadRequest, syncproto.CodeUnsupportedProtocol,
			fmt.Sprintf("send header %s with one of the versions %v (got %q)", syncproto.HeaderProtocol, s.cfg.Versions, v))
		return false
	}
	return true
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, syncproto.CodeMethodNotAllowed,
			fmt.Sprintf("method %s not allowed; use %s", r.Method, allow))
	})
}

// statusRecorder remembers the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		switch {
		case rec.status >= 500:
			level = slog.LevelError
		case r.URL.Path == "/livez" || r.URL.Path == "/readyz":
			level = slog.LevelDebug // probes every few seconds would drown the log
		}
		s.log.Log(r.Context(), level, "http request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "bytes", rec.bytes, "duration", time.Since(start), "remote", r.RemoteAddr)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// A short line, not a 3 KB stack per request: input must never
				// panic a handler, so this is a backstop and the place where the
				// panic happened is enough to find the bug.
				s.metrics.refused("panic")
				s.log.ErrorContext(r.Context(), "handler panic", "panic", fmt.Sprint(v), "at", panicSite(), "path", r.URL.Path)
				writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// panicSite is the file:line where the recovered panic was raised: the
// first frame outside the runtime below the deferred recover.
func panicSite() string {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}

// authenticate checks a register's token and answers 401, or 429 when its
// source has failed too often: a guesser gets neither a database read nor
// a log line per guess.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rid string) (hqstore.RegisterAccount, error) {
	ip, now := sourceIP(r), s.cfg.Now()
	if s.authLim.exhausted(ip, now) {
		s.metrics.refused("rate_limited")
		s.sampled.Warn(r.Context(), "authentication rate-limited", "remote", ip)
		tooMany(w, time.Second, "too many failed attempts; retry later")
		return hqstore.RegisterAccount{}, errNotAllowed
	}
	acct, err := s.authenticateToken(r, rid)
	if err != nil {
		s.authLim.allow(ip, now)
		s.sampled.Warn(r.Context(), "register not authenticated", "register", rid, "err", err, "remote", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, syncproto.CodeUnauthorized, "this register is not allowed to sync; enroll it first")
		return hqstore.RegisterAccount{}, err
	}
	return acct, nil
}
