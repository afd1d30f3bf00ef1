package demo

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// step is one coordinator transition of a scripted journey. Its request ID is fixed, so sending
// it again returns the first answer and changes nothing.
type step struct {
	requestID string
	send      func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, run *scriptRun) (*coordinatorv1.TransitionResult, error)
}

// scriptRun is the state of one journey's script: its ID and the interventions booked so far,
// by the label the script gave them.
type scriptRun struct {
	journeyID     string
	interventions map[string]string
	now           time.Time
}

type resulted interface {
	GetResult() *coordinatorv1.TransitionResult
}

func result[R resulted](r R, err error) (*coordinatorv1.TransitionResult, error) {
	if err != nil {
		return nil, err
	}
	return r.GetResult(), nil
}

// book schedules an intervention of the pinned catalogue, in days from now, and remembers its ID
// under label.
func book(label, intervention string, inDays int) step {
	return step{requestID: "book-" + label, send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		res, err := result(c.ScheduleIntervention(ctx, &coordinatorv1.ScheduleInterventionRequest{JourneyId: r.journeyID,
			RequestId: "book-" + label, Intervention: intervention,
			ScheduledFor: timestamppb.New(r.now.Add(time.Duration(inDays) * 24 * time.Hour))}))
		if err == nil {
			r.interventions[label] = res.GetInterventionId()
		}
		return res, err
	}}
}

// attend moves a booked intervention on: "start", "complete" or "dna".
func attend(action, label string) step {
	id := action + "-" + label
	return step{requestID: id, send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		iv, ok := r.interventions[label]
		if !ok {
			return nil, fmt.Errorf("demo script: %s before booking %q", id, label)
		}
		switch action {
		case "start":
			return result(c.StartIntervention(ctx, &coordinatorv1.StartInterventionRequest{JourneyId: r.journeyID, RequestId: id, InterventionId: iv}))
		case "complete":
			return result(c.CompleteIntervention(ctx, &coordinatorv1.CompleteInterventionRequest{JourneyId: r.journeyID, RequestId: id, InterventionId: iv}))
		default:
			return result(c.RecordDidNotAttend(ctx, &coordinatorv1.RecordDidNotAttendRequest{JourneyId: r.journeyID, RequestId: id, InterventionId: iv}))
		}
	}}
}

func triage(disposition string, baseline ...*coordinatorv1.Measure) step {
	return step{requestID: "triage", send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		return result(c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: r.journeyID, RequestId: "triage",
			Disposition: disposition, Baseline: baseline}))
	}}
}

func outcome(point string, measures ...*coordinatorv1.Measure) step {
	id := "outcome-" + point
	return step{requestID: id, send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		return result(c.RecordOutcome(ctx, &coordinatorv1.RecordOutcomeRequest{JourneyId: r.journeyID, RequestId: id,
			CollectionPoint: point, Measures: measures}))
	}}
}

func discharge(reason string) step {
	return step{requestID: "discharge", send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		return result(c.Discharge(ctx, &coordinatorv1.DischargeRequest{JourneyId: r.journeyID, RequestId: "discharge", Reason: reason}))
	}}
}

func cancel(reason string) step {
	return step{requestID: "cancel", send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		return result(c.Cancel(ctx, &coordinatorv1.CancelRequest{JourneyId: r.journeyID, RequestId: "cancel", Reason: reason}))
	}}
}

const admitPrefix = "admit-"

// admit records an unplanned hospital admission that began daysAgo days before the load and lasted
// stayDays days.
func admit(label string, daysAgo, stayDays int) step {
	id := admitPrefix + label
	return step{requestID: id, send: func(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, r *scriptRun) (*coordinatorv1.TransitionResult, error) {
		admitted := r.now.Add(-time.Duration(daysAgo) * 24 * time.Hour)
		return result(c.RecordAdmission(ctx, &coordinatorv1.RecordAdmissionRequest{JourneyId: r.journeyID, RequestId: id,
			AdmittedAt: timestamppb.New(admitted), DischargedAt: timestamppb.New(admitted.Add(time.Duration(stayDays) * 24 * time.Hour)),
			Reason: "copd-exacerbation"}))
	}}
}

func m(code string, value float64) *coordinatorv1.Measure {
	return &coordinatorv1.Measure{Code: code, Value: value}
}

func scaled(code string, value float64, scale string) *coordinatorv1.Measure {
	return &coordinatorv1.Measure{Code: code, Value: value, Scale: scale}
}
