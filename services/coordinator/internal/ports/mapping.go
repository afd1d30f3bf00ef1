package ports

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func tsp(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func measuresFromProto(ms []*coordinatorv1.Measure) []domain.Measure {
	out := make([]domain.Measure, len(ms))
	for i, m := range ms {
		out[i] = domain.Measure{Code: m.GetCode(), Value: m.GetValue(), Scale: m.GetScale()}
	}
	return out
}

func resultToProto(r journey.UpdateResult) *coordinatorv1.TransitionResult {
	return &coordinatorv1.TransitionResult{RequestId: r.RequestID, Stage: r.Stage, Revision: r.Revision, Events: r.Events,
		Version: int32(r.Version), InterventionId: r.InterventionID, AdmissionId: r.AdmissionID}
}

func journeyToProto(v journey.View) *coordinatorv1.Journey {
	j := &coordinatorv1.Journey{JourneyId: v.JourneyID, ReferralId: v.ReferralID, PathwayId: v.PathwayID,
		Version: int32(v.Version), PcnOdsCode: v.PCN, Segment: v.Segment, Stage: v.Stage, Status: string(v.Status),
		Revision: v.Revision, DischargedAt: tsp(v.DischargedAt), NextDeadline: tsp(v.NextDeadline), Flags: v.Flags,
		PendingPushes: int32(v.PendingPushes), Migrations: int32(v.Migrations), Admissions: int32(v.Admissions),
		Triage: &coordinatorv1.TriageClock{DueAt: ts(v.Triage.DueAt), WorkingDays: v.Triage.WorkingDays,
			CompletedAt: tsp(v.Triage.CompletedAt), Disposition: v.Triage.Disposition, Breached: v.Triage.Breached},
		Rtt: &coordinatorv1.RTTClock{Status: string(v.RTT.Status), StartedAt: tsp(v.RTT.StartedAt), BreachAt: tsp(v.RTT.BreachAt),
			StoppedAt: tsp(v.RTT.StoppedAt), Reason: v.RTT.Reason, Breached: v.RTT.Breached},
	}
	for _, iv := range v.Interventions {
		j.Interventions = append(j.Interventions, &coordinatorv1.Intervention{InterventionId: iv.ID, Code: iv.Code,
			Provider: iv.Provider, UnitPricePence: iv.UnitPricePence, Status: string(iv.Status),
			ScheduledFor: ts(iv.ScheduledFor), StartedAt: tsp(iv.StartedAt), CompletedAt: tsp(iv.CompletedAt)})
	}
	for _, m := range v.Measures {
		j.Measures = append(j.Measures, &coordinatorv1.RecordedMeasure{CollectionPoint: m.CollectionPoint, RecordedAt: ts(m.At),
			Measure: &coordinatorv1.Measure{Code: m.Measure, Value: m.Value, Scale: m.Scale}})
	}
	for _, f := range v.FollowUps {
		j.FollowUps = append(j.FollowUps, &coordinatorv1.FollowUp{Point: f.Point, Months: int32(f.Months), DueAt: ts(f.DueAt),
			Measures: f.Measures, Due: f.Due, Collected: f.Collected})
	}
	return j
}

func timelineToProto(es []app.TimelineEntry) []*coordinatorv1.TimelineEntry {
	out := make([]*coordinatorv1.TimelineEntry, len(es))
	for i, e := range es {
		out[i] = &coordinatorv1.TimelineEntry{Revision: e.Revision, Type: e.Type, OccurredAt: ts(e.OccurredAt), Stage: e.Stage,
			Actor: e.Actor, RequestId: e.RequestID, Summary: e.Summary}
	}
	return out
}

func listedToProto(l app.Listed) *coordinatorv1.WorklistItem {
	return &coordinatorv1.WorklistItem{JourneyId: l.JourneyID, PathwayId: l.PathwayID, Version: int32(l.Version),
		Stage: l.Stage, Status: l.Status, PcnOdsCode: l.PCN, Segment: journeyv1.Segment(journeyv1.Segment_value[l.Segment]),
		TriageDueAt: ts(l.TriageDueAt), TriageBreached: l.TriageBreached, RttBreached: l.RTTBreached, StartedAt: ts(l.StartedAt)}
}
