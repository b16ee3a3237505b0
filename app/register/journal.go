package register

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Committed is what OnCommitted receives: the journaled entry and its
// record, decoded, so no hook decodes a payload it was just handed. Record
// is, by entry kind: pos.SaleRecord (sale, return, void), CashMoveRecord,
// ShiftOpenRecord, ShiftReport (Z report), ClockRecord, OverrideRecord or
// CancelRecord.
type Committed struct {
	Entry  pos.Entry
	Record any
}

// Sale is the record of a committed sale, return or void; ok is false for
// any other entry.
func (c Committed) Sale() (pos.SaleRecord, bool) {
	rec, ok := c.Record.(pos.SaleRecord)
	return rec, ok
}

// buildRecord makes an entry's record once its sequence number is known
// (inside the journal's transaction, as BuildPayload).
type buildRecord func(seq int64) (any, error)

// appendRecord is the register's one call of Journal.Append: it marshals the
// record build returns and keeps it, decoded, with the entry.
func (r *Register) appendRecord(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build buildRecord) (Committed, error) {
	var rec any
	start := time.Now() // monotonic: the commit's latency, for the heartbeat
	e, err := r.deps.Journal.Append(ctx, kind, id, at, func(seq int64) ([]byte, error) {
		v, err := build(seq)
		if err != nil {
			return nil, err
		}
		rec = v
		return json.Marshal(v)
	})
	if kind == pos.EntrySale {
		if err != nil {
			r.deps.Metrics.SaleFailed()
		} else {
			r.deps.Metrics.SaleCommitted(time.Since(start))
		}
	}
	if err != nil {
		return Committed{}, err
	}
	return Committed{Entry: e, Record: rec}, nil
}

// commit journals an entry while r.mu is not held and tells OnCommitted.
func (r *Register) commit(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build buildRecord) (pos.Entry, error) {
	c, err := r.appendRecord(ctx, kind, id, at, build)
	if err != nil {
		return pos.Entry{}, err
	}
	r.notify([]Committed{c})
	return c.Entry, nil
}

// commitLocked journals an entry while r.mu is held; OnCommitted hears of
// it when r.unlock releases the lock, so the hook may call the Register.
func (r *Register) commitLocked(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build buildRecord) (pos.Entry, error) {
	c, err := r.appendRecord(ctx, kind, id, at, build)
	if err != nil {
		return pos.Entry{}, err
	}
	r.pending = append(r.pending, c)
	return c.Entry, nil
}

// unlock releases r.mu, then tells OnCommitted of the entries committed
// while it was held. Every method that may call commitLocked unlocks with it.
func (r *Register) unlock() {
	done := r.pending
	r.pending = nil
	r.mu.Unlock()
	r.notify(done)
}

func (r *Register) notify(cs []Committed) {
	f := r.deps.OnCommitted
	for _, c := range cs {
		if f != nil {
			f(c)
		}
	}
}

// value is a buildRecord for a record that does not depend on the
// sequence number.
func value(v any) buildRecord { return func(int64) (any, error) { return v, nil } }
