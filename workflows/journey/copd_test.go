package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scheduleCOPDJourney books a full COPD journey: spirometry confirms the diagnosis, respiratory
// triage refers to the respiratory clinic (RTT starts), pulmonary rehabilitation is the first
// definitive treatment, then monitoring, the discharge outcome set and discharge.
func scheduleCOPDJourney(h *harness) {
	mrc := func(v float64) Score { return Score{Measure: "mrc-dyspnoea", Value: v, Scale: "MRC 1-5"} }
	h.after(time.Hour, UpdateScheduleIntervention, "book-spirometry", ScheduleInterventionRequest{Intervention: "spirometry", ScheduledFor: start.Add(3 * day), RequestedBy: nurse})
	h.after(3*day, UpdateCompleteIntervention, "done-spirometry", InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse})
	h.after(time.Hour, UpdateRecordOutcome, "fev1", OutcomeRequest{CollectionPoint: CollectionBaseline, Measures: []Score{{Measure: "fev1-fvc", Value: 0.62}}, RequestedBy: nurse})
	h.after(time.Hour, UpdateScheduleIntervention, "book-triage", ScheduleInterventionRequest{Intervention: "respiratory-triage", ScheduledFor: start.Add(5 * day), RequestedBy: nurse})
	h.after(2*day, UpdateCompleteIntervention, "done-triage", InterventionRequest{InterventionID: "iv-2", RequestedBy: nurse})
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "respiratory-clinic", RequestedBy: nurse, Baseline: []Score{
		mrc(3), {Measure: "cat", Value: 22}, {Measure: "days-at-home", Value: 80}, {Measure: "feeling-supported", Value: 5}}})
	h.after(time.Hour, UpdateScheduleIntervention, "book-clinic", ScheduleInterventionRequest{Intervention: "respiratory-outpatient", ScheduledFor: start.Add(20 * day), RequestedBy: nurse})
	h.after(15*day, UpdateCompleteIntervention, "done-clinic", InterventionRequest{InterventionID: "iv-3", RequestedBy: nurse})
	h.after(time.Hour, UpdateScheduleIntervention, "book-rehab", ScheduleInterventionRequest{Intervention: "pulmonary-rehab", ScheduledFor: start.Add(40 * day), RequestedBy: nurse})
	h.after(20*day, UpdateStartIntervention, "start-rehab", InterventionRequest{InterventionID: "iv-4", RequestedBy: nurse})
	h.after(42*day, UpdateCompleteIntervention, "done-rehab", InterventionRequest{InterventionID: "iv-4", RequestedBy: nurse})
	h.after(day, UpdateScheduleIntervention, "book-review", ScheduleInterventionRequest{Intervention: "annual-review", ScheduledFor: start.Add(400 * day), RequestedBy: nurse})
	h.after(300*day, UpdateCompleteIntervention, "done-review", InterventionRequest{InterventionID: "iv-5", RequestedBy: nurse})
	h.after(time.Hour, UpdateRecordOutcome, "outcome-discharge", OutcomeRequest{CollectionPoint: CollectionDischarge, RequestedBy: nurse, Measures: []Score{
		mrc(2), {Measure: "cat", Value: 15}, {Measure: "days-at-home", Value: 86}, {Measure: "feeling-supported", Value: 8}}})
	h.after(time.Hour, UpdateDischarge, "discharge", DischargeRequest{Reason: "self-managing", RequestedBy: nurse})
}

var copdTimeline = []string{
	"ReferralReceived", "PathwayVersionPinned",
	"InterventionScheduled", "InterventionCompleted", "OutcomeRecorded",
	"InterventionScheduled", "InterventionCompleted",
	"TriageCompleted", "RTTClockStarted",
	"InterventionScheduled", "InterventionCompleted",
	"InterventionScheduled", "InterventionStarted", "RTTClockStopped", "InterventionCompleted",
	"InterventionScheduled", "InterventionCompleted",
	"OutcomeRecorded", "Discharged", "JourneyClosed",
}

func TestCOPDJourneyFromReferralToDischarge(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "copd", 1))
	scheduleCOPDJourney(h)
	h.run(Input{Referral: referral("copd")})

	require.NoError(t, h.env.GetWorkflowError())
	require.Empty(t, h.errs)
	require.Equal(t, copdTimeline, h.journal.types())
	var final View
	require.NoError(t, h.env.GetWorkflowResult(&final))
	require.Equal(t, StatusClosed, final.Status)
	require.Equal(t, "discharged", final.Stage)
	require.Equal(t, RTTStopped, final.RTT.Status)
	require.Equal(t, "pulmonary-rehab", final.Interventions[3].Code)
	require.EqualValues(t, 72500, final.Interventions[3].UnitPricePence)
	require.False(t, final.Triage.Breached, "triaged on day 5, within 10 working days")
}
