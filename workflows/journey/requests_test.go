package journey

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

func TestRetriedRequestReturnsTheFirstAnswerAndChangesNothing(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "req-7", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	var recorded int
	h.do(time.Hour, func() { recorded = len(h.journal.types()) })
	retry := &harness{t: t, env: h.env, journal: h.journal, results: map[string]UpdateResult{}, errs: map[string]error{}, accepts: map[string]bool{}}
	// The retry carries a different body: the first answer still stands.
	h.do(time.Minute, func() {
		retry.update(UpdateTriage, "req-7", TriageRequest{Disposition: "pain", RequestedBy: nurse})
	})
	var v View
	h.do(time.Hour, func() { v = h.query() })
	h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})

	h.requireOK("req-7")
	retry.requireOK("req-7")
	require.Equal(t, h.results["req-7"], retry.results["req-7"])
	require.Equal(t, []string{"TriageCompleted", "RTTClockStarted"}, h.results["req-7"].Events)
	require.Equal(t, recorded, int(v.Revision)+1)
	require.Equal(t, "cats", v.Triage.Disposition)
}

// continueAsNewInput returns the input of the next run, failing the test if the run did not
// continue as new.
func continueAsNewInput(t *testing.T, h *harness) Input {
	t.Helper()
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, h.env.GetWorkflowError(), &can)
	require.Equal(t, WorkflowName, can.WorkflowType.Name)
	var next Input
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	return next
}

func TestContinueAsNewCarriesStateAndRequestIDs(t *testing.T) {
	yaml := builtinYAML(t, "msk", 1)
	first := newHarness(t, yaml)
	first.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "physio-face-to-face", Baseline: mskBaseline(), RequestedBy: nurse})
	for i := range 40 {
		first.after(time.Hour, UpdateScheduleIntervention, "book-"+string(rune('A'+i)), ScheduleInterventionRequest{Intervention: "physio-f2f", ScheduledFor: start.Add(time.Duration(i+1) * day), RequestedBy: nurse})
	}
	first.after(time.Minute, UpdateRecordOutcome, "last", OutcomeRequest{CollectionPoint: "review", Measures: []Score{{Measure: "msk-hq", Value: 35}}, RequestedBy: nurse})
	first.do(time.Minute, func() { first.env.SetContinueAsNewSuggested(true) })
	first.run(Input{Referral: referral("msk")})

	first.requireOK("triage", "book-A", "book-Z", "last")
	next := continueAsNewInput(t, first)
	require.Empty(t, next.Referral.NHSNumberSealed, "the sealed NHS number is not carried")
	require.Equal(t, testPatientRef, next.Referral.PatientRef)
	require.NotNil(t, next.Carried)
	require.Len(t, next.Carried.Interventions, 40)
	require.Equal(t, "physio-face-to-face", next.Carried.Stage)
	require.Equal(t, int64(len(first.journal.events)-1), next.Carried.Revision)

	second := newHarness(t, yaml)
	second.journal.events = append(second.journal.events, first.journal.events...)
	before := len(second.journal.events)
	// A coordinator retrying a request answered in the first run gets the same answer.
	second.after(time.Hour, UpdateScheduleIntervention, "book-C", ScheduleInterventionRequest{Intervention: "physio-f2f", ScheduledFor: start, RequestedBy: nurse})
	var unchanged int
	second.do(time.Minute, func() { unchanged = len(second.journal.events) })
	second.after(time.Hour, UpdateStartIntervention, "start-1", InterventionRequest{InterventionID: "iv-1", RequestedBy: nurse})
	var v View
	second.do(time.Hour, func() { v = second.query() })
	second.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	second.run(next)

	require.NoError(t, second.env.GetWorkflowError())
	second.requireOK("book-C", "start-1")
	require.Equal(t, first.results["book-C"], second.results["book-C"])
	require.Equal(t, before, unchanged)
	require.Equal(t, RTTStatus(""), v.RTT.Status)
	require.Len(t, v.Interventions, 40)
	require.Equal(t, InterventionStarted, v.Interventions[0].Status)
	require.Len(t, v.Measures, 4, "baseline (3) and review (1) measures survive the hand-over")
	require.Equal(t, []string{"InterventionStarted", "JourneyCancelled"}, second.journal.types()[before:])
}

func TestContinueAsNewAfterHistoryThreshold(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.do(time.Minute, func() { h.env.SetCurrentHistoryLength(120) })
	h.run(Input{Referral: referral("msk"), Options: Options{ContinueAsNewAfter: 100}})

	h.requireOK("triage")
	next := continueAsNewInput(t, h)
	require.Equal(t, 100, next.Options.ContinueAsNewAfter)
	require.Equal(t, RTTRunning, next.Carried.RTT.Status, "the running RTT clock is carried")
	require.Equal(t, "triage", next.Carried.Answers[0].ID)
}

func mskV2(t *testing.T, edit func(string) string) string {
	t.Helper()
	doc := strings.Replace(builtinYAML(t, "msk", 1), "version: 1", "version: 2", 1)
	return edit(doc)
}

func TestMigrateVersion(t *testing.T) {
	cheaper := func(doc string) string {
		return strings.Replace(doc, "unit_price_pence: 9500", "unit_price_pence: 9900", 1)
	}
	catsBecomesIntervention := func(doc string) string {
		i := strings.Index(doc, "  - id: cats-assessment\n")
		return doc[:i] + strings.Replace(doc[i:], "kind: assessment", "kind: intervention", 1)
	}
	migrate := func(doc string, dry bool) MigrateVersionRequest {
		return MigrateVersionRequest{TargetVersion: 2, DefinitionYAML: doc, Reason: "superseded-version", RequestedBy: "eog-chair", DryRun: dry}
	}
	tests := []struct {
		name        string
		req         func(*testing.T) MigrateVersionRequest
		errType     string
		wantVersion int
		wantEvents  []string
	}{
		{"compatible version is accepted", func(t *testing.T) MigrateVersionRequest { return migrate(mskV2(t, cheaper), false) },
			"", 2, []string{"PathwayVersionMigrated"}},
		{"dry run changes nothing", func(t *testing.T) MigrateVersionRequest { return migrate(mskV2(t, cheaper), true) },
			"", 1, nil},
		{"stage of another kind is refused", func(t *testing.T) MigrateVersionRequest { return migrate(mskV2(t, catsBecomesIntervention), false) },
			ErrIncompatibleVersion, 1, nil},
		{"document of another version is refused", func(t *testing.T) MigrateVersionRequest {
			r := migrate(mskV2(t, cheaper), false)
			r.TargetVersion = 3
			return r
		}, ErrInvalidRequest, 1, nil},
		{"same version is refused", func(t *testing.T) MigrateVersionRequest {
			return MigrateVersionRequest{TargetVersion: 1, DefinitionYAML: builtinYAML(t, "msk", 1), Reason: "correction", RequestedBy: "eog-chair"}
		}, ErrInvalidRequest, 1, nil},
		{"COPD document is refused", func(t *testing.T) MigrateVersionRequest {
			return MigrateVersionRequest{TargetVersion: 2, DefinitionYAML: strings.Replace(builtinYAML(t, "copd", 1), "version: 1", "version: 2", 1), Reason: "correction", RequestedBy: "eog-chair"}
		}, ErrInvalidRequest, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, builtinYAML(t, "msk", 1))
			h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
			h.after(time.Hour, UpdateMigrateVersion, "migrate", tt.req(t))
			h.after(time.Hour, UpdateScheduleIntervention, "book", ScheduleInterventionRequest{Intervention: "cats-assessment", ScheduledFor: start.Add(7 * day), RequestedBy: nurse})
			var v View
			h.do(time.Hour, func() { v = h.query() })
			h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
			h.run(Input{Referral: referral("msk")})

			if tt.errType != "" {
				h.requireRefused("migrate", tt.errType)
			} else {
				h.requireOK("migrate")
				require.Equal(t, tt.wantEvents, h.results["migrate"].Events)
			}
			require.Equal(t, tt.wantVersion, v.Version)
			wantPrice := int64(9500)
			if tt.wantVersion == 2 {
				wantPrice = 9900
			}
			require.Equal(t, wantPrice, v.Interventions[0].UnitPricePence, "bookings after the request use the version in force")
			types := h.journal.types()
			require.Equal(t, tt.wantVersion == 2, contains(types, "PathwayVersionMigrated"))
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
