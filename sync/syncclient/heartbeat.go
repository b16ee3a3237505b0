package syncclient

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/tillpos/till/sync/syncproto"
)

// DefaultHeartbeatInterval is what cmd/register configures: how often Run
// reports the register's health.
const DefaultHeartbeatInterval = time.Minute

// outboxStats is what the heartbeat reads from the outbox when it can
// (package store implements it).
type outboxStats interface {
	OutboxStats(ctx context.Context) (depth int, oldest time.Time, err error)
}

type heartbeatState struct {
	mu     sync.Mutex
	last   time.Time     // when the last heartbeat was answered
	offset time.Duration // register clock minus head-office clock
	known  bool          // offset was measured
}

func (s *Syncer) heartbeatDue() bool {
	iv := s.cfg.HeartbeatInterval
	if iv <= 0 {
		return false
	}
	s.beat.mu.Lock()
	defer s.beat.mu.Unlock()
	return s.beat.last.IsZero() || s.cfg.Clock.Now().Sub(s.beat.last) >= iv
}

// runHeartbeats sends a heartbeat every HeartbeatInterval while the syncer
// is online, whether or not sales are pending. It runs on a goroutine of
// its own (started and stopped by Run), so a slow answer to a heartbeat
// never holds up a push. A beat that falls due while offline is skipped,
// not queued: beatNow (from afterPass) sends one current report as soon as
// a pass reaches the head office again.
func (s *Syncer) runHeartbeats(ctx context.Context) {
	iv := s.cfg.HeartbeatInterval
	t := time.NewTimer(iv)
	defer t.Stop()
	for {
		due := true
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.beatNow:
			due = s.heartbeatDue() // the timer may just have sent one
		}
		if due && s.Status().State == StateOnline {
			if err := s.SendHeartbeat(ctx); err != nil && ctx.Err() == nil {
				s.log.InfoContext(ctx, "heartbeat failed", "err", err)
			}
		}
		t.Reset(iv)
	}
}

// ClockOffset is this register's clock minus the head office's, measured at
// the last heartbeat (half the round trip taken as the one-way delay); ok is
// false before the first answer.
func (s *Syncer) ClockOffset() (offset time.Duration, ok bool) {
	s.beat.mu.Lock()
	defer s.beat.mu.Unlock()
	return s.beat.offset, s.beat.known
}

// Heartbeat builds the report SendHeartbeat sends.
func (s *Syncer) Heartbeat(ctx context.Context) syncproto.HeartbeatRequest {
	st := s.Status()
	req := syncproto.HeartbeatRequest{AppVersion: s.cfg.AppVersion, CatalogCursor: st.CatalogCursor,
		SyncState: string(st.State), SyncProblem: st.LastError}
	if st.Stuck != nil {
		req.SyncState = "stuck"
	}
	if os, ok := s.outbox.(outboxStats); ok {
		if depth, oldest, err := os.OutboxStats(ctx); err == nil {
			req.OutboxDepth = int64(depth)
			if depth > 0 && !oldest.IsZero() {
				req.OldestUnsyncedMS = max(s.cfg.Clock.Now().Sub(oldest), 0).Milliseconds()
			}
		}
	}
	if off, ok := s.ClockOffset(); ok {
		req.ClockOffsetMS = off.Milliseconds()
	}
	if s.cfg.Devices != nil {
		req.Devices = s.cfg.Devices()
	}
	req.Counters, req.Latencies = s.cfg.Metrics.Snapshot()
	// The head office refuses a heartbeat beyond syncproto's bounds; an
	// error text is the one field that can grow, so it is cut to fit.
	req.SyncProblem = syncproto.Truncate(req.SyncProblem, syncproto.MaxSyncProblemLen)
	req.AppVersion = syncproto.Truncate(req.AppVersion, syncproto.MaxAppVersionLen)
	return req
}

// SendHeartbeat posts the register's health now and measures the clock
// offset from the answer.
func (s *Syncer) SendHeartbeat(ctx context.Context) error {
	req := s.Heartbeat(ctx)
	t0 := s.cfg.Clock.Now()
	req.SentAt = t0
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	var resp syncproto.HeartbeatResponse
	if err := s.do(ctx, http.MethodPost, s.endpoint("/heartbeat"), body, &resp); err != nil {
		return err
	}
	t1 := s.cfg.Clock.Now()
	s.beat.mu.Lock()
	s.beat.last = t1
	if !resp.ServerTime.IsZero() {
		s.beat.offset = t0.Add(t1.Sub(t0) / 2).Sub(resp.ServerTime)
		s.beat.known = true
	}
	s.beat.mu.Unlock()
	return nil
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
