package bench

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/nhs-pathways/pathways/workflows/journey"
)

// timeStateQueries times n state queries of a journey, one after another: the query the
// coordinator makes before each update, measured alone.
func timeStateQueries(ctx context.Context, tc client.Client, journeyID string, n int) (Sample, error) {
	var s Sample
	start := time.Now()
	for range n {
		t0 := time.Now()
		res, err := tc.QueryWorkflow(ctx, journeyID, "", journey.QueryState)
		if err != nil {
			return s, fmt.Errorf("query %s: %w", journeyID, err)
		}
		var v journey.View
		if err := res.Get(&v); err != nil {
			return s, fmt.Errorf("decode %s state: %w", journeyID, err)
		}
		s.Transitions++
		s.latencies = append(s.latencies, time.Since(t0))
	}
	s.Elapsed = time.Since(start)
	return s, nil
}

// timeDirectUpdates times n transitions of the coordinators' loop sent straight to the journey
// workflow with the Temporal client, one after another: our transition without the coordinator
// (no state query, no extra gRPC hop). The journey must be at the start of the loop.
func timeDirectUpdates(ctx context.Context, tc client.Client, journeyID string, n int) (Sample, error) {
	var s Sample
	var intervention string
	start := time.Now()
	for i := range n {
		name, arg := journey.UpdateScheduleIntervention, any(journey.ScheduleInterventionRequest{
			Intervention: benchIntervention, ScheduledFor: time.Now().Add(24 * time.Hour), RequestedBy: "pathwaysbench"})
		switch i % steps {
		case stepStart:
			name, arg = journey.UpdateStartIntervention, journey.InterventionRequest{InterventionID: intervention, RequestedBy: "pathwaysbench"}
		case stepComplete:
			name, arg = journey.UpdateCompleteIntervention, journey.InterventionRequest{InterventionID: intervention, RequestedBy: "pathwaysbench"}
		}
		t0 := time.Now()
		h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: journeyID, UpdateName: name,
			Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err != nil {
			return s, fmt.Errorf("update %s %s: %w", journeyID, name, err)
		}
		var r journey.UpdateResult
		if err := h.Get(ctx, &r); err != nil {
			return s, fmt.Errorf("update %s %s: %w", journeyID, name, err)
		}
		if i%steps == stepSchedule {
			intervention = r.InterventionID
		}
		s.Transitions++
		s.latencies = append(s.latencies, time.Since(t0))
	}
	s.Elapsed = time.Since(start)
	return s, nil
}
