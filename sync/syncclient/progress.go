package syncclient

import (
	"context"
	"time"
)

// startDrain notes, at the start of a pass, how much waits in the outbox,
// so that the status strip can show progress while a large backlog drains.
// Outboxes that cannot count (test fakes) show no progress.
func (s *Syncer) startDrain(ctx context.Context) {
	os, ok := s.outbox.(outboxStats)
	if !ok {
		return
	}
	depth, oldest, err := os.OutboxStats(ctx)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.extras.Drained, s.extras.DrainTotal = 0, 0
	if depth > s.cfg.BatchSize { // one batch is no backlog worth a progress bar
		s.extras.DrainTotal = depth
	}
	s.extras.OldestUnsynced = oldest
	s.mu.Unlock()
}

// drained counts entries acknowledged during the pass and reports the new
// status at once, so progress moves batch by batch, not pass by pass.
func (s *Syncer) drained(n int) {
	s.mu.Lock()
	if s.extras.DrainTotal == 0 {
		s.mu.Unlock()
		return
	}
	s.extras.Drained = min(s.extras.Drained+n, s.extras.DrainTotal)
	st := s.withExtras(s.status)
	st.Backlog = s.extras.DrainTotal - s.extras.Drained
	st.BacklogMore = false
	s.mu.Unlock()
	if s.cfg.OnChange != nil {
		s.cfg.OnChange(st)
	}
}

// noteBacklog ends the drain and records the age of what still waits.
func (s *Syncer) noteBacklog(ctx context.Context) {
	var oldest time.Time
	if os, ok := s.outbox.(outboxStats); ok {
		if depth, o, err := os.OutboxStats(ctx); err == nil && depth > 0 {
			oldest = o
		}
	}
	s.mu.Lock()
	s.extras.DrainTotal, s.extras.Drained, s.extras.OldestUnsynced = 0, 0, oldest
	s.mu.Unlock()
}
