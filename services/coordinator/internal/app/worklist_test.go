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

func listedDue(id string, dueInHours int) Listed {
	l := Listed{JourneyID: id, StartedAt: now, PCN: ownPCN}
	if dueInHours >= 0 {
		l.TriageDueAt = now.Add(time.Duration(dueInHours) * time.Hour)
	}
	return l
}

func ids(ls []Listed) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.JourneyID
	}
	return out
}

func TestWorklistIsSortedByTriageDeadlineAndPaged(t *testing.T) {
	j := &fakeJourneys{listed: []Listed{listedDue("c", 30), listedDue("none", -1), listedDue("a", 2), listedDue("b", 10)}}
	a := newApp(j, "referral", "spa-triage")
	q := domain.WorklistQuery{Worklist: domain.WorklistAwaitingTriage, PathwayID: "msk", PCNCode: ownPCN,
		Segment: journeyv1.Segment_SEGMENT_COMPLEX, PageSize: 3}

	p1, err := a.ListWorklist(context.Background(), own, q)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "c"}, ids(p1.Items), "soonest deadline first")
	require.NotEmpty(t, p1.NextPageToken)

	q.PageToken = p1.NextPageToken
	p2, err := a.ListWorklist(context.Background(), own, q)
	require.NoError(t, err)
	require.Equal(t, []string{"none"}, ids(p2.Items), "journeys without a deadline last")
	require.Empty(t, p2.NextPageToken)

	require.Contains(t, j.queries[0], "JourneyStage IN ('referral', 'spa-triage')")
	require.Contains(t, j.queries[0], "PathwayId = 'msk'")
	require.Contains(t, j.queries[0], "PcnOdsCode = 'U90001'")
	require.Contains(t, j.queries[0], "PopulationSegment = 'SEGMENT_COMPLEX'")
	require.Contains(t, j.queries[0], "ExecutionStatus = 'Running'")

	q.Worklist = domain.WorklistBreached
	_, err = a.ListWorklist(context.Background(), own, q)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve, "a page token of another worklist is refused")
	require.Equal(t, "page_token", ve.Violations[0].Field)
}

func TestWorklistWithoutMatchingStagesIsEmpty(t *testing.T) {
	j := &fakeJourneys{listed: []Listed{listedDue("a", 1)}}
	p, err := newApp(j).ListWorklist(context.Background(), own, domain.WorklistQuery{Worklist: domain.WorklistInIntervention})
	require.NoError(t, err)
	require.Empty(t, p.Items)
	require.Empty(t, j.queries, "nothing to ask visibility")
}

func TestDueFollowUpKeepsJourneysWithAFollowUpDue(t *testing.T) {
	j := &fakeJourneys{listed: []Listed{listedDue("due", 1), listedDue("not-due", 1)},
		byID: map[string]journey.View{"due": {Flags: []string{"follow-up-due"}}, "not-due": {}}}
	p, err := newApp(j).ListWorklist(context.Background(), own, domain.WorklistQuery{Worklist: domain.WorklistDueFollowUp})
	require.NoError(t, err)
	require.Equal(t, []string{"due"}, ids(p.Items))
	require.Contains(t, j.queries[0], "JourneyStatus = 'discharged'")
}
