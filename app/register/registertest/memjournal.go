package registertest

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// MemJournal is a register.Journal in memory that keeps a real sealed chain,
// for tests outside app/register (device packages) that need a working
// register but no database. It passes RunJournalSuite. One Append runs at a
// time (wmu), and its build may read the journal (mu), as the store allows.
type MemJournal struct {
	wmu     sync.Mutex
	mu      sync.Mutex
	entries []pos.Entry
}

var _ register.Journal = (*MemJournal)(nil)

// Append seals the next entry onto the chain.
func (j *MemJournal) Append(_ context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.mu.Lock()
	seq := int64(len(j.entries) + 1)
	j.mu.Unlock()
	payload, err := build(seq)
	if err != nil {
		return pos.Entry{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	prev := pos.GenesisHash
	if n := len(j.entries); n > 0 {
		prev = j.entries[n-1].Hash
	}
	e := pos.Entry{Seq: seq, ID: id, RegisterID: "r1", Kind: kind, CreatedAt: at, Payload: payload}
	e.Seal(prev)
	j.entries = append(j.entries, e)
	return e, nil
}

// Len is the number of entries.
func (j *MemJournal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.entries)
}

// EntryByID returns the entry with this id.
func (j *MemJournal) EntryByID(_ context.Context, id string) (pos.Entry, error) {
	return j.find(func(e pos.Entry) bool { return e.ID == id }, "no entry "+id)
}

// EntryBySeq returns the entry with this sequence number.
func (j *MemJournal) EntryBySeq(_ context.Context, seq int64) (pos.Entry, error) {
	return j.find(func(e pos.Entry) bool { return e.Seq == seq }, "no entry with that number")
}

func (j *MemJournal) find(match func(pos.Entry) bool, notFound string) (pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.entries {
		if match(e) {
			return e, nil
		}
	}
	return pos.Entry{}, pos.Errorf(pos.ENotFound, "%s", notFound)
}

func (j *MemJournal) filter(keep func(pos.Entry) bool, limit int) []pos.Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if (limit < 0 || len(out) < limit) && keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// EntriesReferringTo lists voids and returns whose record names saleID in
// refers_to, as the store's query does.
func (j *MemJournal) EntriesReferringTo(_ context.Context, saleID string) ([]pos.Entry, error) {
	return j.filter(func(e pos.Entry) bool {
		if e.Kind != pos.EntryVoid && e.Kind != pos.EntryReturn {
			return false
		}
		var ref struct {
			RefersTo string `json:"refers_to"`
		}
		return json.Unmarshal(e.Payload, &ref) == nil && ref.RefersTo == saleID
	}, -1), nil
}

// EntriesOfKind returns the entries of these kinds after afterSeq.
func (j *MemJournal) EntriesOfKind(_ context.Context, afterSeq int64, kinds ...pos.EntryKind) ([]pos.Entry, error) {
	return j.filter(func(e pos.Entry) bool { return e.Seq > afterSeq && slices.Contains(kinds, e.Kind) }, -1), nil
}

// LastOfKind returns the latest entry of one of these kinds.
func (j *MemJournal) LastOfKind(_ context.Context, kinds ...pos.EntryKind) (pos.Entry, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.entries) - 1; i >= 0; i-- {
		if slices.Contains(kinds, j.entries[i].Kind) {
			return j.entries[i], true, nil
		}
	}
	return pos.Entry{}, false, nil
}

// Entries returns up to limit entries after afterSeq.
func (j *MemJournal) Entries(_ context.Context, afterSeq int64, limit int) ([]pos.Entry, error) {
	return j.filter(func(e pos.Entry) bool { return e.Seq > afterSeq }, limit), nil
}

// AppendPrinted is Append that builds the entry's print job inside the
// append; a job error appends nothing. MemJournal keeps no print queue: the
// spooler's own queue stores the job at its first mark.
func (j *MemJournal) AppendPrinted(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload, job register.BuildPrintJob) (pos.Entry, error) {
	return j.Append(ctx, kind, id, at, func(seq int64) ([]byte, error) {
		p, err := build(seq)
		if err != nil {
			return nil, err
		}
		if _, err := job(pos.Entry{Seq: seq, ID: id, Kind: kind, CreatedAt: at, Payload: p}); err != nil {
			return nil, err
		}
		return p, nil
	})
}

// ClockedIn folds the clock entries (register.FoldClockedIn).
func (j *MemJournal) ClockedIn(context.Context) (map[string]time.Time, error) {
	return register.FoldClockedIn(j.filter(func(e pos.Entry) bool { return e.Kind == pos.EntryClockInOut }, -1))
}

// ShiftTotals folds the entries (register.FoldShiftTotals).
func (j *MemJournal) ShiftTotals(context.Context) (register.ShiftTotals, bool, error) {
	return register.FoldShiftTotals(j.filter(func(pos.Entry) bool { return true }, -1))
}
