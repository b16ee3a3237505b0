package pos

import (
	"sort"
	"time"
)

// ClockSample is one heartbeat as the head office logged it: when it
// arrived (head-office clock) and the offset the register reported (its
// clock minus the head office's).
type ClockSample struct {
	ReceivedAt time.Time
	Offset     time.Duration
}

// OffsetAt picks the clock offset to correct a register's entry stamped at
// (register clock) by: the latest sample the register had already sent by
// then (ReceivedAt + Offset <= at, both on the register's clock), else the
// earliest sample there is, for an entry made before the register was first
// heard from. ok is false with no samples: the entry is then ordered by its
// own clock (offset 0). samples need not be sorted; it is not modified.
func OffsetAt(samples []ClockSample, at time.Time) (offset time.Duration, ok bool) {
	if len(samples) == 0 {
		return 0, false
	}
	ss := append([]ClockSample(nil), samples...)
	sort.Slice(ss, func(i, j int) bool {
		if !ss[i].ReceivedAt.Equal(ss[j].ReceivedAt) {
			return ss[i].ReceivedAt.Before(ss[j].ReceivedAt)
		}
		return ss[i].Offset < ss[j].Offset // deterministic for two samples in one instant
	})
	best := ss[0]
	for _, s := range ss {
		if s.ReceivedAt.Add(s.Offset).After(at) {
			break
		}
		best = s
	}
	return best.Offset, true
}
