package syncproto

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// CodeTooManyRequests answers 429: slow down, see Retry-After.
const CodeTooManyRequests = "too_many_requests"

// MaxPayloadBytes bounds one entry's payload: a sale of pos.MaxLines lines
// with long names fits.
const MaxPayloadBytes = 1 << 20

// Heartbeat bounds. Counter and latency names are a fixed set (Counters,
// Latencies): every name becomes metric series at the head office, so a
// register may not invent new ones.
const (
	MaxHeartbeatBytes  = 64 << 10
	MaxDevices         = 32
	MaxDeviceNameLen   = 32
	MaxDeviceStateLen  = 64
	MaxAppVersionLen   = 64
	MaxSyncProblemLen  = 512
	MaxCounterValue    = 1 << 50 // far beyond any register's lifetime, far below float64's exact range
	MaxLatencyMS       = 24 * 60 * 60 * 1000
	maxSyncStateLength = 32
)

// Counters and Latencies are the names a heartbeat may carry.
var (
	Counters  = []string{CounterSalesCompleted, CounterSalesFailed, CounterCardApproved, CounterCardDeclined, CounterCardErrors, CounterPrintFailures}
	Latencies = []string{LatencyScanToLine, LatencyCommit}
)

// ErrHeartbeat wraps every reason Check refuses a heartbeat.
var ErrHeartbeat = errors.New("heartbeat out of bounds")

func isOneOf(name string, names []string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// Check reports whether h lies within the bounds above: known counter and
// latency names only, no negative or oversized figure, bounded strings.
// The register checks before sending; the head office refuses what fails.
func (h HeartbeatRequest) Check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrHeartbeat, fmt.Sprintf(format, args...))
	}
	switch {
	case len(h.AppVersion) > MaxAppVersionLen:
		return bad("app_version longer than %d bytes", MaxAppVersionLen)
	case len(h.SyncState) > maxSyncStateLength:
		return bad("sync_state longer than %d bytes", maxSyncStateLength)
	case len(h.SyncProblem) > MaxSyncProblemLen:
		return bad("sync_problem longer than %d bytes", MaxSyncProblemLen)
	case h.OutboxDepth < 0 || h.OutboxDepth > MaxCounterValue:
		return bad("outbox_depth %d out of range", h.OutboxDepth)
	case h.OldestUnsyncedMS < 0 || h.OldestUnsyncedMS > MaxCounterValue:
		return bad("oldest_unsynced_ms %d out of range", h.OldestUnsyncedMS)
	case h.ClockOffsetMS < -MaxCounterValue || h.ClockOffsetMS > MaxCounterValue:
		return bad("clock_offset_ms %d out of range", h.ClockOffsetMS)
	case h.CatalogCursor < 0:
		return bad("catalog_cursor %d is negative", h.CatalogCursor)
	case len(h.Devices) > MaxDevices:
		return bad("more than %d devices", MaxDevices)
	}
	for name, state := range h.Devices {
		if name == "" || len(name) > MaxDeviceNameLen || len(state) > MaxDeviceStateLen {
			return bad("device %.32q: name 1 to %d bytes, state up to %d", name, MaxDeviceNameLen, MaxDeviceStateLen)
		}
	}
	for name, v := range h.Counters {
		if !isOneOf(name, Counters) {
			return bad("unknown counter %.32q", name)
		}
		if v < 0 || v > MaxCounterValue {
			return bad("counter %s = %d: must be 0 to %d", name, v, int64(MaxCounterValue))
		}
	}
	for name, l := range h.Latencies {
		if !isOneOf(name, Latencies) {
			return bad("unknown latency %.32q", name)
		}
		for _, ms := range []float64{l.P50MS, l.P99MS} {
			if math.IsNaN(ms) || ms < 0 || ms > MaxLatencyMS {
				return bad("latency %s: %v ms out of range", name, ms)
			}
		}
		if l.Count < 0 || l.Count > MaxCounterValue {
			return bad("latency %s: count %d out of range", name, l.Count)
		}
	}
	return nil
}

// Truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
