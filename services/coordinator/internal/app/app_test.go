package app

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newApp(j *fakeJourneys, stages ...string) *App {
	return newAppAt(j, -1, stages...)
}

// testVault is the patient key vault every app of the package's tests shares (TestMain opens it).
var testVault *patientkeys.Vault

// vault returns the shared vault.
func vault() *patientkeys.Vault { return testVault }

func TestMain(m *testing.M) {
	os.Exit(patientkeystest.Main(m, &testVault)) //nolint:forbidigo // TestMain must exit with the tests' code
}

// newAppAt is newApp with the journey stream's last revision at rev when a request arrives.
func newAppAt(j *fakeJourneys, rev int64, stages ...string) *App {
	return New(j, fakeTimeline{rev: rev}, fakePathways{stages: stages}, vault(), []byte("k"), func() time.Time { return now })
}

func triageCmd() domain.Command {
	return domain.Command{Transition: domain.Triage, JourneyID: "ref-R-1", RequestID: "req-1", Actor: "c1", Disposition: "cats"}
}

func TestApplyExplainsRefusals(t *testing.T) {
	refused := &domain.Error{Kind: domain.KindFailedPrecondition, Message: "journey ref-R-1 was already triaged (cats)"}
	tests := []struct {
		name   string
		before int64 // the stream's revision when the request arrived
		states []journey.View
		kind   domain.Kind
		stage  string
	}{
		{"journey unchanged: not allowed at its stage",
			5, []journey.View{{Stage: "cats-assessment", Revision: 5, Status: "active"}}, domain.KindFailedPrecondition, "cats-assessment"},
		{"journey moved on during the request: a lost race",
			3, []journey.View{{Stage: "cats-assessment", Revision: 5}}, domain.KindAborted, "cats-assessment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := &fakeJourneys{states: tt.states, updErr: refused}
			_, err := newAppAt(j, tt.before).Apply(context.Background(), own, triageCmd())
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.kind, de.Kind)
			require.Equal(t, tt.stage, domain.StageOf(de))
			require.Contains(t, de.Message, tt.stage)
			require.Contains(t, de.Message, "already triaged")
		})
	}
}

func TestApplyRefusesBadInputBeforeTouchingTheJourney(t *testing.T) {
	j := &fakeJourneys{states: []journey.View{{Stage: "spa-triage"}}}
	cmd := triageCmd()
	cmd.Disposition, cmd.RequestID = "", "bad id!"
	_, err := newApp(j).Apply(context.Background(), own, cmd)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Violations, 2)
	require.Empty(t, j.updates, "nothing was sent")
}

func TestApplyRefusesNonFiniteMeasuresBeforeTouchingTheJourney(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value float64
		rule  string
	}{
		{"NaN", math.NaN(), "must be a finite number, not NaN"},
		{"+Infinity", math.Inf(1), "must be a finite number, not +Infinity"},
		{"-Infinity", math.Inf(-1), "must be a finite number, not -Infinity"},
	} {
		triage := triageCmd()
		triage.Measures = []domain.Measure{{Code: "msk-hq", Value: 30}, {Code: "eq-vas", Value: tc.value}}
		outcome := domain.Command{Transition: domain.RecordOutcome, JourneyID: "ref-R-1", RequestID: "req-2", Actor: "c1",
			CollectionPoint: "discharge", Measures: []domain.Measure{{Code: "msk-hq", Value: tc.value}}}
		for _, c := range []struct {
			cmd   domain.Command
			field string
		}{{triage, "baseline[1].value"}, {outcome, "measures[0].value"}} {
			t.Run(string(c.cmd.Transition)+" "+tc.name, func(t *testing.T) {
				j := &fakeJourneys{states: []journey.View{{Stage: "spa-triage"}}}
				_, err := newApp(j).Apply(context.Background(), own, c.cmd)
				var ve *domain.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, []domain.FieldViolation{{Field: c.field, Description: tc.rule}}, ve.Violations)
				require.Empty(t, j.updates, "nothing was sent")
			})
		}
	}
}

func TestApplySendsTheRequestIDAsUpdateID(t *testing.T) {
	j := &fakeJourneys{states: []journey.View{{Stage: "spa-triage"}}}
	res, err := newApp(j).Apply(context.Background(), own, triageCmd())
	require.NoError(t, err)
	require.Equal(t, "req-1", res.RequestID)
	require.Equal(t, []string{"Triage/req-1"}, j.updates)
}

func TestSubmitInvalidReferralStartsNothing(t *testing.T) {
	j := &fakeJourneys{}
	_, err := newApp(j).SubmitReferral(context.Background(), own, domain.Referral{ReferralID: "R-1", PathwayID: "msk",
		NHSNumber: "9434765918", PracticeCode: "A81001", PCNCode: "U12345", Segment: journeyv1.Segment_SEGMENT_COMPLEX,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, Reason: "x", ReferredAt: now})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "nhs_number", ve.Violations[0].Field)
	require.Zero(t, j.started)
}
