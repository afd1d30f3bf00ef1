// Package metrics records the event store's own figures as OpenTelemetry instruments on the
// process's MeterProvider: writes, events and bytes appended, group-commit batches and their size
// and sync time, WAL fsyncs, open subscriptions, append and read latencies, and scavenges (how
// many, by outcome, what they removed and how long they took). They reach
// /metrics through the platform's Prometheus reader (services/platform/metrics), beside
// otelgrpc's rpc.server.* figures.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Meter is the name of the event store's OpenTelemetry meter.
const Meter = "github.com/nhs-pathways/pathways/services/eventstore"

// Bucket boundaries: batch sizes 1..1024 writes, durations 0.1 ms .. about 3 s.
var (
	writesBuckets  = exponential(1, 2, 11)
	secondsBuckets = exponential(0.0001, 2, 16)
)

func exponential(start, factor float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = start
		start *= factor
	}
	return out
}

// Metrics implements store.Observer and grpcapi.Observer. It is safe for concurrent use.
type Metrics struct {
	writes        metric.Int64Counter
	events        metric.Int64Counter
	bytes         metric.Int64Counter
	groups        metric.Int64Counter
	batchWrites   metric.Int64Histogram
	commitSeconds metric.Float64Histogram
	subscriptions metric.Int64UpDownCounter
	appendSeconds metric.Float64Histogram
	readSeconds   metric.Float64Histogram
	fsyncs        metric.Registration

	scavenges        metric.Int64Counter
	scavengedEvents  metric.Int64Counter
	scavengedBytes   metric.Int64Counter
	scavengeSeconds  metric.Float64Histogram
	scavengeDiskFree metric.Int64Counter
}

// New creates the instruments on the global MeterProvider.
func New() (*Metrics, error) {
	meter := otel.Meter(Meter)
	m := &Metrics{}
	var errs []error
	counter := func(name, unit, description string) metric.Int64Counter {
		c, err := meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(description))
		errs = append(errs, err)
		return c
	}
	seconds := func(name, description string) metric.Float64Histogram {
		h, err := meter.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(description),
			metric.WithExplicitBucketBoundaries(secondsBuckets...))
		errs = append(errs, err)
		return h
	}
	m.writes = counter("eventstore.writes", "{write}", "Writes (appends, deletes, tombstones) committed.")
	m.events = counter("eventstore.events.appended", "{event}", "Events written to the log.")
	m.bytes = counter("eventstore.appended", "By", "Bytes of event records written to the log.")
	m.groups = counter("eventstore.commit.groups", "{group}", "Group-commit batches made durable (several may share one fsync).")
	var err error
	m.batchWrites, err = meter.Int64Histogram("eventstore.commit.group.writes", metric.WithUnit("{write}"),
		metric.WithDescription("Writes per group-commit batch."), metric.WithExplicitBucketBoundaries(writesBuckets...))
	errs = append(errs, err)
	m.commitSeconds = seconds("eventstore.commit.duration", "Time from applying a group-commit batch to its WAL sync completing.")
	m.subscriptions, err = meter.Int64UpDownCounter("eventstore.subscriptions.active", metric.WithUnit("{subscription}"),
		metric.WithDescription("Subscriptions currently open."))
	errs = append(errs, err)
	m.appendSeconds = seconds("eventstore.append.duration", "Append request latency.")
	m.readSeconds = seconds("eventstore.read.duration", "Read request latency (not subscriptions).")
	m.scavenges = counter("eventstore.scavenges", "{scavenge}", "Scavenges run, by outcome (ok, failed, stopped).")
	m.scavengedEvents = counter("eventstore.scavenge.events.removed", "{event}", "Events a scavenge removed from the disk.")
	m.scavengedBytes = counter("eventstore.scavenge.removed", "By", "Bytes of event records a scavenge removed.")
	m.scavengeDiskFree = counter("eventstore.scavenge.reclaimed", "By", "Disk space scavenges gave back (storage files before minus after, when smaller).")
	m.scavengeSeconds, err = meter.Float64Histogram("eventstore.scavenge.duration", metric.WithUnit("s"),
		metric.WithDescription("Scavenge duration, deletions, compaction and file removal included."),
		metric.WithExplicitBucketBoundaries(exponential(0.01, 4, 10)...))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("eventstore metrics: %w", err)
	}
	return m, nil
}

// WatchFsyncs reports the storage engine's WAL fsync count as eventstore.fsyncs until Close.
func (m *Metrics) WatchFsyncs(count func() uint64) error {
	meter := otel.Meter(Meter)
	fsyncs, err := meter.Int64ObservableCounter("eventstore.fsyncs", metric.WithUnit("{fsync}"),
		metric.WithDescription("WAL fsyncs done by the storage engine."))
	if err != nil {
		return fmt.Errorf("eventstore metrics: %w", err)
	}
	m.fsyncs, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(fsyncs, int64(count()))
		return nil
	}, fsyncs)
	if err != nil {
		return fmt.Errorf("eventstore metrics: %w", err)
	}
	return nil
}

// Close stops observing the storage engine (call it before closing the store).
func (m *Metrics) Close() error {
	if m.fsyncs == nil {
		return nil
	}
	if err := m.fsyncs.Unregister(); err != nil {
		return fmt.Errorf("eventstore metrics: %w", err)
	}
	return nil
}

// ObserveCommit records one durable group-commit batch.
func (m *Metrics) ObserveCommit(writes, events, bytes int, sync time.Duration) {
	ctx := context.Background()
	m.writes.Add(ctx, int64(writes))
	m.events.Add(ctx, int64(events))
	m.bytes.Add(ctx, int64(bytes))
	m.groups.Add(ctx, 1)
	m.batchWrites.Record(ctx, int64(writes))
	m.commitSeconds.Record(ctx, sync.Seconds())
}

// ObserveAppend records an append request's latency.
func (m *Metrics) ObserveAppend(d time.Duration) {
	m.appendSeconds.Record(context.Background(), d.Seconds())
}

// ObserveRead records a read request's latency.
func (m *Metrics) ObserveRead(d time.Duration) {
	m.readSeconds.Record(context.Background(), d.Seconds())
}

// SubscriptionStarted counts an opened subscription.
func (m *Metrics) SubscriptionStarted() { m.subscriptions.Add(context.Background(), 1) }

// SubscriptionEnded counts a closed subscription.
func (m *Metrics) SubscriptionEnded() { m.subscriptions.Add(context.Background(), -1) }

// Scavenge outcomes, the outcome attribute of eventstore.scavenges.
const (
	ScavengeOK      = "ok"
	ScavengeFailed  = "failed"
	ScavengeStopped = "stopped"
)

// ObserveScavenge records one scavenge: its outcome, the events and record bytes it removed, the
// storage files' size before and after, and its duration.
func (m *Metrics) ObserveScavenge(ctx context.Context, outcome string, events, recordBytes int64, diskBefore, diskAfter uint64, d time.Duration) {
	m.scavenges.Add(ctx, 1, metric.WithAttributes(attribute.String("outcome", outcome)))
	m.scavengedEvents.Add(ctx, events)
	m.scavengedBytes.Add(ctx, recordBytes)
	if diskAfter < diskBefore {
		m.scavengeDiskFree.Add(ctx, int64(diskBefore-diskAfter))
	}
	m.scavengeSeconds.Record(ctx, d.Seconds())
}
