package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

func TestCreateDraftRules(t *testing.T) {
	d2 := doc(2, "price: 10\n")
	wrong := domain.Document{PathwayID: "copd", Version: 7, OwningEOG: "copd-eog", YAML: []byte("x")}
	tests := []struct {
		name    string
		who     domain.Principal
		req     domain.NewDraft
		setup   func(w *world)
		kind    *domain.Error
		field   string
		message string
	}{
		{name: "reviewer without author role", who: bob, req: domain.NewDraft{FromVersion: 1, Document: &d2}, kind: domain.ErrPermissionDenied, message: `"author" role is required`},
		{name: "copy of unknown version", who: alice, req: domain.NewDraft{FromVersion: 9, Document: &d2}, kind: domain.ErrNotFound, message: "has no version 9"},
		{name: "negative from_version", who: alice, req: domain.NewDraft{FromVersion: -1}, field: "from_version", message: "must be 0"},
		{name: "document of another pathway and version", who: alice, req: domain.NewDraft{FromVersion: 1, Document: &wrong}, field: domain.DocumentVersionField, message: "must be 2"},
		{name: "changing the owning EOG", who: alice, req: domain.NewDraft{OwningEOG: "copd-eog"}, field: "owning_eog", message: `owned by "msk-eog"`},
		{name: "second open draft", who: alice, req: domain.NewDraft{}, setup: func(w *world) { w.inReview() }, kind: domain.ErrFailedPrecondition, message: "open version 2 (in_review)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			_, err := w.p.CreateDraft(tt.who, tt.req, w.now)
			if tt.field != "" {
				requireViolation(t, err, tt.field, tt.message)
				return
			}
			requireKind(t, err, tt.kind, tt.message)
		})
	}
}

func TestCreateDraftNewPathwayNeedsTitleAndOwner(t *testing.T) {
	p := domain.NewPathway("Bad ID")
	_, err := p.CreateDraft(alice, domain.NewDraft{}, t0)
	requireViolation(t, err, "pathway_id", "lower-case")
	requireViolation(t, err, "title", "required")
	requireViolation(t, err, "owning_eog", "required")

	p = domain.NewPathway("falls")
	evs, err := p.CreateDraft(alice, domain.NewDraft{Title: "Falls", OwningEOG: "frailty-eog"}, t0)
	require.NoError(t, err)
	p.Apply(evs[0])
	v, err := p.Version(1)
	require.NoError(t, err)
	require.Equal(t, domain.StatusDraft, v.Status)
	require.Equal(t, "frailty-eog", v.OwningEOG)
	require.Equal(t, []string{"alice"}, v.Authors)
	require.Equal(t, 2, p.NextVersion())
}

func TestUpdateDraftRules(t *testing.T) {
	tests := []struct {
		name     string
		who      domain.Principal
		number   int
		expected int64
		doc      domain.Document
		kind     *domain.Error
		field    string
		message  string
	}{
		{name: "not an author", who: bob, number: 2, expected: 3, doc: doc(2, "a: 1\n"), kind: domain.ErrPermissionDenied, message: "may not edit drafts"},
		{name: "published is immutable", who: alice, number: 1, expected: 2, doc: doc(1, "a: 1\n"), kind: domain.ErrFailedPrecondition, message: "it is published"},
		{name: "stale revision", who: alice, number: 2, expected: 1, doc: doc(2, "a: 1\n"), kind: domain.ErrConflict, message: "revision 3, not 1"},
		{name: "wrong version in document", who: alice, number: 2, expected: 3, doc: doc(3, "a: 1\n"), field: domain.DocumentVersionField, message: "must be 2"},
		{name: "wrong pathway id", who: alice, number: 2, expected: 3, doc: domain.Document{PathwayID: "copd", Version: 2, OwningEOG: "msk-eog"}, field: domain.DocumentIDField, message: `"msk"`},
		{name: "wrong owner", who: alice, number: 2, expected: 3, doc: domain.Document{PathwayID: "msk", Version: 2, OwningEOG: "x"}, field: domain.DocumentEOGField, message: `"msk-eog"`},
		{name: "unknown version", who: alice, number: 5, expected: 1, doc: doc(5, ""), kind: domain.ErrNotFound, message: "no version 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.inReview()
			_, err := w.p.UpdateDraft(tt.who, tt.number, tt.expected, tt.doc, "", w.now)
			if tt.field != "" {
				requireViolation(t, err, tt.field, tt.message)
				return
			}
			requireKind(t, err, tt.kind, tt.message)
		})
	}
}

func TestEditorsJoinAuthorsAndIdenticalDocumentChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.inReview()
	v := w.version(2)
	evs, err := w.p.UpdateDraft(carol, 2, v.Revision, doc(2, "price: 12\n"), "", w.now)
	require.NoError(t, err)
	require.Empty(t, evs)
	w.must(w.p.UpdateDraft(carol, 2, v.Revision, doc(2, "price: 13\n"), "typo", w.tick(time.Minute)))
	require.Equal(t, []string{"alice", "carol"}, w.version(2).Authors)
	_, err = w.p.Approve(carol, 2, "", w.now)
	requireKind(t, err, domain.ErrPermissionDenied, "created or edited it")
}

func TestSubmitRules(t *testing.T) {
	w := newWorld(t)
	w.must(w.p.CreateDraft(alice, domain.NewDraft{}, w.now))
	_, err := w.p.SubmitForReview(alice, 2, "", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "no document yet")
	_, err = w.p.SubmitForReview(bob, 2, "", w.now)
	requireKind(t, err, domain.ErrPermissionDenied, "submit")
	w.must(w.p.UpdateDraft(alice, 2, 1, doc(2, "a: 1\n"), "", w.now))
	w.must(w.p.SubmitForReview(alice, 2, "", w.now))
	_, err = w.p.SubmitForReview(alice, 2, "", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "it is in_review; allowed only when it is draft or changes_requested")
}
