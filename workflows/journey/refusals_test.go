package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type call struct {
	name string
	req  any
}

func TestInvalidRequestsAreRefusedAndRecordNothing(t *testing.T) {
	triage := call{UpdateTriage, TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse}}
	book := call{UpdateScheduleIntervention, ScheduleInterventionRequest{Intervention: "cats-assessment", ScheduledFor: start.Add(7 * day), RequestedBy: nurse}}
	tests := []struct {
		name    string
		pathway string
		before  []call
		refused call
		errType string
	}{
		{"unknown disposition", "msk", nil,
			call{UpdateTriage, TriageRequest{Disposition: "surgery", RequestedBy: nurse}}, ErrInvalidRequest},
		{"baseline out of range", "msk", nil,
			call{UpdateTriage, TriageRequest{Disposition: "cats", Baseline: []Score{{Measure: "msk-hq", Value: 57}}, RequestedBy: nurse}}, ErrInvalidRequest},
		{"baseline on the wrong scale", "copd", nil,
			call{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: "baseline", Measures: []Score{{Measure: "mrc-dyspnoea", Value: 3, Scale: "mMRC 0-4"}}, RequestedBy: nurse}}, ErrInvalidRequest},
		{"unknown measure", "msk", nil,
			call{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: "baseline", Measures: []Score{{Measure: "oxford-knee", Value: 3}}, RequestedBy: nurse}}, ErrInvalidRequest},
		{"no requester", "msk", nil,
			call{UpdateTriage, TriageRequest{Disposition: "cats"}}, ErrInvalidRequest},
		{"triage twice", "msk", []call{triage}, triage, ErrInvalidTransition},
		{"intervention not offered at the stage", "msk", []call{triage},
			call{UpdateScheduleIntervention, ScheduleInterventionRequest{Intervention: "physio-telephone", ScheduledFor: start, RequestedBy: nurse}}, ErrInvalidTransition},
		{"intervention not in the catalogue", "msk", nil,
			call{UpdateScheduleIntervention, ScheduleInterventionRequest{Intervention: "hip-replacement", ScheduledFor: start, RequestedBy: nurse}}, ErrInvalidRequest},
		{"unknown intervention instance", "msk", []call{triage},
			call{UpdateStartIntervention, InterventionRequest{InterventionID: "iv-9", RequestedBy: nurse}}, ErrInvalidRequest},
		{"complete a missed appointment", "msk", []call{triage, book,
			{UpdateRecordDidNotAttend, InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse}}},
			call{UpdateCompleteIntervention, InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse}}, ErrInvalidTransition},
		{"discharge with an appointment booked", "msk", []call{triage, book},
			call{UpdateDischarge, DischargeRequest{Reason: "treatment-complete", RequestedBy: nurse}}, ErrInvalidTransition},
		{"discharge without the outcome measures", "msk", []call{triage},
			call{UpdateDischarge, DischargeRequest{Reason: "treatment-complete", RequestedBy: nurse}}, ErrInvalidTransition},
		{"COPD triage before spirometry confirms it", "copd", nil,
			call{UpdateTriage, TriageRequest{Disposition: "care-bundle", RequestedBy: nurse}}, ErrNotEligible},
		{"pulmonary rehab for a patient not breathless enough", "copd", []call{
			{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: "baseline", Measures: []Score{{Measure: "fev1-fvc", Value: 0.62}}, RequestedBy: nurse}},
			{UpdateTriage, TriageRequest{Disposition: "care-bundle", Baseline: []Score{{Measure: "mrc-dyspnoea", Value: 2, Scale: "MRC 1-5"}}, RequestedBy: nurse}}},
			call{UpdateScheduleIntervention, ScheduleInterventionRequest{Intervention: "pulmonary-rehab", ScheduledFor: start.Add(7 * day), RequestedBy: nurse}}, ErrNotEligible},
		{"cancel without a reason", "msk", nil,
			call{UpdateCancel, CancelRequest{RequestedBy: nurse}}, ErrInvalidRequest},
		{"care after discharge", "msk", []call{
			{UpdateTriage, TriageRequest{Disposition: "advice-self-management", Baseline: mskBaseline(), RequestedBy: nurse}},
			{UpdateRecordOutcome, OutcomeRequest{CollectionPoint: CollectionDischarge, Measures: mskDischargeScores(), RequestedBy: nurse}},
			{UpdateDischarge, DischargeRequest{Reason: "self-managing", RequestedBy: nurse}}},
			call{UpdateScheduleIntervention, ScheduleInterventionRequest{Intervention: "advice-self-management", ScheduledFor: start, RequestedBy: nurse}}, ErrJourneyClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, builtinYAML(t, tt.pathway, 1))
			var ids []string
			for i, c := range tt.before {
				id := "before-" + string(rune('a'+i))
				ids = append(ids, id)
				h.after(time.Hour, c.name, id, c.req)
			}
			var recorded int
			h.do(time.Hour, func() { recorded = len(h.journal.types()) })
			h.after(time.Minute, tt.refused.name, "refused", tt.refused.req)
			var after View
			h.do(time.Hour, func() { after = h.query() })
			h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
			h.run(Input{Referral: referral(tt.pathway)})

			h.requireOK(ids...)
			h.requireRefused("refused", tt.errType)
			require.False(t, h.accepts["refused"], "refused by the validator, before anything ran")
			require.Equal(t, recorded, int(after.Revision)+1, "nothing recorded for the refused request")
		})
	}
}
