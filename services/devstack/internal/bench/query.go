package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// timeRevisionReads times n reads of the revision of a journey's stream, one after another: the
// read the coordinator makes before each update (to tell a lost race from a refusal), alone.
func timeRevisionReads(ctx context.Context, eventStoreURL, journeyID string, n int) (s Sample, err error) {
	j, err := events.Open(ctx, eventStoreURL)
	if err != nil {
		return s, fmt.Errorf("open event store: %w", err)
	}
	defer func() { err = errors.Join(err, j.Close()) }()
	stream := events.JourneyStream(journeyID)
	start := time.Now()
	for range n {
		t0 := time.Now()
		if _, found, err := j.LastRevision(ctx, stream); err != nil || !found {
			return s, fmt.Errorf("read revision of %s: found=%v: %w", stream, found, err)
		}
		s.Transitions++
		s.latencies = append(s.latencies, time.Since(t0))
	}
	s.Elapsed = time.Since(start)
	return s, nil
}

// timeDirectUpdates times n transitions of the coordinators' loop sent straight to the journey
// workflow with the Temporal client, one after another: our transition without the coordinator
// (no revision read, no extra gRPC hop). The journey must be at the start of the loop.
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
