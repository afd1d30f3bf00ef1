package integration

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/nhs-pathways/pathways/workflows/journey"
)

// TestUpdatesSentRightAfterStart sends requests the moment the journey is started, before it can
// have pinned its pathway version: a valid triage waits for the pin and is applied; a triage
// missing requestedBy is refused with the field named.
func TestUpdatesSentRightAfterStart(t *testing.T) {
	s := newStack(t)
	ref := referral("R-EARLY-1", "msk")
	id := journey.JourneyID(ref.ReferralID)
	run := s.start(t, ref)
	baseline := []journey.Score{{Measure: "msk-hq", Value: 30}, {Measure: "eq5d5l-index", Value: 0.61}, {Measure: "eq-vas", Value: 60}}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bad, badErr := s.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateID: "triage-anonymous", UpdateName: journey.UpdateTriage,
		Args:         []any{journey.TriageRequest{Disposition: "cats", Baseline: baseline}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if badErr == nil {
		badErr = bad.Get(ctx, nil)
	}
	var app *temporal.ApplicationError
	require.ErrorAs(t, badErr, &app)
	require.Equal(t, journey.ErrInvalidRequest, app.Type())
	require.Contains(t, app.Error(), "requestedBy")

	r := s.update(t, id, journey.UpdateTriage, "triage", journey.TriageRequest{Disposition: "cats", Baseline: baseline, RequestedBy: nurse})
	require.Equal(t, 1, r.Version)
	require.Equal(t, []string{"TriageCompleted", "RTTClockStarted"}, r.Events)

	s.update(t, id, journey.UpdateCancel, "cancel", journey.CancelRequest{Reason: "moved-away", RequestedBy: nurse})
	var final journey.View
	require.NoError(t, run.Get(ctx, &final))
	require.Equal(t, journey.StatusCancelled, final.Status)
	if recordHistories {
		recordHistory(t, s.client, id, "early_update_v3")
	}
}
