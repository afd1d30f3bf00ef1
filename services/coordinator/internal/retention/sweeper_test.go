package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/retention"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/platform/records"
)

// closedAt is when the test journeys end; the sweepers' clocks run 2h later, with a 1h retention.
var closedAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var oneHour = records.Retention{Time: time.Hour}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// openJournal starts an in-memory embedded event store and opens a Journal on it.
func openJournal(t *testing.T) *events.Journal {
	t.Helper()
	srv, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	j, err := events.Open(t.Context(), srv.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

// sweeper sweeps j with a 1h retention and a clock 2h after closedAt.
func sweeper(t *testing.T, j retention.Journal, opts ...func(*retention.Config)) *retention.Sweeper {
	t.Helper()
	cfg := retention.Config{Retention: oneHour, Now: func() time.Time { return closedAt.Add(2 * time.Hour) }}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := retention.New(j, cfg)
	require.NoError(t, err)
	return s
}

// journey writes a journey's events (each occurring at its time) and returns its id.
func journey(t *testing.T, j *events.Journal, steps ...step) string {
	t.Helper()
	id := "j-" + uuid.NewString()
	for _, s := range steps {
		_, err := j.Append(testCtx(t), events.JourneyStream(id), events.Any(),
			events.Event{Payload: s.payload(id, s.at), Meta: events.Metadata{OccurredAt: s.at}})
		require.NoError(t, err)
	}
	return id
}

type step struct {
	at      time.Time
	payload func(id string, at time.Time) proto.Message
}

func referred(at time.Time) step {
	return step{at, func(id string, at time.Time) proto.Message {
		return &journeyv1.ReferralReceived{JourneyId: id, OccurredAt: timestamppb.New(at), Stage: "spa-triage"}
	}}
}

func closed(at time.Time) step {
	return step{at, func(id string, at time.Time) proto.Message {
		return &journeyv1.JourneyClosed{JourneyId: id, OccurredAt: timestamppb.New(at), Stage: "discharged"}
	}}
}

func cancelled(at time.Time) step {
	return step{at, func(id string, at time.Time) proto.Message {
		return &journeyv1.JourneyCancelled{JourneyId: id, OccurredAt: timestamppb.New(at), Reason: "duplicate", Stage: "cancelled"}
	}}
}

func admitted(at time.Time) step {
	return step{at, func(id string, at time.Time) proto.Message {
		return &journeyv1.HospitalAdmissionRecorded{JourneyId: id, AdmissionId: "adm-1", OccurredAt: timestamppb.New(at)}
	}}
}

func requireDeleted(t *testing.T, j *events.Journal, id string) {
	t.Helper()
	_, err := j.ReadStream(testCtx(t), events.JourneyStream(id))
	require.ErrorIs(t, err, events.ErrStreamNotFound, "journey %s's stream is deleted", id)
}

func requireKept(t *testing.T, j *events.Journal, id string, n int) {
	t.Helper()
	got, err := j.ReadStream(testCtx(t), events.JourneyStream(id))
	require.NoError(t, err, "journey %s's stream is kept", id)
	require.Len(t, got, n, "with all its events")
}

func TestSweepDeletesAClosedJourneyPastRetention(t *testing.T) {
	j := openJournal(t)
	id := journey(t, j, referred(closedAt.Add(-24*time.Hour)), closed(closedAt))
	res, err := sweeper(t, j).Sweep(testCtx(t))
	require.NoError(t, err)
	requireDeleted(t, j, id)
	require.Equal(t, retention.Result{Expired: 1, Deleted: 1}, res)
}

func TestSweepDeletesACancelledJourneyPastRetention(t *testing.T) {
	j := openJournal(t)
	id := journey(t, j, referred(closedAt.Add(-time.Hour)), cancelled(closedAt))
	res, err := sweeper(t, j).Sweep(testCtx(t))
	require.NoError(t, err)
	requireDeleted(t, j, id)
	require.Equal(t, retention.Result{Expired: 1, Deleted: 1}, res)
}

func TestSweepKeepsAJourneyClosedInsideRetention(t *testing.T) {
	j := openJournal(t)
	recent := journey(t, j, referred(closedAt), closed(closedAt.Add(90*time.Minute))) // 30 min before the clock
	reclosed := journey(t, j, cancelled(closedAt.Add(-time.Hour)), closed(closedAt.Add(90*time.Minute)))
	res, err := sweeper(t, j).Sweep(testCtx(t))
	require.NoError(t, err)
	requireKept(t, j, recent, 2)
	requireKept(t, j, reclosed, 2) // its last end is inside retention, whatever came before
	require.Equal(t, retention.Result{}, res)
}

func TestSweepKeepsAnOpenJourney(t *testing.T) {
	j := openJournal(t)
	open := journey(t, j, referred(closedAt.Add(-48*time.Hour)), admitted(closedAt.Add(-24*time.Hour)))
	res, err := sweeper(t, j).Sweep(testCtx(t))
	require.NoError(t, err)
	requireKept(t, j, open, 2)
	require.Equal(t, retention.Result{}, res)
}

func TestSweepKeepsAJourneyWrittenToInsideRetention(t *testing.T) {
	j := openJournal(t)
	id := journey(t, j, referred(closedAt.Add(-time.Hour)), closed(closedAt), admitted(closedAt.Add(90*time.Minute)))
	res, err := sweeper(t, j).Sweep(testCtx(t))
	require.NoError(t, err)
	requireKept(t, j, id, 3)
	require.Equal(t, retention.Result{Expired: 1, Kept: 1}, res)
}

// writesAfterDecision is the real journal, but another writer appends to each stream just after
// the sweeper has read its last event to decide.
type writesAfterDecision struct {
	*events.Journal
	t *testing.T
}

func (w writesAfterDecision) LastEvent(ctx context.Context, stream string) (events.Recorded, bool, error) {
	r, found, err := w.Journal.LastEvent(ctx, stream)
	late := &journeyv1.HospitalAdmissionRecorded{JourneyId: stream, AdmissionId: "adm-late", OccurredAt: timestamppb.New(closedAt)}
	_, aerr := w.Append(ctx, stream, events.StreamExists(), events.Event{Payload: late})
	require.NoError(w.t, aerr)
	return r, found, err
}

func TestSweepKeepsAJourneyWrittenToAfterTheDecision(t *testing.T) {
	j := openJournal(t)
	id := journey(t, j, referred(closedAt.Add(-time.Hour)), closed(closedAt))
	res, err := sweeper(t, writesAfterDecision{j, t}).Sweep(testCtx(t))
	require.NoError(t, err, "a conflict is not a failure")
	requireKept(t, j, id, 3)
	require.Equal(t, retention.Result{Expired: 1, Kept: 1}, res)
}

func TestSweepIsIdempotentAcrossReplicas(t *testing.T) {
	j := openJournal(t)
	id := journey(t, j, referred(closedAt.Add(-time.Hour)), closed(closedAt))
	first, second := sweeper(t, j), sweeper(t, j)
	res, err := first.Sweep(testCtx(t))
	require.NoError(t, err)
	require.Equal(t, 1, res.Deleted)
	res, err = second.Sweep(testCtx(t))
	require.NoError(t, err, "another replica sweeping after the first is harmless")
	require.Zero(t, res.Deleted)
	require.Equal(t, res.Expired, res.Gone, "whatever it still sees of the deleted journey, it counts as gone")
	requireDeleted(t, j, id)
}

func TestSweepCountsDeletions(t *testing.T) {
	j := openJournal(t)
	journey(t, j, closed(closedAt))
	journey(t, j, cancelled(closedAt))
	journey(t, j, closed(closedAt.Add(90*time.Minute)))
	reader := sdkmetric.NewManualReader()
	s := sweeper(t, j, func(c *retention.Config) { c.Meters = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)) })
	_, err := s.Sweep(testCtx(t))
	require.NoError(t, err)
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(t.Context(), &rm))
	require.Equal(t, int64(2), counter(t, rm, "coordinator.retention.journeys_deleted"))
	require.Equal(t, int64(1), counter(t, rm, "coordinator.retention.sweeps"))
}

func counter(t *testing.T, rm metricdata.ResourceMetrics, name string) int64 {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == name {
				var n int64
				for _, dp := range sum.DataPoints {
					n += dp.Value
				}
				return n
			}
		}
	}
	t.Fatalf("no counter %s", name)
	return 0
}

func TestRunSweepsAtStart(t *testing.T) {
	j := openJournal(t)
	id := journey(t, j, closed(closedAt))
	off := sweeper(t, j)
	off.Run(testCtx(t)) // no interval: returns at once, sweeping nothing
	requireKept(t, j, id, 1)

	stop := sweeper(t, j, func(c *retention.Config) { c.Interval = time.Hour }).Start(t.Context())
	defer stop()
	require.Eventually(t, func() bool {
		_, err := j.ReadStream(testCtx(t), events.JourneyStream(id))
		return err != nil
	}, 20*time.Second, 20*time.Millisecond, "the first sweep runs at start")
	requireDeleted(t, j, id)
}

func TestNewRefusesNoRetention(t *testing.T) {
	_, err := retention.New(openJournal(t), retention.Config{})
	require.ErrorContains(t, err, "records-retention: must be a positive period")
}
