package syncclient

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tillpos/till/sync/syncproto"
)

// Metrics counts what the head office's monitoring wants from a register.
// The register's wiring calls it (cmd/register hooks); the heartbeat sends
// a snapshot. Every method is safe for concurrent use and a nil *Metrics
// records nothing, so callers need no checks. Counters run since start.
type Metrics struct {
	salesCompleted, salesFailed            atomic.Int64
	cardApproved, cardDeclined, cardErrors atomic.Int64
	printFailures                          atomic.Int64
	scanToLine, commit                     latencies
}

func (m *Metrics) add(c *atomic.Int64) {
	if m != nil {
		c.Add(1)
	}
}

// SaleCompleted counts a sale committed to the journal.
func (m *Metrics) SaleCompleted() {
	if m != nil {
		m.add(&m.salesCompleted)
	}
}

// SaleCommitted counts a completed sale and records its commit latency
// (the register's Metrics port).
func (m *Metrics) SaleCommitted(d time.Duration) {
	m.SaleCompleted()
	m.ObserveCommit(d)
}

// SaleFailed counts a sale that could not be committed.
func (m *Metrics) SaleFailed() {
	if m != nil {
		m.add(&m.salesFailed)
	}
}

// CardApproved, CardDeclined and CardError count card payment outcomes.
func (m *Metrics) CardApproved() {
	if m != nil {
		m.add(&m.cardApproved)
	}
}

// CardDeclined counts a declined card payment.
func (m *Metrics) CardDeclined() {
	if m != nil {
		m.add(&m.cardDeclined)
	}
}

// CardError counts a card payment that failed for a technical reason.
func (m *Metrics) CardError() {
	if m != nil {
		m.add(&m.cardErrors)
	}
}

// PrintFailed counts a receipt that did not print.
func (m *Metrics) PrintFailed() {
	if m != nil {
		m.add(&m.printFailures)
	}
}

// CardOutcome counts a card terminal's answer by the register's outcome
// name (register.CardOutcome*): "approved", "declined", anything else is an
// error. With PrintFailed and ScanToLine it makes *Metrics the register's
// Metrics port.
func (m *Metrics) CardOutcome(kind string) {
	switch kind {
	case "approved":
		m.CardApproved()
	case "declined":
		m.CardDeclined()
	default:
		m.CardError()
	}
}

// ScanToLine is ObserveScanToLine under the register's port's name.
func (m *Metrics) ScanToLine(d time.Duration) { m.ObserveScanToLine(d) }

// ObserveScanToLine records the time from a scan to its line on screen.
func (m *Metrics) ObserveScanToLine(d time.Duration) {
	if m != nil {
		m.scanToLine.observe(d)
	}
}

// ObserveCommit records the time a sale's journal commit took.
func (m *Metrics) ObserveCommit(d time.Duration) {
	if m != nil {
		m.commit.observe(d)
	}
}

// Snapshot returns the counters and latency summaries as the heartbeat
// sends them.
func (m *Metrics) Snapshot() (map[string]int64, map[string]syncproto.LatencySummary) {
	if m == nil {
		return nil, nil
	}
	counters := map[string]int64{
		syncproto.CounterSalesCompleted: m.salesCompleted.Load(),
		syncproto.CounterSalesFailed:    m.salesFailed.Load(),
		syncproto.CounterCardApproved:   m.cardApproved.Load(),
		syncproto.CounterCardDeclined:   m.cardDeclined.Load(),
		syncproto.CounterCardErrors:     m.cardErrors.Load(),
		syncproto.CounterPrintFailures:  m.printFailures.Load(),
	}
	lat := map[string]syncproto.LatencySummary{}
	if s, ok := m.scanToLine.summary(); ok {
		lat[syncproto.LatencyScanToLine] = s
	}
	if s, ok := m.commit.summary(); ok {
		lat[syncproto.LatencyCommit] = s
	}
	return counters, lat
}

// latencyWindow is how many recent samples a summary covers: enough for a
// stable p99, small enough to sort at every heartbeat.
const latencyWindow = 1024

// latencies keeps the most recent samples in a ring.
type latencies struct {
	mu    sync.Mutex
	ring  [latencyWindow]time.Duration
	count int64
}

func (l *latencies) observe(d time.Duration) {
	l.mu.Lock()
	l.ring[l.count%latencyWindow] = d
	l.count++
	l.mu.Unlock()
}

func (l *latencies) summary() (syncproto.LatencySummary, bool) {
	l.mu.Lock()
	n := int(min(l.count, latencyWindow))
	s := slices.Clone(l.ring[:n])
	count := l.count
	l.mu.Unlock()
	if n == 0 {
		return syncproto.LatencySummary{}, false
	}
	slices.Sort(s)
	at := func(q float64) float64 {
		i := min(int(q*float64(n)), n-1) // nearest rank
		return float64(s[i]) / float64(time.Millisecond)
	}
	return syncproto.LatencySummary{Count: count, P50MS: at(0.50), P99MS: at(0.99)}, true
}
