package syncclient

import (
	"context"
	"fmt"
	"time"
)

// Which rejections block, and why nothing is set aside.
//
// The head office ingests a register's journal strictly in sequence: every
// entry must carry seq lastSeq+1 and the hash of the entry before it, and
// its own hash and signature must verify (hqstore.Store.IngestBatch,
// syncserver's screenEntries). A refused entry therefore never reaches the
// head office's chain, and every later entry links to it, so each later one
// would be refused too ("out of sequence"). That holds for every reason the
// head office gives today:
//   - a broken link or edited entry (hash mismatch): the chain is broken;
//   - a gap or a seq that does not follow: the chain is incomplete;
//   - a missing or wrong signature, or an entry naming another store: the
//     entry is refused before ingest, and its successors chain to it.
// None of these can honestly be skipped: setting the entry aside would mean
// the head office holds a journal with a hole that no later entry can
// bridge. So instead of pretending, the syncer reports the register as
// stuck: the refused entry, the head office's reason, since when, and a
// sentence for the manager. Sales go on being recorded and kept locally;
// they flow again once support fixes the cause (usually a re-enrollment or
// a head-office fix) and the entry is accepted.

// Stuck says that the journal cannot move past a refused entry.
type Stuck struct {
	Seq    int64
	ID     string
	Reason string    // the head office's words
	Since  time.Time // first refusal seen by this syncer (or the register's log)
	// Explanation is for the manager: what happened and what to do.
	Explanation string
}

// RejectionLog keeps refused entries on the register so that a manager
// sees them after a restart too (package store implements it).
type RejectionLog interface {
	RecordSyncRejection(ctx context.Context, entryID string, seq int64, reason string, at time.Time) (firstSeen time.Time, err error)
	ClearSyncRejections(ctx context.Context) error
}

func stuckExplanation(seq int64, reason string) string {
	return fmt.Sprintf("The head office refused journal entry %d (%s). Later sales wait behind it because the head office "+
		"accepts a register's journal only unbroken and in order. All sales are safe on this register. Call support.", seq, reason)
}

// noteRejection keeps the stuck state in step with the last pass: a refusal
// is recorded (and logged on the register when the outbox can), a pass
// that got through clears it.
func (s *Syncer) noteRejection(ctx context.Context) {
	st := s.Status()
	log, _ := s.outbox.(RejectionLog)
	switch {
	case st.Rejected != nil:
		since := s.cfg.Clock.Now()
		s.mu.Lock()
		if old := s.extras.Stuck; old != nil && old.ID == st.Rejected.ID {
			since = old.Since
		}
		s.mu.Unlock()
		if log != nil {
			if first, err := log.RecordSyncRejection(ctx, st.Rejected.ID, st.Rejected.Seq, st.Rejected.Reason, since); err == nil {
				since = first
			} else {
				s.log.ErrorContext(ctx, "could not record the refused entry", "seq", st.Rejected.Seq, "err", err)
			}
		}
		stuck := &Stuck{Seq: st.Rejected.Seq, ID: st.Rejected.ID, Reason: st.Rejected.Reason, Since: since,
			Explanation: stuckExplanation(st.Rejected.Seq, st.Rejected.Reason)}
		s.mu.Lock()
		s.extras.Stuck = stuck
		s.mu.Unlock()
	case st.State == StateOnline && st.LastError == "":
		s.mu.Lock()
		was := s.extras.Stuck
		s.extras.Stuck = nil
		s.mu.Unlock()
		if was != nil && log != nil {
			if err := log.ClearSyncRejections(ctx); err != nil {
				s.log.ErrorContext(ctx, "could not clear refused entries", "err", err)
			}
		}
	}
}
