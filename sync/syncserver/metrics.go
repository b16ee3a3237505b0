package syncserver

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// metrics is the Server's Prometheus instrumentation, on a registry of its
// own (never the global one): two Servers in one process, as in tests, do not
// share or collide.
type metrics struct {
	reg   *prometheus.Registry
	start time.Time
	now   func() time.Time

	entries  *prometheus.CounterVec // status
	perReg   *prometheus.CounterVec // register, status
	batches  *prometheus.CounterVec // result
	latency  prometheus.Histogram   // whole push request, decode to answer
	lastSeen *prometheus.GaugeVec   // register
	regRatio *prometheus.GaugeVec   // register
	backlog  *prometheus.GaugeVec   // register; only from register reports
	oldest   *prometheus.GaugeVec   // register; only from register reports
	regSales *prometheus.CounterVec // register, outcome; only from register reports
	// register; completed/(completed+failed) from register reports
	salesRatio *prometheus.GaugeVec
	regCards   *prometheus.CounterVec // register, outcome; only from register reports
	regPrints  *prometheus.CounterVec // register; failed print attempts reported
	regLatency *prometheus.GaugeVec   // register, latency, quantile; from register reports
	refusals   *prometheus.CounterVec // reason: requests refused before they did any work
	// labelled is every register id given series so far; at
	// maxRegisterLabels no new one gets any, so the series count cannot
	// grow with what callers send.
	labelled map[string]bool
	mu       sync.Mutex
	accepted map[string]float64 // register → stored + duplicate
	rejected map[string]float64
	seen     map[string]time.Time
	counters map[string]map[string]int64 // register → last reported counters
	totalAcc float64
	totalRej float64
}

func newMetrics(now func() time.Time) *metrics {
	m := &metrics{
		reg:      prometheus.NewRegistry(),
		start:    now(),
		now:      now,
		accepted: map[string]float64{},
		rejected: map[string]float64{},
		seen:     map[string]time.Time{},
		counters: map[string]map[string]int64{},
		labelled: map[string]bool{},
		entries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "till_ingest_entries_total",
			Help: "Journal entries received, by outcome: stored (new), duplicate (already held), rejected.",
		}, []string{"status"}),
		perReg: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "till_register_entries_total",
			Help: "Journal entries received per register, by outcome.",
		}, []string{"register", "status"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "till_ingest_batches_total",
			Help: "Batch pushes answered, by result: ok (200 with per-entry outcomes) or error (the store failed).",
		}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "till_ingest_batch_duration_seconds",
			Help:    "Time to answer a batch push, from request to response.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		lastSeen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "till_register_last_seen_timestamp_seconds",
			Help: "Unix time of the register's last authenticated API request to this process.",
		}, []string{"register"}),
		regRatio: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "till_register_success_ratio",
			Help: "Share of the register's entries accepted (stored or duplicate) since this process started.",
		}, []string{"register"}),
		backlog: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "till_register_backlog_entries",
			Help: "Entries waiting in the register's outbox, as last reported by the register.",
		}, []string{"register"}),
		oldest: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "till_register_oldest_unsynced_seconds",
			Help: "Age of the oldest entry waiting in the register's outbox, as last reported.",
		}, []string{"register"}),
		regSales: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "till_register_sales_reported_total",
			Help: "Sales the registers report in their heartbeats as completed or failed (transaction success rate: completed / (completed + failed)).",
		}, []string{"register", "outcome"}),
	}
	m.salesRatio = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "till_register_sales_success_ratio",
		Help: "Transaction success rate as the register reports it: sales completed / (completed + failed) since it started.",
	}, []string{"register"})
	m.regCards = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "till_register_card_payments_reported_total",
		Help: "Card terminal answers the registers report in their heartbeats, by outcome: approved, declined, error.",
	}, []string{"register", "outcome"})
	m.regPrints = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "till_register_print_failures_reported_total",
		Help: "Failed print attempts the registers report in their heartbeats.",
	}, []string{"register"})
	m.regLatency = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "till_register_latency_seconds",
		Help: "Latency quantiles over the register's recent samples, as last reported: scan_to_line (scan to line in the sale), commit (sale journal commit).",
	}, []string{"register", "latency", "quantile"})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "till_refused_requests_total",
		Help: "Requests refused to protect the head office, by reason: busy (too many in flight), rate_limited, heartbeat_invalid, batch_invalid, registers_over_limit (metrics only), panic.",
	}, []string{"reason"})
	m.reg.MustRegister(m.refusals, m.entries, m.perReg, m.batches, m.latency, m.lastSeen, m.regRatio, m.backlog, m.oldest, m.regSales, m.salesRatio,
		m.regCards, m.regPrints, m.regLatency,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "till_ingest_success_ratio",
			Help: "Transaction success rate: share of all entries received since start that were accepted (1 when none were received).",
		}, m.successRatio),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "till_uptime_seconds",
			Help: "Seconds since this head-office server started.",
		}, func() float64 { return m.now().Sub(m.start).Seconds() }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	for _, st := range []string{"stored", "duplicate", "rejected"} {
		m.entries.WithLabelValues(st) // present at 0 from the first scrape
	}
	m.batches.WithLabelValues("ok")
	m.batches.WithLabelValues("error")
	for _, r := range refusalReasons {
		m.refusals.WithLabelValues(r)
	}
	return m
}

// refusalReasons are the only values of till_refused_requests_total's label.
var refusalReasons = []string{"busy", "rate_limited", "heartbeat_invalid", "batch_invalid", "registers_over_limit", "panic"}

// refused counts a refusal; reason must be one of refusalReasons.
func (m *metrics) refused(reason string) { m.refusals.WithLabelValues(reason).Inc() }

// maxRegisterLabels bounds the register ids that get per-register series.
// With enrollment only enrolled registers get this far; without it (demos,
// tests) any path would otherwise mint series.
const maxRegisterLabels = 2000

// labels says whether rid may have per-register series.
func (m *metrics) labels(rid string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.labelled[rid] {
		return true
	}
	if len(m.labelled) >= maxRegisterLabels {
		m.refusals.WithLabelValues("registers_over_limit").Inc()
		return false
	}
	m.labelled[rid] = true
	return true
}

func (m *metrics) successRatio() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.totalAcc+m.totalRej == 0 {
		return 1
	}
	return m.totalAcc / (m.totalAcc + m.totalRej)
}

// observeBatch counts the outcomes of one answered push.
func (m *metrics) observeBatch(rid string, stored, dup, rejected int) {
	m.batches.WithLabelValues("ok").Inc()
	m.entries.WithLabelValues("stored").Add(float64(stored))
	m.entries.WithLabelValues("duplicate").Add(float64(dup))
	m.entries.WithLabelValues("rejected").Add(float64(rejected))
	m.mu.Lock()
	m.totalAcc += float64(stored + dup)
	m.totalRej += float64(rejected)
	m.mu.Unlock()
	if !m.labels(rid) {
		return
	}
	m.perReg.WithLabelValues(rid, "stored").Add(float64(stored))
	m.perReg.WithLabelValues(rid, "duplicate").Add(float64(dup))
	m.perReg.WithLabelValues(rid, "rejected").Add(float64(rejected))
	m.mu.Lock()
	m.accepted[rid] += float64(stored + dup)
	m.rejected[rid] += float64(rejected)
	ratio := 1.0
	if t := m.accepted[rid] + m.rejected[rid]; t > 0 {
		ratio = m.accepted[rid] / t
	}
	m.mu.Unlock()
	m.regRatio.WithLabelValues(rid).Set(ratio)
}

// batchFailed counts a push the store could not handle (answered 500).
func (m *metrics) batchFailed() { m.batches.WithLabelValues("error").Inc() }

// touch records an authenticated request of a register.
func (m *metrics) touch(rid string) {
	if !m.labels(rid) {
		return
	}
	now := m.now()
	m.mu.Lock()
	m.seen[rid] = now
	m.mu.Unlock()
	m.lastSeen.WithLabelValues(rid).Set(float64(now.UnixMilli()) / 1e3)
}

// recordHealth takes a register's heartbeat into the metrics. The
// register's counters restart with it, so only increases are added.
func (m *metrics) recordHealth(h hqstore.RegisterHealth) {
	rid := h.RegisterID
	if !m.labels(rid) {
		return
	}
	m.backlog.WithLabelValues(rid).Set(float64(h.OutboxDepth))
	m.oldest.WithLabelValues(rid).Set(h.OldestUnsynced.Seconds())
	m.mu.Lock()
	prev := m.counters[rid]
	m.counters[rid] = h.Counters
	m.mu.Unlock()
	reported := map[string]prometheus.Counter{ // present at 0 once the register reports
		syncproto.CounterSalesCompleted: m.regSales.WithLabelValues(rid, "completed"),
		syncproto.CounterSalesFailed:    m.regSales.WithLabelValues(rid, "failed"),
		syncproto.CounterCardApproved:   m.regCards.WithLabelValues(rid, "approved"),
		syncproto.CounterCardDeclined:   m.regCards.WithLabelValues(rid, "declined"),
		syncproto.CounterCardErrors:     m.regCards.WithLabelValues(rid, "error"),
		syncproto.CounterPrintFailures:  m.regPrints.WithLabelValues(rid),
	}
	for name, c := range reported {
		now, before := h.Counters[name], prev[name]
		switch {
		case now < 0: // refused by Check; never let it reach a counter

		case now > before:
			c.Add(float64(now - before))
		case now < before: // the register restarted
			c.Add(float64(now))
		}
	}
	completed, failed := h.Counters[syncproto.CounterSalesCompleted], h.Counters[syncproto.CounterSalesFailed]
	if completed+failed > 0 {
		m.salesRatio.WithLabelValues(rid).Set(float64(completed) / float64(completed+failed))
	}
	for name, l := range h.Latencies { // names checked against syncproto.Latencies
		m.regLatency.WithLabelValues(rid, name, "0.5").Set(l.P50.Seconds())
		m.regLatency.WithLabelValues(rid, name, "0.99").Set(l.P99.Seconds())
	}
}

// registerView is what this process knows of a register beyond the store.
type registerView struct {
	LastSeen           time.Time // zero: not seen since start
	Accepted, Rejected float64
}

func (m *metrics) view(rid string) registerView {
	m.mu.Lock()
	defer m.mu.Unlock()
	return registerView{LastSeen: m.seen[rid], Accepted: m.accepted[rid], Rejected: m.rejected[rid]}
}

// instrument wraps a /v1/registers/{rid}/ handler: last-seen for every
// request that got past authentication, and the latency of pushes.
func (m *metrics) instrument(push bool, next func(http.ResponseWriter, *http.Request, string)) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, rid string) {
		m.touch(rid)
		if !push {
			next(w, r, rid)
			return
		}
		start := time.Now()
		next(w, r, rid)
		m.latency.Observe(time.Since(start).Seconds())
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
