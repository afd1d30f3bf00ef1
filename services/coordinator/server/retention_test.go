package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/server"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// TestCoordinatorDeletesJourneysPastRecordsRetention starts the coordinator with a 1h records
// retention and a clock 2h after one journey closed: its sweeper deletes that journey's stream at
// start and keeps an open one.
func TestCoordinatorDeletesJourneysPastRecordsRetention(t *testing.T) {
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	closedAt := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	closed, open := events.JourneyStream("j-closed"), events.JourneyStream("j-open")
	_, err = j.Append(t.Context(), closed, events.NoStream(),
		events.Event{Payload: &journeyv1.ReferralReceived{JourneyId: "j-closed", OccurredAt: timestamppb.New(closedAt.Add(-time.Hour))}},
		events.Event{Payload: &journeyv1.JourneyClosed{JourneyId: "j-closed", OccurredAt: timestamppb.New(closedAt)}})
	require.NoError(t, err)
	_, err = j.Append(t.Context(), open, events.NoStream(),
		events.Event{Payload: &journeyv1.ReferralReceived{JourneyId: "j-open", OccurredAt: timestamppb.New(closedAt.Add(-time.Hour))}})
	require.NoError(t, err)

	cfg := server.DefaultConfig()
	cfg.Security = secure.Insecure()
	cfg.Listen, cfg.HTTPListen, cfg.EventStoreURL, cfg.GovernanceAddr = "127.0.0.1:0", "", es.URL(), "127.0.0.1:1"
	cfg.Temporal.Address = "127.0.0.1:1" // a lazy client: never called here
	cfg.Vault = patientkeystest.Open(t)
	cfg.Now = func() time.Time { return closedAt.Add(2 * time.Hour) }
	cfg.RecordsRetention = server.RecordsRetention{Time: time.Hour}
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)

	require.Eventually(t, func() bool {
		_, err := j.ReadStream(t.Context(), closed)
		return err != nil
	}, 20*time.Second, 20*time.Millisecond, "the first sweep runs as the coordinator starts")
	_, err = j.ReadStream(t.Context(), closed)
	require.ErrorIs(t, err, events.ErrStreamNotFound)
	got, err := j.ReadStream(t.Context(), open)
	require.NoError(t, err, "an open journey is kept")
	require.Len(t, got, 1)
}
