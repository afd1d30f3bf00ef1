package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

func TestApproveRules(t *testing.T) {
	outsider := domain.Principal{Actor: "erin", Roles: []domain.Role{domain.RoleAuthor}, EOGs: []string{"msk-eog"}}
	tests := []struct {
		name    string
		who     domain.Principal
		before  func(w *world)
		kind    *domain.Error
		message string
	}{
		{name: "author cannot approve", who: aliceReviewer, kind: domain.ErrPermissionDenied, message: "authors never review their own work"},
		{name: "reviewer from another EOG", who: dave, kind: domain.ErrPermissionDenied, message: `only members of its Expert Oversight Group "msk-eog"`},
		{name: "no reviewer role", who: outsider, kind: domain.ErrPermissionDenied, message: `"reviewer" role is required`},
		{name: "twice by the same reviewer", who: bob, before: func(w *world) { w.must(w.p.Approve(bob, 2, "", w.now)) }, kind: domain.ErrFailedPrecondition, message: "already approved"},
		{name: "draft not submitted", who: bob, before: func(w *world) {
			w.must(w.p.RequestChanges(carol, 2, []domain.Comment{{Text: "no"}}, "", w.now))
		}, kind: domain.ErrFailedPrecondition, message: "it is changes_requested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.inReview()
			if tt.before != nil {
				tt.before(w)
			}
			_, err := w.p.Approve(tt.who, 2, "", w.now)
			requireKind(t, err, tt.kind, tt.message)
		})
	}
}

func TestTwoDistinctReviewersApprove(t *testing.T) {
	w := newWorld(t)
	w.inReview()
	w.must(w.p.Approve(bob, 2, "fine", w.tick(time.Minute)))
	require.Equal(t, domain.StatusInReview, w.version(2).Status)
	at := w.tick(time.Minute)
	evs := w.must(w.p.Approve(carol, 2, "", at))
	require.Len(t, evs, 2)
	v := w.version(2)
	require.Equal(t, domain.StatusApproved, v.Status)
	require.Equal(t, "draft", v.Status.FHIRStatus())
	require.Equal(t, at, v.ApprovedAt)
	require.Equal(t, []string{"bob", "carol"}, v.Reviewers)
}

func TestChangeAfterApprovalResetsApprovals(t *testing.T) {
	for _, approvals := range []int{1, 2} {
		w := newWorld(t)
		w.inReview()
		w.must(w.p.Approve(bob, 2, "", w.now))
		if approvals == 2 {
			w.must(w.p.Approve(carol, 2, "", w.now))
		}
		v := w.version(2)
		evs := w.must(w.p.UpdateDraft(alice, 2, v.Revision, doc(2, "price: 20\n"), "", w.tick(time.Minute)))
		require.Equal(t, "ApprovalsReset", evs[1].Type())
		v = w.version(2)
		require.Empty(t, v.Approvals)
		require.Empty(t, v.Reviewers)
		require.True(t, v.ApprovedAt.IsZero())
		require.Equal(t, domain.StatusInReview, v.Status)
		_, err := w.p.Approve(bob, 2, "", w.now)
		require.NoError(t, err, "bob may approve the new document")
	}
}

func TestRequestChangesRules(t *testing.T) {
	w := newWorld(t)
	w.inReview()
	w.must(w.p.Approve(bob, 2, "", w.now))
	_, err := w.p.RequestChanges(carol, 2, nil, "", w.now)
	requireViolation(t, err, "comments", "at least one")
	_, err = w.p.RequestChanges(carol, 2, []domain.Comment{{Path: "price"}}, "", w.now)
	requireViolation(t, err, "comments[0].text", "must not be empty")
	_, err = w.p.RequestChanges(aliceReviewer, 2, []domain.Comment{{Text: "x"}}, "", w.now)
	requireKind(t, err, domain.ErrPermissionDenied, "authors never review")

	w.must(w.p.RequestChanges(carol, 2, []domain.Comment{{Path: "price", Text: "too high"}}, "", w.now))
	v := w.version(2)
	require.Equal(t, domain.StatusChangesRequested, v.Status)
	require.Empty(t, v.Approvals)
	require.Equal(t, []domain.Comment{{Path: "price", Text: "too high"}}, v.RequestedChanges)
	w.must(w.p.SubmitForReview(alice, 2, "as is", w.now))
	require.Empty(t, w.version(2).RequestedChanges)
}
