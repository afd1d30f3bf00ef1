package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

func mskBaseline() []Score {
	return []Score{{Measure: "msk-hq", Value: 30}, {Measure: "eq5d5l-index", Value: 0.61}, {Measure: "eq-vas", Value: 60}}
}

func mskDischargeScores() []Score {
	return []Score{{Measure: "msk-hq", Value: 44}, {Measure: "eq5d5l-index", Value: 0.82}, {Measure: "eq-vas", Value: 80}, {Measure: "feeling-supported", Value: 8}}
}

func mskFollowUp() []Score {
	return []Score{{Measure: "msk-hq", Value: 46}, {Measure: "eq5d5l-index", Value: 0.85}, {Measure: "eq-vas", Value: 82}}
}

const nurse = "staff-0042"

// scheduleMSKJourney books a full MSK journey: triage to the interface service (CATS), an
// assessment, an injection (definitive treatment), discharge and both follow-ups.
func scheduleMSKJourney(h *harness) {
	h.after(time.Hour, UpdateScheduleIntervention, "book-triage", ScheduleInterventionRequest{Intervention: "spa-triage", ScheduledFor: start.Add(2 * time.Hour), RequestedBy: nurse})
	h.after(2*time.Hour, UpdateCompleteIntervention, "done-triage", InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse})
	h.after(time.Minute, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(day, UpdateScheduleIntervention, "book-cats", ScheduleInterventionRequest{Intervention: "cats-assessment", ScheduledFor: start.Add(14 * day), RequestedBy: nurse})
	h.after(13*day, UpdateStartIntervention, "start-cats", InterventionRequest{InterventionID: "iv-2", RequestedBy: nurse})
	h.after(time.Hour, UpdateCompleteIntervention, "done-cats", InterventionRequest{InterventionID: "iv-2", RequestedBy: nurse})
	h.after(time.Hour, UpdateScheduleIntervention, "book-injection", ScheduleInterventionRequest{Intervention: "msk-injection", ScheduledFor: start.Add(30 * day), RequestedBy: nurse})
	h.after(15*day, UpdateCompleteIntervention, "done-injection", InterventionRequest{InterventionID: "iv-3", RequestedBy: nurse})
	h.after(20*day, UpdateRecordOutcome, "outcome-discharge", OutcomeRequest{CollectionPoint: CollectionDischarge, Measures: mskDischargeScores(), RequestedBy: nurse})
	h.after(time.Hour, UpdateDischarge, "discharge", DischargeRequest{Reason: "treatment-complete", RequestedBy: nurse})
	h.after(93*day, UpdateRecordOutcome, "outcome-3m", OutcomeRequest{CollectionPoint: "follow-up-3m", Measures: mskFollowUp(), RequestedBy: nurse})
	h.after(92*day, UpdateRecordOutcome, "outcome-6m", OutcomeRequest{CollectionPoint: "follow-up-6m", Measures: mskFollowUp(), RequestedBy: nurse})
}

var mskTimeline = []string{
	"ReferralReceived", "PathwayVersionPinned",
	"InterventionScheduled", "InterventionCompleted",
	"TriageCompleted", "RTTClockStarted",
	"InterventionScheduled", "InterventionStarted", "InterventionCompleted",
	"InterventionScheduled", "InterventionCompleted", "RTTClockStopped",
	"OutcomeRecorded", "Discharged",
	"FollowUpDue", "OutcomeRecorded", "FollowUpDue", "OutcomeRecorded", "JourneyClosed",
}

func TestMSKJourneyFromReferralToClose(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	scheduleMSKJourney(h)
	h.run(Input{Referral: referral("msk")})

	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())
	h.requireOK("book-triage", "done-triage", "triage", "book-cats", "start-cats", "done-cats",
		"book-injection", "done-injection", "outcome-discharge", "discharge", "outcome-3m", "outcome-6m")
	require.Equal(t, mskTimeline, h.journal.types())
	// Who asked for each change is recorded with its events; the journey's own (the referral, a
	// clock falling due on its own) have no requester.
	for i, typ := range h.journal.types() {
		switch typ {
		case "ReferralReceived", "PathwayVersionPinned":
			require.Empty(t, h.journal.actors[i], typ)
		case "TriageCompleted", "InterventionScheduled", "InterventionStarted", "InterventionCompleted", "OutcomeRecorded", "Discharged":
			require.Equal(t, nurse, h.journal.actors[i], typ)
		}
	}
	require.Empty(t, h.journal.actors[14], "the first follow-up falls due on its own")

	var final View
	require.NoError(t, h.env.GetWorkflowResult(&final))
	require.Equal(t, StatusClosed, final.Status)
	require.Equal(t, "discharged", final.Stage)
	require.Equal(t, RTTStopped, final.RTT.Status)
	require.Equal(t, "first-definitive-treatment", final.RTT.Reason)
	require.False(t, final.Triage.Breached)
	require.Equal(t, 0, final.PendingPushes)

	evs := h.journal.decoded(t)
	rr := evs[0].(*journeyv1.ReferralReceived)
	require.Empty(t, rr.GetNhsNumber(), "no NHS number in clear")
	require.Equal(t, testPatientRef, rr.GetPatientRef(), "the patient is named by reference")
	stop := evs[11].(*journeyv1.RTTClockStopped)
	require.EqualValues(t, 29, stop.GetDaysWaited(), "2 March to 31 March")
	completed := evs[3].(*journeyv1.InterventionCompleted)
	require.EqualValues(t, 2800, completed.GetUnitPricePence())

	// Every event has its own deterministic ID, and every push names its event.
	ids := map[string]bool{}
	for i, e := range h.journal.events {
		require.Equal(t, eventID(JourneyID("R-1001"), int64(i)), e.ID)
		ids[e.ID] = true
	}
	require.Len(t, ids, len(mskTimeline))
	finance := 0
	for _, p := range h.journal.pushes {
		var target, id string
		_, _ = fmtSscan(p, &target, &id)
		require.True(t, ids[id], "push %s names a journey event", p)
		if target == string(PushFinanceActivity) {
			finance++
		}
	}
	require.Equal(t, 3, finance, "three costed interventions were delivered")
}
