package bench

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// The loop each coordinator runs on its own journey, after triaging it to face-to-face physio.
const (
	stepSchedule = iota
	stepStart
	stepComplete
	steps
)

// benchIntervention is booked, started and completed over and over; it does not move the journey
// to another stage.
const benchIntervention = "physio-f2f"

// coordinator is one pathway coordinator with its own journey. Not safe for concurrent use.
type coordinator struct {
	api          coordinatorv1.CoordinatorServiceClient
	actor        string
	journeyID    string
	next         int
	intervention string
	seq          int
}

func (c *coordinator) as(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "x-actor", c.actor, "x-roles", "coordinator", "x-orgs", "U90001")
}

// transition makes the journey's next transition of the loop; after a failure the same step is
// tried again (with a new request ID).
func (c *coordinator) transition(ctx context.Context) error {
	ctx = c.as(ctx)
	c.seq++
	id := fmt.Sprintf("bench-%d", c.seq)
	var err error
	switch c.next {
	case stepSchedule:
		var res *coordinatorv1.ScheduleInterventionResponse
		res, err = c.api.ScheduleIntervention(ctx, &coordinatorv1.ScheduleInterventionRequest{JourneyId: c.journeyID,
			RequestId: id, Intervention: benchIntervention, ScheduledFor: timestamppb.New(time.Now().Add(24 * time.Hour))})
		if err == nil {
			c.intervention = res.GetResult().GetInterventionId()
		}
	case stepStart:
		_, err = c.api.StartIntervention(ctx, &coordinatorv1.StartInterventionRequest{JourneyId: c.journeyID,
			RequestId: id, InterventionId: c.intervention})
	default:
		_, err = c.api.CompleteIntervention(ctx, &coordinatorv1.CompleteInterventionRequest{JourneyId: c.journeyID,
			RequestId: id, InterventionId: c.intervention})
	}
	if err != nil {
		return fmt.Errorf("journey %s step %d (%s): %w", c.journeyID, c.next, id, err)
	}
	c.next = (c.next + 1) % steps
	return nil
}
