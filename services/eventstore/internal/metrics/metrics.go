// Package metrics holds the event store's Prometheus metrics: appends,
// bytes, fsyncs, group-commit batch sizes, active subscriptions and
// read/append latencies.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics implements store.Observer and grpcapi.Observer. It is safe for
// concurrent use.
type Metrics struct {
	reg           *prometheus.Registry
	writes        prometheus.Counter
	events        prometheus.Counter
	bytes         prometheus.Counter
	groups        prometheus.Counter
	batchWrites   prometheus.Histogram
	syncSeconds   prometheus.Histogram
	subscriptions prometheus.Gauge
	appendSeconds prometheus.Histogram
	readSeconds   prometheus.Histogram
}

// New registers the metrics in a fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg:           prometheus.NewRegistry(),
		writes:        prometheus.NewCounter(prometheus.CounterOpts{Name: "eventstore_writes_total", Help: "Writes (appends, deletes, tombstones) committed."}),
		events:        prometheus.NewCounter(prometheus.CounterOpts{Name: "eventstore_events_appended_total", Help: "Events written to the log."}),
		bytes:         prometheus.NewCounter(prometheus.CounterOpts{Name: "eventstore_bytes_appended_total", Help: "Bytes of event records written to the log."}),
		groups:        prometheus.NewCounter(prometheus.CounterOpts{Name: "eventstore_commit_groups_total", Help: "Group-commit batches made durable (several may share one fsync)."}),
		batchWrites:   prometheus.NewHistogram(prometheus.HistogramOpts{Name: "eventstore_group_commit_writes", Help: "Writes per group-commit batch.", Buckets: prometheus.ExponentialBuckets(1, 2, 11)}),
		syncSeconds:   prometheus.NewHistogram(prometheus.HistogramOpts{Name: "eventstore_commit_seconds", Help: "Time from applying a group-commit batch to its WAL sync completing.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{Name: "eventstore_active_subscriptions", Help: "Subscriptions currently open."}),
		appendSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "eventstore_append_seconds", Help: "Append request latency.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		readSeconds:   prometheus.NewHistogram(prometheus.HistogramOpts{Name: "eventstore_read_seconds", Help: "Read request latency (not subscriptions).", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
	}
	m.reg.MustRegister(m.writes, m.events, m.bytes, m.groups, m.batchWrites, m.syncSeconds,
		m.subscriptions, m.appendSeconds, m.readSeconds)
	return m
}

// WatchFsyncs exposes the storage engine's WAL fsync count as
// eventstore_fsyncs_total.
func (m *Metrics) WatchFsyncs(count func() uint64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "eventstore_fsyncs_total", Help: "WAL fsyncs done by the storage engine.",
	}, func() float64 { return float64(count()) }))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveCommit records one durable group-commit batch.
func (m *Metrics) ObserveCommit(writes, events, bytes int, sync time.Duration) {
	m.writes.Add(float64(writes))
	m.events.Add(float64(events))
	m.bytes.Add(float64(bytes))
	m.groups.Inc()
	m.batchWrites.Observe(float64(writes))
	m.syncSeconds.Observe(sync.Seconds())
}

// ObserveAppend records an append request's latency.
func (m *Metrics) ObserveAppend(d time.Duration) { m.appendSeconds.Observe(d.Seconds()) }

// ObserveRead records a read request's latency.
func (m *Metrics) ObserveRead(d time.Duration) { m.readSeconds.Observe(d.Seconds()) }

// SubscriptionStarted counts an opened subscription.
func (m *Metrics) SubscriptionStarted() { m.subscriptions.Inc() }

// SubscriptionEnded counts a closed subscription.
func (m *Metrics) SubscriptionEnded() { m.subscriptions.Dec() }
