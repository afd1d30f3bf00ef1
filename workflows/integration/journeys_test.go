package integration

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"google.golang.org/protobuf/proto"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/journey"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
)

const nurse = "staff-0042"

type step struct {
	name, id string
	arg      any
}

func referral(id, pathwayID string) journey.Referral {
	return journey.Referral{
		ReferralID: id, PathwayID: pathwayID, PatientRef: "pt-abcdefghijklmnopqrstuvwxyz", NHSNumberSealed: []byte("sealed-by-the-coordinator"), PCN: "U12345",
		Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		ReferredAt: time.Now().UTC().Add(-time.Hour),
	}
}

func mskSteps(now time.Time) []step {
	baseline := []journey.Score{{Measure: "msk-hq", Value: 30}, {Measure: "eq5d5l-index", Value: 0.61}, {Measure: "eq-vas", Value: 60}}
	later := []journey.Score{{Measure: "msk-hq", Value: 46}, {Measure: "eq5d5l-index", Value: 0.85}, {Measure: "eq-vas", Value: 82}}
	book := func(code string) journey.ScheduleInterventionRequest {
		return journey.ScheduleInterventionRequest{Intervention: code, ScheduledFor: now.Add(24 * time.Hour), RequestedBy: nurse}
	}
	iv := func(id string) journey.InterventionRequest {
		return journey.InterventionRequest{InterventionID: id, RequestedBy: nurse}
	}
	return []step{
		{journey.UpdateScheduleIntervention, "book-triage", book("spa-triage")},
		{journey.UpdateCompleteIntervention, "done-triage", iv("iv-1")},
		{journey.UpdateTriage, "triage", journey.TriageRequest{Disposition: "cats", Baseline: baseline, RequestedBy: nurse}},
		{journey.UpdateScheduleIntervention, "book-cats", book("cats-assessment")},
		{journey.UpdateStartIntervention, "start-cats", iv("iv-2")},
		{journey.UpdateCompleteIntervention, "done-cats", iv("iv-2")},
		{journey.UpdateScheduleIntervention, "book-injection", book("msk-injection")},
		{journey.UpdateCompleteIntervention, "done-injection", iv("iv-3")},
		{journey.UpdateRecordOutcome, "outcome-discharge", journey.OutcomeRequest{CollectionPoint: journey.CollectionDischarge, RequestedBy: nurse,
			Measures: append(later, journey.Score{Measure: "feeling-supported", Value: 8})}},
		{journey.UpdateDischarge, "discharge", journey.DischargeRequest{Reason: "treatment-complete", RequestedBy: nurse}},
		{journey.UpdateRecordOutcome, "outcome-3m", journey.OutcomeRequest{CollectionPoint: "follow-up-3m", Measures: later, RequestedBy: nurse}},
		{journey.UpdateRecordOutcome, "outcome-6m", journey.OutcomeRequest{CollectionPoint: "follow-up-6m", Measures: later, RequestedBy: nurse}},
	}
}

func copdSteps(now time.Time) []step {
	mrc := func(v float64) journey.Score {
		return journey.Score{Measure: "mrc-dyspnoea", Value: v, Scale: "MRC 1-5"}
	}
	book := func(code string) journey.ScheduleInterventionRequest {
		return journey.ScheduleInterventionRequest{Intervention: code, ScheduledFor: now.Add(24 * time.Hour), RequestedBy: nurse}
	}
	iv := func(id string) journey.InterventionRequest {
		return journey.InterventionRequest{InterventionID: id, RequestedBy: nurse}
	}
	return []step{
		{journey.UpdateScheduleIntervention, "book-spirometry", book("spirometry")},
		{journey.UpdateCompleteIntervention, "done-spirometry", iv("iv-1")},
		{journey.UpdateRecordOutcome, "fev1", journey.OutcomeRequest{CollectionPoint: journey.CollectionBaseline, Measures: []journey.Score{{Measure: "fev1-fvc", Value: 0.62}}, RequestedBy: nurse}},
		{journey.UpdateScheduleIntervention, "book-triage", book("respiratory-triage")},
		{journey.UpdateCompleteIntervention, "done-triage", iv("iv-2")},
		{journey.UpdateTriage, "triage", journey.TriageRequest{Disposition: "respiratory-clinic", RequestedBy: nurse, Baseline: []journey.Score{
			mrc(3), {Measure: "cat", Value: 22}, {Measure: "days-at-home", Value: 80}, {Measure: "feeling-supported", Value: 5}}}},
		{journey.UpdateRecordAdmission, "admission", journey.AdmissionRequest{AdmittedAt: now.Add(-50 * time.Minute),
			DischargedAt: now.Add(-10 * time.Minute), Reason: "copd-exacerbation", RequestedBy: nurse}},
		{journey.UpdateScheduleIntervention, "book-clinic", book("respiratory-outpatient")},
		{journey.UpdateCompleteIntervention, "done-clinic", iv("iv-3")},
		{journey.UpdateScheduleIntervention, "book-rehab", book("pulmonary-rehab")},
		{journey.UpdateStartIntervention, "start-rehab", iv("iv-4")},
		{journey.UpdateCompleteIntervention, "done-rehab", iv("iv-4")},
		{journey.UpdateScheduleIntervention, "book-review", book("annual-review")},
		{journey.UpdateCompleteIntervention, "done-review", iv("iv-5")},
		{journey.UpdateRecordOutcome, "outcome-discharge", journey.OutcomeRequest{CollectionPoint: journey.CollectionDischarge, RequestedBy: nurse, Measures: []journey.Score{
			mrc(2), {Measure: "cat", Value: 15}, {Measure: "days-at-home", Value: 86}, {Measure: "feeling-supported", Value: 8}}}},
		{journey.UpdateDischarge, "discharge", journey.DischargeRequest{Reason: "self-managing", RequestedBy: nurse}},
	}
}

var (
	mskStream = []string{
		"ReferralReceived", "PathwayVersionPinned",
		"InterventionScheduled", "InterventionCompleted",
		"TriageCompleted", "RTTClockStarted",
		"InterventionScheduled", "InterventionStarted", "InterventionCompleted",
		"InterventionScheduled", "InterventionCompleted", "RTTClockStopped",
		"OutcomeRecorded", "Discharged", "OutcomeRecorded", "OutcomeRecorded", "JourneyClosed",
	}
	copdStream = []string{
		"ReferralReceived", "PathwayVersionPinned",
		"InterventionScheduled", "InterventionCompleted", "OutcomeRecorded",
		"InterventionScheduled", "InterventionCompleted",
		"TriageCompleted", "RTTClockStarted", "HospitalAdmissionRecorded",
		"InterventionScheduled", "InterventionCompleted",
		"InterventionScheduled", "InterventionStarted", "RTTClockStopped", "InterventionCompleted",
		"InterventionScheduled", "InterventionCompleted",
		"OutcomeRecorded", "Discharged", "JourneyClosed",
	}
)

func TestJourneysOnARealTemporalServer(t *testing.T) {
	s := newStack(t)
	s.ingest.Finance.LoseAnswers(1)
	s.ingest.Dashboard.LoseAnswers(1)
	tests := []struct {
		name, referralID, pathway, record string
		steps                             func(time.Time) []step
		stream                            []string
		charges, outcomes, facts          int
	}{
		{"msk", "R-MSK-1", "msk", "msk_v3", mskSteps, mskStream, 3, 4, 15},
		{"copd", "R-COPD-1", "copd", "copd_admission_v3", copdSteps, copdStream, 5, 3, 19},
	}
	charges, outcomes, facts := 0, 0, 0
	streams := map[string]bool{} // the IDs of the events of the journeys run so far
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := referral(tt.referralID, tt.pathway)
			id := journey.JourneyID(ref.ReferralID)
			run := s.start(t, ref)
			for _, st := range tt.steps(time.Now().UTC()) {
				r := s.update(t, id, st.name, st.id, st.arg)
				// A coordinator retrying the request gets the same answer and changes nothing.
				require.Equal(t, r, s.update(t, id, st.name, st.id, st.arg), "retry of %s", st.id)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var final journey.View
			require.NoError(t, run.Get(ctx, &final))
			require.Equal(t, journey.StatusClosed, final.Status)

			types, recs := s.streamTypes(t, id)
			require.Equal(t, tt.stream, types)
			for _, r := range recs {
				streams[r.ID.String()] = true
			}
			requirePushedOnce(t, s, streams)
			charges, outcomes, facts = charges+tt.charges, outcomes+tt.outcomes, facts+tt.facts

			_, err := s.client.ExecuteWorkflow(ctx, journey.StartOptions(ref), journey.WorkflowName, journey.Input{Referral: ref})
			var already *serviceerror.WorkflowExecutionAlreadyStarted
			require.ErrorAs(t, err, &already, "a referral can never start a second journey")

			if recordHistories {
				recordHistory(t, s.client, id, tt.record)
			}
		})
	}
	require.Equal(t, 1, s.lossy.lost, "one append answer was lost and the append retried")
	require.Len(t, countByType(s.ingest.Finance.Applied(), "RecordActivityRequest"), charges)
	require.Len(t, countByType(s.ingest.Finance.Applied(), "RecordOutcomeRequest"), outcomes)
	require.Len(t, s.ingest.Dashboard.Applied(), facts)
	require.Greater(t, s.ingest.Finance.Calls(), len(s.ingest.Finance.Applied()), "a finance push was retried")
	require.Greater(t, s.ingest.Dashboard.Calls(), len(s.ingest.Dashboard.Applied()), "a dashboard push was retried")
}

// requirePushedOnce checks that every fact the receivers were sent names an event of a journey
// stream (streams: event IDs), and that no receiver was sent an event again after it had told the
// worker it had it: a push is repeated only when its answer did not reach the worker (an answer
// lost on the way back, a call that timed out).
func requirePushedOnce(t *testing.T, s *stack, streams map[string]bool) {
	t.Helper()
	for _, r := range []struct {
		name     string
		receiver *ingesttest.Receiver
	}{{"finance", &s.ingest.Finance.Receiver}, {"dashboard", &s.ingest.Dashboard.Receiver}} {
		received := r.receiver.Received()
		require.NotEmpty(t, received, r.name)
		for _, c := range received {
			require.True(t, streams[c.EventID], "%s was sent event %s, which is in no journey stream", r.name, c.EventID)
		}
		require.Empty(t, r.receiver.Resent(), "%s was sent these events again after it had acknowledged them", r.name)
	}
}

func countByType(ms []proto.Message, name string) []proto.Message {
	var out []proto.Message
	for _, m := range ms {
		if string(m.ProtoReflect().Descriptor().Name()) == name {
			out = append(out, m)
		}
	}
	return out
}
