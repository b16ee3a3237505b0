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
	c, _, err := r.appendPrinted(ctx, kind, id, at, build, nil)
	return c, err
}

// printDoc makes the document an entry prints, from its record.
type printDoc func(rec any) pos.Doc

// appendPrinted is appendRecord that, when doc is not nil, stores the
// entry's print job in the same transaction (Journal.AppendPrinted) and
// returns it for the spooler to adopt.
func (r *Register) appendPrinted(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build buildRecord, doc printDoc) (Committed, *PrintJob, error) {
	var rec any
	var job *PrintJob
	start := time.Now() // monotonic: the commit's latency, for the heartbeat
	payload := func(seq int64) ([]byte, error) {
		v, err := build(seq)
		if err != nil {
			return nil, err
		}
		rec = v
		return json.Marshal(v)
	}
	var e pos.Entry
	var err error
	if doc == nil {
		e, err = r.deps.Journal.Append(ctx, kind, id, at, payload)
	} else {
		e, err = r.deps.Journal.AppendPrinted(ctx, kind, id, at, payload, func(pos.Entry) (PrintJob, error) {
			j := r.spool.newJob(JobReceipt, doc(rec))
			job = &j
			return j, nil
		})
	}
	if kind == pos.EntrySale {
		if err != nil {
			r.deps.Metrics.SaleFailed()
		} else {
			r.deps.Metrics.SaleCommitted(time.Since(start))
		}
	}
	if err != nil {
		return Committed{}, nil, err
	}
	return Committed{Entry: e, Record: rec}, job, nil
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

// commitPrintedLocked is commitLocked for an entry that prints a receipt:
// the job is stored with the entry and handed to the spooler, which does
// not store it again.
func (r *Register) commitPrintedLocked(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build buildRecord, doc printDoc) (pos.Entry, error) {
	c, job, err := r.appendPrinted(ctx, kind, id, at, build, doc)
	if err != nil {
		return pos.Entry{}, err
	}
	r.pending = append(r.pending, c)
	r.spool.Adopt(*job)
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
