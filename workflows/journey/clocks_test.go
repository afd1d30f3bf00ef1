package journey

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

func TestTriageBreachIsRecordedWhenTriageFallsDue(t *testing.T) {
	friday := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		days    string
		begin   time.Time
		wantDue time.Time
	}{
		{"working days skip the weekend", "working", friday, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)},
		{"calendar days count the weekend", "calendar", friday, time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)},
		{"working days mid-week", "working", start, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := strings.Replace(builtinYAML(t, "msk", 1), "days: working", "days: "+tt.days, 1)
			h := newHarnessAt(t, yaml, tt.begin)
			var before, after View
			h.do(tt.wantDue.Sub(tt.begin)-time.Minute, func() { before = h.query() })
			h.do(2*time.Minute, func() { after = h.query() })
			h.after(time.Hour, UpdateTriage, "late-triage", TriageRequest{Disposition: "physio-telephone", Baseline: mskBaseline(), RequestedBy: nurse})
			h.after(time.Hour, UpdateCancel, "cancel", CancelRequest{Reason: "moved-away", RequestedBy: nurse})
			h.run(Input{Referral: referralAt("msk", tt.begin)})

			require.NoError(t, h.env.GetWorkflowError())
			require.Equal(t, tt.wantDue, before.Triage.DueAt)
			require.NotContains(t, before.Flags, "triage-breached")
			require.Contains(t, after.Flags, "triage-breached")
			require.Equal(t, []string{"ReferralReceived", "PathwayVersionPinned", "TriageBreached", "TriageCompleted", "JourneyCancelled"}, h.journal.types())
			evs := h.journal.decoded(t)
			require.Equal(t, tt.wantDue, evs[2].(*journeyv1.TriageBreached).GetOccurredAt().AsTime())
			require.True(t, evs[3].(*journeyv1.TriageCompleted).GetLate())
		})
	}
}

func TestRTTClockStopsAtFirstDefinitiveTreatment(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateScheduleIntervention, "book", ScheduleInterventionRequest{Intervention: "msk-injection", ScheduledFor: start.Add(20 * day), RequestedBy: nurse})
	h.after(20*day, UpdateStartIntervention, "start", InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse})
	var v View
	h.do(time.Hour, func() { v = h.query() })
	h.after(0, UpdateCancel, "cancel", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})

	require.NoError(t, h.env.GetWorkflowError())
	require.Equal(t, RTTStopped, v.RTT.Status)
	require.Equal(t, "first-definitive-treatment", v.RTT.Reason)
	require.Equal(t, []string{"ReferralReceived", "PathwayVersionPinned", "TriageCompleted", "RTTClockStarted",
		"InterventionScheduled", "InterventionStarted", "RTTClockStopped", "JourneyCancelled"}, h.journal.types())
}

func TestRTTClockIsNullifiedByMissedFirstAppointmentAndRestartsOnRebooking(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "orthopaedics", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateScheduleIntervention, "book", ScheduleInterventionRequest{Intervention: "orthopaedic-opinion", ScheduledFor: start.Add(30 * day), RequestedBy: nurse})
	h.after(30*day, UpdateRecordDidNotAttend, "dna", InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse})
	var nullified View
	h.do(time.Hour, func() { nullified = h.query() })
	h.after(day, UpdateScheduleIntervention, "rebook", ScheduleInterventionRequest{Intervention: "orthopaedic-opinion", ScheduledFor: start.Add(60 * day), RequestedBy: nurse})
	var restarted View
	h.do(time.Hour, func() { restarted = h.query() })
	h.after(0, UpdateCancel, "cancel", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})

	require.NoError(t, h.env.GetWorkflowError())
	require.Equal(t, RTTNullified, nullified.RTT.Status)
	require.Equal(t, RTTRunning, restarted.RTT.Status)
	require.Equal(t, "iv-2", restarted.RTT.FirstAppointment)
	require.Equal(t, []string{"ReferralReceived", "PathwayVersionPinned", "TriageCompleted", "RTTClockStarted",
		"InterventionScheduled", "DidNotAttend", "RTTClockNullified", "RTTClockStarted", "InterventionScheduled",
		"JourneyCancelled"}, h.journal.types())
	evs := h.journal.decoded(t)
	require.True(t, evs[5].(*journeyv1.DidNotAttend).GetFirstAppointment())
	require.Equal(t, "rebooked-after-dna", evs[7].(*journeyv1.RTTClockStarted).GetTrigger())
	require.True(t, evs[8].(*journeyv1.InterventionScheduled).GetFirstAppointment())
}

func TestRTTClockBreachesAtEighteenWeeks(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "rheumatology", Baseline: mskBaseline(), RequestedBy: nurse})
	var before, after View
	h.do(18*7*day-2*time.Hour, func() { before = h.query() }) // breach is 1h earlier in UTC after the clocks go forward
	h.do(2*time.Hour, func() { after = h.query() })
	h.after(time.Hour, UpdateCancel, "cancel", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})

	require.NoError(t, h.env.GetWorkflowError())
	require.NotContains(t, before.Flags, "rtt-breached")
	require.Contains(t, after.Flags, "rtt-breached")
	require.Equal(t, []string{"ReferralReceived", "PathwayVersionPinned", "TriageCompleted", "RTTClockStarted",
		"RTTClockBreached", "JourneyCancelled"}, h.journal.types())
	evs := h.journal.decoded(t)
	started := evs[3].(*journeyv1.RTTClockStarted).GetStartedAt().AsTime()
	breached := evs[4].(*journeyv1.RTTClockBreached)
	require.Equal(t, started.AddDate(0, 0, 126).Add(-time.Hour), breached.GetOccurredAt().AsTime(), "18 weeks of local days (the clocks go forward on 29 March)")
	require.EqualValues(t, 18, breached.GetWeeks())
}

func TestFollowUpsFallDueAfterDischargeAndJourneyClosesAfterTheWindow(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "advice-self-management", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(day, UpdateRecordOutcome, "outcome", OutcomeRequest{CollectionPoint: CollectionDischarge, Measures: mskDischargeScores(), RequestedBy: nurse})
	h.after(time.Hour, UpdateDischarge, "discharge", DischargeRequest{Reason: "self-managing", RequestedBy: nurse})
	var due View
	h.do(92*day, func() { due = h.query() })
	h.run(Input{Referral: referral("msk"), Options: Options{FollowUpWindowDays: 14}})

	require.NoError(t, h.env.GetWorkflowError())
	require.Contains(t, due.Flags, "follow-up-due")
	require.Equal(t, []string{"follow-up-3m", "follow-up-6m"}, []string{due.FollowUps[0].Point, due.FollowUps[1].Point})
	require.Equal(t, []string{"msk-hq", "eq5d5l-index", "eq-vas"}, due.FollowUps[0].Measures)
	require.Equal(t, []string{"ReferralReceived", "PathwayVersionPinned", "TriageCompleted", "OutcomeRecorded",
		"Discharged", "FollowUpDue", "FollowUpDue", "JourneyClosed"}, h.journal.types())
	evs := h.journal.decoded(t)
	discharged := evs[4].(*journeyv1.Discharged).GetOccurredAt().AsTime()
	require.Equal(t, addMonths(discharged, 3), evs[5].(*journeyv1.FollowUpDue).GetDueAt().AsTime())
	require.Equal(t, addMonths(discharged, 6).Add(14*day), evs[7].(*journeyv1.JourneyClosed).GetOccurredAt().AsTime())
	var final View
	require.NoError(t, h.env.GetWorkflowResult(&final))
	require.Equal(t, StatusClosed, final.Status)
}
