package adapters

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

func TestEveryEventRoundTripsThroughProtobuf(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	ctx := domain.EventContext{Version: 3, Actor: "Alice Smith", Subject: "sub-alice", At: at, Reason: "why"}
	tests := []domain.Event{
		domain.DraftCreated{EventContext: ctx, PathwayID: "msk", BasedOn: 2, Title: "MSK", OwningEOG: "msk-eog", Document: []byte("id: msk\n")},
		domain.DraftCreated{EventContext: ctx, PathwayID: "falls", Title: "Falls", OwningEOG: "frailty"},
		domain.DraftUpdated{EventContext: ctx, Title: "MSK 2", Document: []byte("id: msk\nversion: 3\n")},
		domain.SubmittedForReview{EventContext: ctx},
		domain.ReviewApproved{EventContext: ctx},
		domain.ChangesRequested{EventContext: ctx, Comments: []domain.Comment{{Path: "stages[0]", Text: "rename"}, {Text: "typo"}}},
		domain.ApprovalsReset{EventContext: ctx, Cleared: []string{"bob", "carol"}, ClearedSubjects: []string{"sub-bob", "sub-carol"}},
		domain.VersionApproved{EventContext: ctx, Reviewers: []string{"bob", "carol"}, ReviewerSubjects: []string{"sub-bob", "sub-carol"}},
		domain.Published{EventContext: ctx, EffectiveFrom: at.Add(24 * time.Hour)},
		domain.EffectivePeriodChanged{EventContext: ctx, EffectiveTo: at.Add(time.Hour), CausedBy: 4},
		domain.EffectivePeriodChanged{EventContext: ctx, CausedBy: 4},
		domain.Retired{EventContext: ctx},
	}
	for _, e := range tests {
		t.Run(e.Type(), func(t *testing.T) {
			m, err := toProto(e)
			require.NoError(t, err)
			back, err := fromProto(m)
			require.NoError(t, err)
			require.Equal(t, e, back)
		})
	}
}

func TestEventsStoredWithoutSubjectsReadTheNameAsTheSubject(t *testing.T) {
	old := &governancev1.VersionApproved{Context: &governancev1.EventContext{Version: 1, Actor: "carol"},
		Reviewers: []string{"bob", "carol"}}
	e, err := fromProto(old)
	require.NoError(t, err)
	require.Empty(t, e.Context().Subject, "read as stored")
	require.Equal(t, "carol", e.Context().ActorID())

	p := domain.NewPathway("msk")
	created, err := fromProto(&governancev1.DraftCreated{Context: &governancev1.EventContext{Version: 1, Actor: "alice"},
		PathwayId: "msk", Title: "MSK", OwningEog: "msk-eog"})
	require.NoError(t, err)
	p.Apply(created)
	p.Apply(e)
	v, err := p.Version(1)
	require.NoError(t, err)
	require.Equal(t, []string{"alice"}, v.AuthorSubjects)
	require.Equal(t, []string{"bob", "carol"}, v.ReviewerSubjects)
}

func TestDocumentProblemsBecomeFieldViolations(t *testing.T) {
	_, err := Documents{}.Parse([]byte("id: msk\nversion: 1\nbogus: true\n"))
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	fields := map[string]string{}
	for _, v := range ve.Violations {
		fields[v.Field] = v.Description
	}
	require.Contains(t, fields[domain.DocumentField], `line 3: unknown field "bogus"`)

	docs, err := Documents{}.Builtin()
	require.NoError(t, err)
	require.Len(t, docs, 2)
	renumbered, err := Documents{}.Renumber(docs[0].YAML, 5)
	require.NoError(t, err)
	require.Equal(t, 5, renumbered.Version)
	d, err := Documents{}.Diff(docs[0].YAML, renumbered.YAML)
	require.NoError(t, err)
	require.Empty(t, d.Changes, "the version number is not a change to review")
	require.Equal(t, "No changes.\n", d.Text)
}
