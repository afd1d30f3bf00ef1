package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// TestJourneysContinueAfterRestart stops the devstack with SIGTERM mid-journey and starts it
// again on the same data directory: the journeys answer the same stage and move on.
func TestJourneysContinueAfterRestart(t *testing.T) {
	requireFull(t)
	t.Parallel()
	dir := t.TempDir()
	first := startForTest(t, dir, false)
	c := first.coordinator(t)
	suffix := uniqueSuffix()

	waiting, _ := submitted(t, first, c, "E2E-RESTART-WAIT-"+suffix)
	triaged, _ := submitted(t, first, c, "E2E-RESTART-TRIAGED-"+suffix)
	_, err := c.Triage(first.coordinating(t), &coordinatorv1.TriageRequest{JourneyId: triaged, RequestId: "triage-before-restart",
		Disposition: "cats", Baseline: []*coordinatorv1.Measure{{Code: "msk-hq", Value: 30}}})
	require.NoError(t, err)
	booked, err := c.ScheduleIntervention(first.coordinating(t), &coordinatorv1.ScheduleInterventionRequest{JourneyId: triaged,
		RequestId: "book-before-restart", Intervention: "cats-assessment", ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
	require.NoError(t, err)

	before := map[string]*coordinatorv1.Journey{}
	for _, id := range []string{waiting, triaged} {
		got, err := c.GetJourney(first.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: id})
		require.NoError(t, err)
		before[id] = got.GetJourney()
	}
	require.Equal(t, "cats-assessment", before[triaged].GetStage())

	require.NoError(t, first.stop(), "SIGTERM stops the devstack cleanly")

	second := startForTest(t, dir, false)
	c = second.coordinator(t)
	for id, was := range before {
		got, err := c.GetJourney(second.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: id})
		require.NoError(t, err, id)
		j := got.GetJourney()
		require.Equal(t, was.GetStage(), j.GetStage(), id)
		require.Equal(t, was.GetStatus(), j.GetStatus(), id)
		require.Equal(t, was.GetRevision(), j.GetRevision(), id)
	}

	res, err := c.Triage(second.coordinating(t), &coordinatorv1.TriageRequest{JourneyId: waiting, RequestId: "triage-after-restart",
		Disposition: "cats", Baseline: []*coordinatorv1.Measure{{Code: "msk-hq", Value: 28}}})
	require.NoError(t, err, "a journey submitted before the restart is triaged after it")
	require.Equal(t, "cats-assessment", res.GetResult().GetStage())

	_, err = c.StartIntervention(second.coordinating(t), &coordinatorv1.StartInterventionRequest{JourneyId: triaged,
		RequestId: "start-after-restart", InterventionId: booked.GetResult().GetInterventionId()})
	require.NoError(t, err, "an intervention booked before the restart starts after it")
	got, err := c.GetJourney(second.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: triaged})
	require.NoError(t, err)
	require.Equal(t, "started", got.GetJourney().GetInterventions()[0].GetStatus())

	require.NoError(t, second.stop(), "SIGTERM stops the restarted devstack cleanly")
}
