package syncclient

import (
	"context"
	"fmt"

	"github.com/tillpos/till/app/pos"
)

// Journal reads the register's own journal. When the Outbox also implements
// it (package store does), the syncer compares the head office's sync state
// with it before the first push.
type Journal interface {
	// Entries returns up to limit entries with seq > afterSeq, in seq order.
	Entries(ctx context.Context, afterSeq int64, limit int) ([]pos.Entry, error)
}

// Divergence describes a head office that holds what this register's
// journal does not.
type Divergence struct {
	RemoteSeq  int64  // the head office's last seq of this register
	RemoteHash string // and its hash
	LocalHash  string // this journal's hash at RemoteSeq; "" when the journal is shorter
}

// DivergedError is returned by Sync when the local journal is behind or
// beside the head office's copy: a database restored from a backup, or
// copied from another register. Pushing would fork the chain, so the syncer
// does not push.
type DivergedError struct{ Divergence }

func (e *DivergedError) Error() string {
	if e.LocalHash == "" {
		return fmt.Sprintf("the head office holds this register's journal up to seq %d, but the local journal is shorter: restored from a backup?", e.RemoteSeq)
	}
	return fmt.Sprintf("the head office's entry %d has hash %.12s…, the local one %.12s…: copied or replaced database?",
		e.RemoteSeq, e.RemoteHash, e.LocalHash)
}

// checkRemoteState asks GET sync-state and compares it with the journal.
// A transport error leaves it for the next pass; a divergence is reported
// loudly and stops the pass.
func (s *Syncer) checkRemoteState(ctx context.Context) error {
	j, ok := s.outbox.(Journal)
	if !ok {
		return nil
	}
	remote, err := s.RemoteState(ctx)
	if err != nil {
		s.finish(func(st *Status) { st.setError(err, false) })
		return err
	}
	if remote.LastSeq == 0 {
		return nil
	}
	local, err := j.Entries(ctx, remote.LastSeq-1, 1)
	if err != nil {
		err = fmt.Errorf("syncclient: read journal at seq %d: %w", remote.LastSeq, err)
		s.finish(func(st *Status) { st.setError(err, true) })
		return err
	}
	d := Divergence{RemoteSeq: remote.LastSeq, RemoteHash: remote.LastHash}
	if len(local) == 1 && local[0].Seq == remote.LastSeq {
		if local[0].Hash == remote.LastHash {
			return nil
		}
		d.LocalHash = local[0].Hash
	}
	derr := &DivergedError{d}
	s.log.ErrorContext(ctx, "JOURNAL DIVERGED FROM HEAD OFFICE: not pushing; call support",
		"remote_seq", d.RemoteSeq, "remote_hash", d.RemoteHash, "local_hash", d.LocalHash)
	s.finish(func(st *Status) {
		st.setError(derr, true)
		st.State = StateDiverged
		st.Diverged = &d
	})
	return derr
}
