package app

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

const otherPCN = "U90002"

// twoPCNs has ref-own in the caller's PCN and ref-other in another; ref-gone does not exist.
func twoPCNs() *fakeJourneys {
	return &fakeJourneys{
		byID: map[string]journey.View{"ref-own": {JourneyID: "ref-own", PCN: ownPCN, Stage: "spa-triage"},
			"ref-other": {JourneyID: "ref-other", PCN: otherPCN, Stage: "spa-triage"}},
		pcns: map[string]string{"ref-own": ownPCN, "ref-other": otherPCN},
	}
}

// requireAnsweredAsMissing checks that err is, to the caller, exactly the answer for a journey
// that does not exist.
func requireAnsweredAsMissing(t *testing.T, err error, journeyID string) {
	t.Helper()
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	want := domain.JourneyNotFound(journeyID)
	require.Equal(t, []any{want.Kind, want.Message, want.Info}, []any{de.Kind, de.Message, de.Info})
}

func TestGetJourneyOfAnotherPCNAnswersAsAMissingJourney(t *testing.T) {
	a := newApp(twoPCNs())
	d, err := a.GetJourney(context.Background(), own, "ref-own")
	require.NoError(t, err)
	require.Equal(t, ownPCN, d.View.PCN)

	_, other := a.GetJourney(context.Background(), own, "ref-other")
	requireAnsweredAsMissing(t, other, "ref-other")
	require.ErrorIs(t, other, domain.ErrOutsideScope, "the audit trail can tell it was refused")

	_, missing := a.GetJourney(context.Background(), own, "ref-gone")
	requireAnsweredAsMissing(t, missing, "ref-gone")
	require.NotErrorIs(t, missing, domain.ErrOutsideScope)
}

func TestTransitionsOnAJourneyOfAnotherPCNChangeNothing(t *testing.T) {
	past := now.Add(-time.Hour)
	for _, cmd := range []domain.Command{
		{Transition: domain.Triage, Disposition: "cats"},
		{Transition: domain.ScheduleIntervention, Intervention: "cats-assessment", ScheduledFor: now},
		{Transition: domain.StartIntervention, InterventionID: "iv-1"},
		{Transition: domain.CompleteIntervention, InterventionID: "iv-1"},
		{Transition: domain.RecordDidNotAttend, InterventionID: "iv-1"},
		{Transition: domain.RecordOutcome, CollectionPoint: "discharge", Measures: []domain.Measure{{Code: "msk-hq", Value: 40}}},
		{Transition: domain.Discharge, Reason: "treatment-complete"},
		{Transition: domain.Cancel, Reason: "moved-away"},
		{Transition: domain.MigrateVersion, TargetVersion: 2, Reason: "superseded-version"},
		{Transition: domain.RecordAdmission, Reason: "copd-exacerbation", AdmittedAt: past.Add(-time.Hour), DischargedAt: past},
	} {
		t.Run(string(cmd.Transition), func(t *testing.T) {
			j := twoPCNs()
			cmd.RequestID, cmd.Actor = "req-1", "c1"
			for _, id := range []string{"ref-other", "ref-gone"} {
				cmd.JourneyID = id
				_, err := newApp(j).Apply(context.Background(), own, cmd)
				requireAnsweredAsMissing(t, err, id)
			}
			require.Empty(t, j.updates, "nothing was sent to either journey")
			cmd.JourneyID = "ref-own"
			_, err := newApp(j).Apply(context.Background(), own, cmd)
			require.NoError(t, err)
			require.Equal(t, []string{string(cmd.Transition) + "/req-1"}, j.updates, "the own journey is changed")
		})
	}
}

func TestSubmitReferralIntoAnotherPCNIsRefusedNamingTheField(t *testing.T) {
	j := &fakeJourneys{}
	r := domain.Referral{ReferralID: "R-9", PathwayID: "msk", NHSNumber: "9434765919", PracticeCode: "A81001",
		PCNCode: otherPCN, Segment: journeyv1.Segment_SEGMENT_COMPLEX, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		Reason: "knee pain", ReferredAt: now.Add(-time.Hour)}
	_, err := newApp(j).SubmitReferral(context.Background(), own, r)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, domain.KindPermissionDenied, de.Kind)
	require.Equal(t, "pcn_ods_code: U90002 is not one of the PCNs in your access token (U90001)", de.Message)
	require.Equal(t, map[string]string{"field": "pcn_ods_code"}, de.Info.Metadata)
	require.Zero(t, j.started, "no journey was started")

	r.PCNCode = ownPCN
	res, err := newApp(j).SubmitReferral(context.Background(), own, r)
	require.NoError(t, err)
	require.Equal(t, "ref-R-9", res.JourneyID)
}

func TestWorklistShowsOnlyJourneysOfTheCallersPCNs(t *testing.T) {
	scope := domain.NewScope([]string{"U90003", ownPCN, "RXX", ownPCN}) // a provider code gives no journeys
	j := &fakeJourneys{listed: []Listed{{JourneyID: "ref-own", PCN: ownPCN}, {JourneyID: "ref-other", PCN: otherPCN},
		{JourneyID: "ref-third", PCN: "U90003"}}}
	a := newApp(j)
	p, err := a.ListWorklist(context.Background(), scope, domain.WorklistQuery{Worklist: domain.WorklistBreached})
	require.NoError(t, err)
	require.Equal(t, []string{"ref-own", "ref-third"}, ids(p.Items), "a journey of another PCN is never shown")
	require.Contains(t, j.queries[0], "PcnOdsCode IN ('U90001', 'U90003')", "visibility is asked for own PCNs only")

	_, err = a.ListWorklist(context.Background(), scope, domain.WorklistQuery{Worklist: domain.WorklistBreached, PCNCode: otherPCN})
	var de *domain.Error
	require.ErrorAs(t, err, &de, "a filter by another PCN is refused, not answered")
	require.Equal(t, domain.KindPermissionDenied, de.Kind)
	require.Equal(t, "pcn_ods_code", de.Info.Metadata["field"])
	require.Len(t, j.queries, 1, "visibility was not asked")
}

func TestACallerWithoutPCNsSeesNothing(t *testing.T) {
	none := domain.NewScope([]string{"RXX"})
	j := twoPCNs()
	j.listed = []Listed{{JourneyID: "ref-own", PCN: ownPCN}}
	a := newApp(j)
	ctx := context.Background()

	p, err := a.ListWorklist(ctx, none, domain.WorklistQuery{Worklist: domain.WorklistBreached})
	require.NoError(t, err)
	require.Empty(t, p.Items)
	_, err = a.GetJourney(ctx, none, "ref-own")
	requireAnsweredAsMissing(t, err, "ref-own")
	_, err = a.Apply(ctx, none, domain.Command{Transition: domain.Cancel, JourneyID: "ref-own", RequestID: "r1", Reason: "other"})
	requireAnsweredAsMissing(t, err, "ref-own")
	require.Empty(t, j.updates)
	require.Empty(t, j.queries)
}

func TestScopeCheckReusesThePCNOfAJourneyAlreadySeen(t *testing.T) {
	j := twoPCNs()
	a := newApp(j)
	ctx := context.Background()
	cancel := domain.Command{Transition: domain.Cancel, JourneyID: "ref-own", RequestID: "r1", Reason: "other"}
	_, err := a.Apply(ctx, own, cancel)
	require.NoError(t, err)
	_, err = a.Apply(ctx, own, cancel)
	require.NoError(t, err)
	require.Equal(t, 1, j.pcnLookups, "the journey's PCN is asked once")

	_, err = a.GetJourney(ctx, own, "ref-other")
	require.ErrorIs(t, err, domain.ErrOutsideScope)
	cancel.JourneyID = "ref-other"
	_, err = a.Apply(ctx, own, cancel)
	requireAnsweredAsMissing(t, err, "ref-other")
	require.Equal(t, 1, j.pcnLookups, "a journey just read needs no lookup")
}
