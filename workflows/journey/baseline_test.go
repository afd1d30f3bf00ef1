package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// financeOutcomes returns the outcome pushes to finance, in order.
func (j *journal) financeOutcomes() []*financev1.RecordOutcomeRequest {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*financev1.RecordOutcomeRequest
	for _, m := range j.facts {
		if o, ok := m.(*financev1.RecordOutcomeRequest); ok {
			out = append(out, o)
		}
	}
	return out
}

func measureValues(ms []*journeyv1.Measure) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		out[m.GetCode()] = m.GetValue()
	}
	return out
}

// Finance earns outcome incentives on improvement from baseline: triage sends its baseline scores
// as the "baseline" outcome, under the triage event's ID, before any later collection point.
func TestTriageSendsTheBaselineToFinance(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	scheduleMSKJourney(h)
	h.run(Input{Referral: referral("msk")})
	require.NoError(t, h.env.GetWorkflowError())

	outcomes := h.journal.financeOutcomes()
	points := make([]string, len(outcomes))
	for i, o := range outcomes {
		points[i] = o.GetCollectionPoint()
	}
	require.Equal(t, []string{CollectionBaseline, CollectionDischarge, "follow-up-3m", "follow-up-6m"}, points)
	base := outcomes[0]
	require.Equal(t, map[string]float64{"msk-hq": 30, "eq5d5l-index": 0.61, "eq-vas": 60}, measureValues(base.GetMeasures()))
	require.Equal(t, h.journal.events[4].ID, base.GetEventId(), "the baseline is pushed under the TriageCompleted event's ID")
	require.Equal(t, "TriageCompleted", h.journal.types()[4])
	require.Equal(t, JourneyID("R-1001"), base.GetJourneyId())
	require.Equal(t, "msk", base.GetPathway().GetPathwayId())
	require.Equal(t, "U12345", base.GetPcnOdsCode())
	require.Equal(t, start.Add(3*time.Hour+time.Minute), base.GetOccurredAt().AsTime())
	require.Greater(t, measureValues(outcomes[1].GetMeasures())["msk-hq"]-measureValues(base.GetMeasures())["msk-hq"], 6.0,
		"the discharge score improves on the baseline finance now holds")
}

func TestTriageWithoutBaselineSendsNoOutcome(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", RequestedBy: nurse})
	h.after(time.Hour, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})
	h.requireOK("triage", "end")
	require.Empty(t, h.journal.financeOutcomes())
}

// A journey decided before the change (GetVersion answers the default version) keeps the original
// behaviour: no baseline outcome.
func TestJourneysBeforeTheChangeSendNoBaselineOutcome(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.env.OnGetVersion(changeBaselineOutcome, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})
	h.requireOK("triage", "end")
	require.Empty(t, h.journal.financeOutcomes())
}
