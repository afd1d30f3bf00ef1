package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/governance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

const mskEOG = "MSK Clinical Expert Oversight Group"

// journal starts an in-memory event store and opens the events journal on it.
func journal(t *testing.T) *events.Journal {
	t.Helper()
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

func newApp(j *events.Journal) *app.App {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return app.New(adapters.NewJournal(j), adapters.Documents{}, app.ClockFunc(func() time.Time { return now }))
}

// caller is a principal as the identity interceptor builds it from a verified token.
func caller(subject, name string, roles ...domain.Role) domain.Principal {
	return domain.Principal{Subject: subject, Actor: name, Roles: roles, EOGs: []string{mskEOG}}
}

func approve(t *testing.T, a *app.App, who domain.Principal) (domain.Version, error) {
	t.Helper()
	return a.Review(t.Context(), who, app.Review{PathwayID: "msk", Version: 2, Approve: true})
}

func TestFourEyesDecidedOnSubjectsThroughTheJournal(t *testing.T) {
	j := journal(t)
	a := newApp(j)
	_, err := a.SeedBuiltin(t.Context())
	require.NoError(t, err)
	alice := caller("sub-alice", "alice", domain.RoleAuthor)
	_, err = a.CreateDraft(t.Context(), alice, app.CreateDraft{PathwayID: "msk", FromVersion: 1})
	require.NoError(t, err)
	_, err = a.SubmitForReview(t.Context(), alice, "msk", 2, "")
	require.NoError(t, err)

	_, err = approve(t, a, caller("sub-alice", "Dr A. Smith", domain.RoleReviewer))
	require.ErrorIs(t, err, domain.ErrPermissionDenied, "the author under another name")
	_, err = approve(t, a, caller("sub-bob", "bob", domain.RoleReviewer))
	require.NoError(t, err)
	_, err = approve(t, a, caller("sub-bob", "Robert Jones", domain.RoleReviewer))
	require.ErrorIs(t, err, domain.ErrFailedPrecondition, "the same reviewer under another name")
	v, err := approve(t, a, caller("sub-bob-2", "bob", domain.RoleReviewer))
	require.NoError(t, err, "another person shown under the same name")
	require.Equal(t, domain.StatusApproved, v.Status)

	view, err := newApp(j).GetVersion(t.Context(), "msk", 2)
	require.NoError(t, err, "read back from the store")
	require.Equal(t, []string{"sub-alice"}, view.Version.AuthorSubjects)
	require.Equal(t, []string{"bob", "bob"}, view.Version.Reviewers)
	require.Equal(t, []string{"sub-bob", "sub-bob-2"}, view.Version.ReviewerSubjects)
	history, err := newApp(j).History(t.Context(), "msk", 2)
	require.NoError(t, err)
	require.Equal(t, "sub-alice", history[0].Subject)
}

// TestStreamWrittenBeforeSubjectsKeepsFourEyesByName stores version 1 of "msk" as events were
// written before they carried subjects (names only), then reviews it.
func TestStreamWrittenBeforeSubjectsKeepsFourEyesByName(t *testing.T) {
	j := journal(t)
	docs, err := adapters.Documents{}.Builtin()
	require.NoError(t, err)
	ctx := func(actor string) *governancev1.EventContext {
		return &governancev1.EventContext{Version: 1, Actor: actor}
	}
	_, err = j.Append(t.Context(), events.PathwayStream("msk"), events.NoStream(),
		events.Event{Payload: &governancev1.DraftCreated{Context: ctx("alice"), PathwayId: "msk", Title: docs[0].Title,
			OwningEog: docs[0].OwningEOG, DocumentYaml: string(docs[0].YAML)}},
		events.Event{Payload: &governancev1.SubmittedForReview{Context: ctx("alice")}},
		events.Event{Payload: &governancev1.ReviewApproved{Context: ctx("bob")}})
	require.NoError(t, err)
	a := newApp(j)
	review := func(who domain.Principal) (domain.Version, error) {
		return a.Review(t.Context(), who, app.Review{PathwayID: "msk", Version: 1, Approve: true})
	}

	// -insecure callers: the subject is the x-actor name
	_, err = review(caller("alice", "alice", domain.RoleReviewer))
	require.ErrorIs(t, err, domain.ErrPermissionDenied, "the author, by name")
	_, err = review(caller("bob", "bob", domain.RoleReviewer))
	require.ErrorIs(t, err, domain.ErrFailedPrecondition, "approved already, by name")
	v, err := review(caller("carol", "carol", domain.RoleReviewer))
	require.NoError(t, err)
	require.Equal(t, domain.StatusApproved, v.Status)
	require.Equal(t, []string{"bob", "carol"}, v.ReviewerSubjects)
}
