package syncclient

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
)

// Outbox is the register's queue of journal entries not yet acknowledged by
// the head office, oldest first (package store implements it).
type Outbox interface {
	Pending(ctx context.Context, limit int) ([]pos.Entry, error)
	Ack(ctx context.Context, throughSeq int64) error
}

// Clock tells the time for status timestamps and Retry-After dates.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Config wires a Syncer. BaseURL and RegisterID are required.
type Config struct {
	BaseURL    string       // e.g. "https://hq.example.com"
	RegisterID string       // as enrolled at the head office
	BatchSize  int          // entries per request; default and maximum syncproto.MaxBatch
	HTTPClient *http.Client // default: a client with a 30 s timeout
	Log        *slog.Logger // default: discard
	Clock      Clock        // default: the system clock

	PollInterval time.Duration // Run's pause between passes when nothing kicks it; default 30 s
	MinRetry     time.Duration // first wait after a failed pass; default 1 s
	MaxRetry     time.Duration // longest wait between failed passes; default 5 min

	// Token authenticates every request (Authorization: Bearer), as given
	// at enrollment; "" sends none.
	Token string
	// Key signs every pushed entry's hash (syncproto.SignEntryHash). Entries
	// are signed when pushed, not when journaled, so nothing is added to the
	// sale path and sales made before enrollment can be signed too; the hash
	// already fixes the entry and its place in the chain. nil signs nothing.
	Key ed25519.PrivateKey

	// StoreID and Catalog turn on the catalog pull (catalog.go): after every
	// pass Run fetches the store's changes and applies them page by page.
	// nil Catalog pulls nothing.
	StoreID string
	Catalog CatalogStore
	// ChangesPageSize is the number of changes asked per page; default 500.
	ChangesPageSize int

	// Heartbeat (heartbeat.go): sent every HeartbeatInterval while online,
	// sales pending or not, from a goroutine of Run's own so that it never
	// delays a push; skipped (not queued) while offline, and sent at once
	// by the first pass that reaches the head office when one is due. 0
	// sends none. AppVersion, Metrics and Devices fill it.
	HeartbeatInterval time.Duration
	AppVersion        string
	Metrics           *Metrics
	Devices           func() map[string]string

	// OnChange is called with the new status after every pass, from the
	// goroutine that ran it; a GUI must hand it to its own thread (fyne.Do).
	OnChange func(Status)
}

// Validate reports the first thing wrong with c in words fit for a config
// file error.
func (c Config) Validate() error {
	u, err := url.Parse(c.BaseURL)
	switch {
	case c.BaseURL == "":
		return errors.New("syncclient: head office URL is not set")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("syncclient: head office URL %q must look like https://host[:port]", c.BaseURL)
	case c.RegisterID == "":
		return errors.New("syncclient: register id is not set")
	case c.BatchSize < 0 || c.BatchSize > syncproto.MaxBatch:
		return fmt.Errorf("syncclient: batch size %d must be between 1 and %d", c.BatchSize, syncproto.MaxBatch)
	}
	return nil
}

// maxRetryAfter bounds how long a Retry-After header can park the syncer.
const maxRetryAfter = time.Hour

// Syncer pushes one register's outbox to the head office. Sync does one
// pass (tests drive it directly); Run repeats passes until its context ends.
type Syncer struct {
	cfg    Config
	outbox Outbox
	log    *slog.Logger
	kick   chan struct{}
	// beatNow wakes the heartbeat loop when a pass reached the head office
	// and a beat is due.
	beatNow chan struct{}
	pass    sync.Mutex // one pass at a time, whoever calls Sync
	pull    sync.Mutex // one catalog pull at a time (catalog.go)
	beat    heartbeatState
	extras  extras // guarded by mu

	mu      sync.Mutex
	status  Status
	checked bool // the head office's sync state matched the local journal once (guarded by pass)

	// waiting, when set (tests, via export_test.go), is called each time
	// Run has finished a pass and starts waiting for the next: a test that
	// proves nothing happens while Run waits waits on it, not on a sleep.
	waiting func()
}

// New makes a Syncer; it starts nothing until Run or Sync is called.
func New(cfg Config, outbox Outbox) *Syncer {
	if cfg.BatchSize <= 0 || cfg.BatchSize > syncproto.MaxBatch {
		cfg.BatchSize = syncproto.MaxBatch
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 30 * time.Second
	}
	if cfg.MinRetry <= 0 {
		cfg.MinRetry = time.Second
	}
	if cfg.MaxRetry < cfg.MinRetry {
		cfg.MaxRetry = max(5*time.Minute, cfg.MinRetry)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Syncer{
		cfg:     cfg,
		outbox:  outbox,
		log:     cfg.Log.With("register", cfg.RegisterID),
		kick:    make(chan struct{}, 1),
		beatNow: make(chan struct{}, 1),
	}
}

// Kick asks Run for a pass now, typically right after a sale commits. It
// never blocks. While Run is backing off after a failure, a kick does not
// cut the wait short (every sale would otherwise hammer a dead link).
func (s *Syncer) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run repeats passes until ctx ends, then returns ctx.Err(). After a good
// pass it waits for a Kick or the poll interval; after a failed one, for an
// exponential backoff (never giving up) or the server's Retry-After,
// whichever is longer. With a HeartbeatInterval, Run owns one goroutine
// sending heartbeats (heartbeat.go) and stops it before returning.
func (s *Syncer) Run(ctx context.Context) error {
	if s.cfg.HeartbeatInterval > 0 {
		hctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.runHeartbeats(hctx) }()
		defer func() { stop(); <-done }()
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = s.cfg.MinRetry
	b.MaxInterval = s.cfg.MaxRetry
	b.MaxElapsedTime = 0 // a register may be offline for days; keep trying
	b.Reset()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select { // this pass covers any kick made before it
		case <-s.kick:
		default:
		}
		_, err := s.Sync(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.afterPass(ctx, err) // catalog pull and heartbeat (catalog.go, heartbeat.go)
		wait, kick := s.cfg.PollInterval, s.kick
		if err != nil {
			wait, kick = b.NextBackOff(), nil
			if ra := retryAfter(err); ra > wait {
				wait = ra
			}
			s.log.InfoContext(ctx, "sync failed; will retry", "in", wait.Round(time.Millisecond), "err", err)
		} else {
			b.Reset()
		}
		timer.Reset(wait)
		if s.waiting != nil {
			s.waiting()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-kick:
		case <-timer.C:
		}
	}
}

func retryAfter(err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) {
		return min(he.RetryAfter, maxRetryAfter)
	}
	return 0
}

// Sync does one full pass: it takes pending entries a batch at a time,
// pushes them and acknowledges what the head office holds, until the outbox
// is empty or something fails. pushed counts entries newly stored by the
// head office. It returns a *RejectedError when the head office refused an
// entry, an *HTTPError for a non-2xx answer, or the transport's error.
func (s *Syncer) Sync(ctx context.Context) (pushed int, err error) {
	s.pass.Lock()
	defer s.pass.Unlock()
	if err := s.cfg.Validate(); err != nil {
		s.finish(func(st *Status) { st.setError(err, false) })
		return 0, err
	}
	if !s.checked {
		if err := s.checkRemoteState(ctx); err != nil {
			return 0, err
		}
		s.checked = true
	}
	s.startDrain(ctx) // progress.go
	for {
		entries, err := s.outbox.Pending(ctx, s.cfg.BatchSize)
		if err != nil {
			err = fmt.Errorf("syncclient: read outbox: %w", err)
			s.finish(func(st *Status) { st.setError(err, st.State == StateOnline) })
			return pushed, err
		}
		if len(entries) == 0 {
			s.finish(func(st *Status) {
				*st = Status{State: StateOnline, LastAttempt: st.LastAttempt, LastSuccess: s.cfg.Clock.Now()}
			})
			return pushed, nil
		}
		more := len(entries) == s.cfg.BatchSize
		resp, err := s.push(ctx, entries)
		if err != nil {
			s.finish(func(st *Status) { st.setError(err, false); st.Backlog, st.BacklogMore = len(entries), more })
			return pushed, err
		}
		n, acked, rejected := tally(entries, resp)
		if acked >= entries[0].Seq {
			if err := s.outbox.Ack(ctx, acked); err != nil {
				err = fmt.Errorf("syncclient: acknowledge through seq %d: %w", acked, err)
				s.finish(func(st *Status) { st.setError(err, true) })
				return pushed, err
			}
		}
		pushed += n
		if acked >= entries[0].Seq {
			s.drained(int(acked - entries[0].Seq + 1))
		}
		if last := entries[len(entries)-1].Seq; acked < last {
			// Something in this batch is not held by the head office, so
			// nothing after it can move: report it and stop the pass.
			if rejected == nil {
				err = fmt.Errorf("syncclient: head office acknowledged through seq %d of %d without saying why", acked, last)
			} else {
				err = rejected
				s.log.ErrorContext(ctx, "head office rejected an entry", "seq", rejected.Seq, "id", rejected.ID, "reason", rejected.Reason)
			}
			left := int(last - max(acked, entries[0].Seq-1))
			s.finish(func(st *Status) {
				st.setError(err, true)
				st.Backlog, st.BacklogMore = left, more
				if rejected != nil {
					st.Rejected = &rejected.Rejection
				}
			})
			return pushed, err
		}
		s.log.DebugContext(ctx, "batch synced", "entries", len(entries), "stored", n, "acked_through", acked)
	}
}

// tally counts newly stored entries, finds the first rejection and clamps
// the acknowledgement to what was sent: the outbox only learns about entries
// this answer covers.
func tally(sent []pos.Entry, resp syncproto.PushBatchResponse) (stored int, acked int64, rejected *RejectedError) {
	for _, r := range resp.Results {
		switch r.Status {
		case syncproto.StatusStored:
			stored++
		case syncproto.StatusRejected:
			if rejected == nil {
				rejected = &RejectedError{Rejection{Seq: r.Seq, ID: r.ID, Reason: r.Reason}}
			}
		}
	}
	return stored, min(resp.AckedThroughSeq, sent[len(sent)-1].Seq), rejected
}

// finish updates the status under the lock and reports it.
func (s *Syncer) finish(update func(*Status)) {
	s.mu.Lock()
	update(&s.status)
	s.status.LastAttempt = s.cfg.Clock.Now()
	st := s.withExtras(s.status)
	s.mu.Unlock()
	if s.cfg.OnChange != nil {
		s.cfg.OnChange(st)
	}
}

// Status is the last known state of syncing.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.withExtras(s.status)
}
