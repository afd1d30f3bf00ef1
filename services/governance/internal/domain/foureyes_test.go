package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// person is someone with a verified subject, shown under name.
func person(subject, name string, roles ...domain.Role) domain.Principal {
	return domain.Principal{Subject: subject, Actor: name, Roles: roles, EOGs: []string{"msk-eog"}}
}

var (
	author   = person("sub-alice", "alice", domain.RoleAuthor)
	reviewer = person("sub-bob", "bob", domain.RoleReviewer)
	// the same person as reviewer, shown under another name (a changed display name, a second
	// account name mapped onto the same subject)
	reviewerRenamed = person("sub-bob", "Robert Jones", domain.RoleReviewer)
	// the same person as author, who also holds the reviewer role, shown under another name
	authorRenamed = person("sub-alice", "Dr A. Smith", domain.RoleAuthor, domain.RoleReviewer)
)

// inReviewBy opens version 2 by creator, has editor change it (when not the creator), and submits it.
func (w *world) inReviewBy(creator, editor domain.Principal) {
	w.t.Helper()
	d := doc(2, "price: 10\n")
	w.must(w.p.CreateDraft(creator, domain.NewDraft{FromVersion: 1, Document: &d}, w.tick(time.Minute)))
	w.must(w.p.UpdateDraft(editor, 2, 1, doc(2, "price: 12\n"), "price rise", w.tick(time.Minute)))
	w.must(w.p.SubmitForReview(creator, 2, "ready", w.tick(time.Minute)))
}

func TestSameSubjectUnderTwoNamesApprovesOnce(t *testing.T) {
	w := newWorld(t)
	w.inReviewBy(author, author)
	w.must(w.p.Approve(reviewer, 2, "", w.tick(time.Minute)))

	_, err := w.p.Approve(reviewerRenamed, 2, "", w.tick(time.Minute))
	requireKind(t, err, domain.ErrFailedPrecondition, `Robert Jones has already approved version 2 of pathway "msk" (as "bob")`)
	v := w.version(2)
	require.Equal(t, domain.StatusInReview, v.Status, "one person is one approval, whatever their name")
	require.Len(t, v.Approvals, 1)
}

func TestAuthorCannotReviewUnderAnotherName(t *testing.T) {
	editor := person("sub-carol", "carol", domain.RoleAuthor, domain.RoleReviewer)
	editorRenamed := person("sub-carol", "Caroline", domain.RoleReviewer)
	for _, tt := range []struct {
		name string
		who  domain.Principal
	}{
		{name: "creator", who: authorRenamed},
		{name: "editor", who: editorRenamed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.inReviewBy(author, editor)
			_, err := w.p.Approve(tt.who, 2, "", w.now)
			requireKind(t, err, domain.ErrPermissionDenied, "they created or edited it")
			_, err = w.p.RequestChanges(tt.who, 2, []domain.Comment{{Text: "x"}}, "", w.now)
			requireKind(t, err, domain.ErrPermissionDenied, "authors never review their own work")
			require.Equal(t, domain.StatusInReview, w.version(2).Status)
		})
	}
}

func TestDistinctSubjectsApproveEvenUnderOneName(t *testing.T) {
	w := newWorld(t)
	w.inReviewBy(author, author)
	otherBob := person("sub-bob-2", "bob", domain.RoleReviewer)
	// someone else who happens to be shown as "alice" is not the author
	otherAlice := person("sub-alice-2", "alice", domain.RoleReviewer)
	w.must(w.p.Approve(reviewer, 2, "", w.tick(time.Minute)))
	w.must(w.p.Approve(otherBob, 2, "", w.tick(time.Minute)))
	v := w.version(2)
	require.Equal(t, domain.StatusApproved, v.Status, "two people approved")
	require.Equal(t, []string{"bob", "bob"}, v.Reviewers)
	require.Equal(t, []string{"sub-bob", "sub-bob-2"}, v.ReviewerSubjects)
	w.must(w.p.Approve(otherAlice, 2, "", w.tick(time.Minute)))
	require.Len(t, w.version(2).Approvals, 3)
}

func TestEventsRecordSubjectsBesideNames(t *testing.T) {
	w := newWorld(t)
	w.inReviewBy(author, person("sub-carol", "carol", domain.RoleAuthor))
	w.must(w.p.Approve(reviewer, 2, "", w.tick(time.Minute)))
	evs := w.must(w.p.Approve(person("sub-dan", "dan", domain.RoleReviewer), 2, "", w.tick(time.Minute)))
	require.Equal(t, "sub-dan", evs[0].Context().Subject)
	require.Equal(t, []string{"sub-bob", "sub-dan"}, evs[1].(domain.VersionApproved).ReviewerSubjects)
	w.must(w.p.Publish(person("sub-paula", "paula", domain.RolePublisher), 2, time.Time{}, "", w.now))
	v := w.version(2)
	require.Equal(t, []string{"alice", "carol"}, v.Authors)
	require.Equal(t, []string{"sub-alice", "sub-carol"}, v.AuthorSubjects)
	require.Equal(t, "sub-alice", v.CreatedBySubject)
	require.Equal(t, "sub-bob", v.Approvals[0].Subject)
	require.Equal(t, "sub-paula", v.PublishedBySubject)
	require.Equal(t, "paula", v.PublishedBy)
}

// legacyStream is version 2 as events written before events carried subjects: names only.
func legacyStream(w *world) {
	ctx := func(actor string) domain.EventContext {
		return domain.EventContext{Version: 2, Actor: actor, At: w.tick(time.Minute)}
	}
	for _, e := range []domain.Event{
		domain.DraftCreated{EventContext: ctx("alice"), PathwayID: "msk", BasedOn: 1, Title: "MSK", OwningEOG: "msk-eog",
			Document: doc(2, "price: 10\n").YAML},
		domain.DraftUpdated{EventContext: ctx("carol"), Title: "MSK", Document: doc(2, "price: 12\n").YAML},
		domain.SubmittedForReview{EventContext: ctx("alice")},
		domain.ReviewApproved{EventContext: ctx("bob")},
	} {
		w.p.Apply(e)
	}
}

func TestOldEventsWithoutSubjectsKeepFourEyesByName(t *testing.T) {
	tests := []struct {
		name    string
		who     domain.Principal
		kind    *domain.Error
		message string
	}{
		{name: "creator by name", who: domain.Principal{Actor: "alice", Roles: []domain.Role{domain.RoleReviewer}, EOGs: []string{"msk-eog"}},
			kind: domain.ErrPermissionDenied, message: "authors never review"},
		{name: "editor, interim subject = name", who: person("carol", "carol", domain.RoleReviewer),
			kind: domain.ErrPermissionDenied, message: "authors never review"},
		{name: "approver, interim subject = name", who: person("bob", "bob", domain.RoleReviewer),
			kind: domain.ErrFailedPrecondition, message: "already approved"},
		{name: "creator now with a verified subject", who: person("sub-alice", "alice", domain.RoleReviewer),
			kind: domain.ErrPermissionDenied, message: "authors never review"},
		{name: "approver now with a verified subject", who: person("sub-bob", "bob", domain.RoleReviewer),
			kind: domain.ErrFailedPrecondition, message: "already approved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			legacyStream(w)
			_, err := w.p.Approve(tt.who, 2, "", w.now)
			requireKind(t, err, tt.kind, tt.message)
		})
	}

	w := newWorld(t)
	legacyStream(w)
	v := w.version(2)
	require.Equal(t, []string{"alice", "carol"}, v.AuthorSubjects, "the names stand in for the subjects")
	require.Equal(t, "bob", v.Approvals[0].Subject)
	w.must(w.p.Approve(person("sub-dan", "dan", domain.RoleReviewer), 2, "", w.now))
	v = w.version(2)
	require.Equal(t, domain.StatusApproved, v.Status)
	require.Equal(t, []string{"bob", "sub-dan"}, v.ReviewerSubjects)
}

func TestOldVersionApprovedWithoutSubjectsShowsNamesAsSubjects(t *testing.T) {
	w := newWorld(t)
	legacyStream(w)
	w.p.Apply(domain.ReviewApproved{EventContext: domain.EventContext{Version: 2, Actor: "dan", At: w.now}})
	w.p.Apply(domain.VersionApproved{EventContext: domain.EventContext{Version: 2, Actor: "dan", At: w.now}, Reviewers: []string{"bob", "dan"}})
	v := w.version(2)
	require.Equal(t, domain.StatusApproved, v.Status)
	require.Equal(t, []string{"bob", "dan"}, v.ReviewerSubjects)
}
