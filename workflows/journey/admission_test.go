package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// admission is a valid admission for a journey referred at start, recorded an hour or more later.
func admission(admitted, discharged time.Duration) AdmissionRequest {
	return AdmissionRequest{AdmittedAt: start.Add(admitted), DischargedAt: start.Add(discharged), Reason: "copd-exacerbation", RequestedBy: nurse}
}

func TestAdmissionsAreRecordedAtAnyStageWhileTheJourneyIsOpen(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateRecordAdmission, "adm-before-triage", admission(5*time.Minute, 50*time.Minute))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "advice-self-management", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateRecordOutcome, "outcome", OutcomeRequest{CollectionPoint: CollectionDischarge, Measures: mskDischargeScores(), RequestedBy: nurse})
	h.after(time.Hour, UpdateDischarge, "discharge", DischargeRequest{Reason: "self-managing", RequestedBy: nurse})
	// Back-to-back: the next admission may start the moment the previous one ended.
	h.after(20*day, UpdateRecordAdmission, "adm-after-discharge", admission(50*time.Minute, 10*day))
	var v View
	h.do(time.Hour, func() { v = h.query() })
	h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})

	h.requireOK("adm-before-triage", "triage", "outcome", "discharge", "adm-after-discharge")
	first, second := h.results["adm-before-triage"], h.results["adm-after-discharge"]
	require.Equal(t, "adm-1", first.AdmissionID)
	require.Equal(t, []string{"HospitalAdmissionRecorded"}, first.Events)
	require.Equal(t, "spa-triage", first.Stage)
	require.Equal(t, "adm-2", second.AdmissionID)
	require.Equal(t, 2, v.Admissions)
	require.Equal(t, StatusDischarged, v.Status)

	var recorded []*journeyv1.HospitalAdmissionRecorded
	var ids []string
	for i, m := range h.journal.decoded(t) {
		if a, ok := m.(*journeyv1.HospitalAdmissionRecorded); ok {
			recorded = append(recorded, a)
			ids = append(ids, h.journal.events[i].ID)
		}
	}
	require.Len(t, recorded, 2)
	a := recorded[1]
	require.Equal(t, "adm-2", a.GetAdmissionId())
	require.Equal(t, "adm-after-discharge", a.GetRequestId())
	require.Equal(t, start.Add(50*time.Minute), a.GetAdmittedAt().AsTime())
	require.Equal(t, start.Add(10*day), a.GetDischargedAt().AsTime())
	require.Equal(t, "copd-exacerbation", a.GetReason())
	require.Equal(t, "discharged", a.GetStage())
	require.Equal(t, nurse, a.GetRequestedBy())
	require.Equal(t, start.Add(4*time.Hour+20*day), a.GetOccurredAt().AsTime(), "occurred_at is the workflow's time")

	var facts []*dashboardv1.RecordJourneyFactRequest
	for _, m := range h.journal.facts {
		if f, ok := m.(*dashboardv1.RecordJourneyFactRequest); ok && f.GetAdmission() != nil {
			facts = append(facts, f)
		}
	}
	require.Len(t, facts, 2, "each admission reaches the dashboard")
	require.Equal(t, ids[1], facts[1].GetEventId(), "the fact carries its event's ID")
	fact := facts[1].GetAdmission()
	require.Equal(t, "adm-2", fact.GetAdmissionId())
	require.Equal(t, start.Add(50*time.Minute), fact.GetAdmittedAt().AsTime())
	require.Equal(t, start.Add(10*day), fact.GetDischargedAt().AsTime())
	require.Equal(t, "copd-exacerbation", fact.GetReason())
	require.Equal(t, JourneyID("R-1001"), facts[1].GetJourneyId())
}

func TestRetriedAdmissionReturnsTheFirstAnswer(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "copd", 1))
	h.after(time.Hour, UpdateRecordAdmission, "adm-req", admission(5*time.Minute, 50*time.Minute))
	retry := &harness{t: t, env: h.env, journal: h.journal, results: map[string]UpdateResult{}, errs: map[string]error{}, accepts: map[string]bool{}}
	// The retry carries another body (it would overlap the first): the first answer still stands.
	h.do(time.Hour, func() { retry.update(UpdateRecordAdmission, "adm-req", admission(10*time.Minute, 20*time.Minute)) })
	var v View
	h.do(time.Hour, func() { v = h.query() })
	h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("copd")})

	h.requireOK("adm-req")
	retry.requireOK("adm-req")
	require.Equal(t, h.results["adm-req"], retry.results["adm-req"])
	require.Equal(t, "adm-1", retry.results["adm-req"].AdmissionID)
	require.Equal(t, 1, v.Admissions)
}

// requireViolation asserts the request was refused as invalid, naming field.
func (h *harness) requireViolation(id, field string) {
	h.t.Helper()
	h.requireRefused(id, ErrInvalidRequest)
	var app *temporal.ApplicationError
	require.ErrorAs(h.t, h.errs[id], &app)
	var fv FieldViolation
	require.NoError(h.t, app.Details(&fv))
	require.Equal(h.t, field, fv.Field, "request %s: %v", id, app)
}

func TestInvalidAdmissionsAreRefusedNamingTheField(t *testing.T) {
	with := func(f func(*AdmissionRequest)) AdmissionRequest {
		r := admission(5*time.Minute, 50*time.Minute)
		f(&r)
		return r
	}
	tests := []struct {
		name   string
		before []AdmissionRequest
		req    AdmissionRequest
		field  string
	}{
		{"no reason", nil, with(func(r *AdmissionRequest) { r.Reason = "" }), "reason"},
		{"reason not a code", nil, with(func(r *AdmissionRequest) { r.Reason = "COPD exacerbation" }), "reason"},
		{"reason too long", nil, with(func(r *AdmissionRequest) { r.Reason = string(make([]byte, 65)) }), "reason"},
		{"no admission time", nil, with(func(r *AdmissionRequest) { r.AdmittedAt = time.Time{} }), "admittedAt"},
		{"no hospital discharge time", nil, with(func(r *AdmissionRequest) { r.DischargedAt = time.Time{} }), "dischargedAt"},
		{"discharged before admitted", nil, admission(50*time.Minute, 5*time.Minute), "dischargedAt"},
		{"still in hospital (discharge in the future)", nil, admission(5*time.Minute, 30*day), "dischargedAt"},
		{"admitted before the referral", nil, admission(-day, 50*time.Minute), "admittedAt"},
		{"overlaps the previous admission", []AdmissionRequest{admission(5*time.Minute, 50*time.Minute)},
			admission(49*time.Minute, 2*time.Hour), "admittedAt"},
		{"no requester", nil, with(func(r *AdmissionRequest) { r.RequestedBy = "" }), "requestedBy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, builtinYAML(t, "copd", 1))
			var ids []string
			for i, r := range tt.before {
				id := "before-" + string(rune('a'+i))
				ids = append(ids, id)
				h.after(time.Hour, UpdateRecordAdmission, id, r)
			}
			var recorded int
			h.do(3*time.Hour, func() { recorded = len(h.journal.types()) })
			h.after(time.Minute, UpdateRecordAdmission, "refused", tt.req)
			var after View
			h.do(time.Hour, func() { after = h.query() })
			h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
			h.run(Input{Referral: referral("copd")})

			h.requireOK(ids...)
			h.requireViolation("refused", tt.field)
			require.False(t, h.accepts["refused"], "refused by the validator, before anything ran")
			require.Equal(t, recorded, int(after.Revision)+1, "nothing recorded for the refused request")
			require.Equal(t, len(tt.before), after.Admissions)
		})
	}
}

// An admission reaching a journey as it is cancelled or closed is refused as the journey being
// closed (it waits for the journey's lock, then finds the journey over).
func TestAdmissionsOnAnEndedJourneyAreRefused(t *testing.T) {
	tests := []struct {
		name   string
		before []call
		ending call
	}{
		{"cancelled", nil, call{UpdateCancel, CancelRequest{Reason: "moved-away", RequestedBy: nurse}}},
		{"closed", []call{
			{UpdateTriage, TriageRequest{Disposition: "advice-self-management", Baseline: mskBaseline(), RequestedBy: nurse}},
			{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: CollectionDischarge, Measures: mskDischargeScores(), RequestedBy: nurse}},
			{UpdateDischarge, DischargeRequest{Reason: "self-managing", RequestedBy: nurse}},
			{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: "follow-up-3m", Measures: mskFollowUp(), RequestedBy: nurse}}},
			call{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: "follow-up-6m", Measures: mskFollowUp(), RequestedBy: nurse}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, builtinYAML(t, "msk", 1))
			for i, c := range tt.before {
				h.after(time.Hour, c.name, "before-"+string(rune('a'+i)), c.req)
			}
			h.do(time.Hour, func() {
				h.update(tt.ending.name, "ending", tt.ending.req)
				h.update(UpdateRecordAdmission, "refused", admission(5*time.Minute, 50*time.Minute))
			})
			h.run(Input{Referral: referral("msk")})

			h.requireOK("ending")
			h.requireRefused("refused", ErrJourneyClosed)
			require.NotContains(t, h.journal.types(), "HospitalAdmissionRecorded")
		})
	}
}
