package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

const day = 24 * time.Hour

func TestPublishRules(t *testing.T) {
	tests := []struct {
		name    string
		who     domain.Principal
		from    func(now time.Time) time.Time
		setup   func(w *world)
		kind    *domain.Error
		field   string
		message string
	}{
		{name: "not a publisher", who: bob, kind: domain.ErrPermissionDenied, message: `"publisher" role`},
		{name: "not approved", who: pub, setup: func(w *world) { w.inReview() }, kind: domain.ErrFailedPrecondition, message: "it is in_review; allowed only when it is approved"},
		{name: "in the past", who: pub, from: func(now time.Time) time.Time { return now.Add(-time.Second) }, field: "effective_from", message: "must not be in the past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			} else {
				w.approved()
			}
			var from time.Time
			if tt.from != nil {
				from = tt.from(w.now)
			}
			_, err := w.p.Publish(tt.who, 2, from, "", w.now)
			if tt.field != "" {
				requireViolation(t, err, tt.field, tt.message)
				return
			}
			requireKind(t, err, tt.kind, tt.message)
		})
	}
}

func TestPublishChainsEffectivePeriods(t *testing.T) {
	w := newWorld(t)
	w.approved()
	tomorrow := w.now.Add(day)
	w.must(w.p.Publish(pub, 2, tomorrow, "go live", w.now))
	v1, v2 := w.version(1), w.version(2)
	require.Equal(t, domain.Period{Start: domain.BuiltinEffectiveFrom, End: tomorrow}, v1.Effective)
	require.Equal(t, domain.Period{Start: tomorrow}, v2.Effective)
	require.Equal(t, "active", v2.Status.FHIRStatus())
	require.Equal(t, "paula", v2.PublishedBy)

	for _, tc := range []struct {
		at   time.Time
		want int
	}{{t0, 1}, {tomorrow.Add(-time.Nanosecond), 1}, {tomorrow, 2}, {tomorrow.Add(365 * day), 2}} {
		v, err := w.p.InEffectAt(tc.at)
		require.NoError(t, err)
		require.Equal(t, tc.want, v.Number, "at %s", tc.at)
	}
	_, err := w.p.InEffectAt(domain.BuiltinEffectiveFrom.Add(-time.Second))
	requireKind(t, err, domain.ErrNotFound, "no version")

	// published versions are immutable
	_, err = w.p.UpdateDraft(alice, 2, w.version(2).Revision, doc(2, "x: 1\n"), "", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "it is published")

	// a third version may not take effect at or before the second's start
	d3 := doc(3, "price: 12\n")
	w.must(w.p.CreateDraft(alice, domain.NewDraft{FromVersion: 2, Document: &d3}, w.now))
	w.must(w.p.UpdateDraft(alice, 3, 1, doc(3, "price: 14\n"), "", w.now))
	w.must(w.p.SubmitForReview(alice, 3, "", w.now))
	w.must(w.p.Approve(bob, 3, "", w.now))
	w.must(w.p.Approve(carol, 3, "", w.now))
	_, err = w.p.Publish(pub, 3, tomorrow, "", w.now)
	requireViolation(t, err, "effective_from", "must be after")
	w.must(w.p.Publish(pub, 3, tomorrow.Add(day), "", w.now))
	require.Equal(t, tomorrow.Add(day), w.version(2).Effective.End)
}

func TestRetireRules(t *testing.T) {
	w := newWorld(t)
	_, err := w.p.Retire(pub, 1, "", w.now)
	requireViolation(t, err, "reason", "required")
	_, err = w.p.Retire(bob, 1, "old", w.now)
	requireKind(t, err, domain.ErrPermissionDenied, "retire")
	_, err = w.p.Retire(pub, 1, "old", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "only version in effect")

	w.approved()
	_, err = w.p.Retire(pub, 2, "x", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "it is approved; allowed only when it is published")
	tomorrow := w.now.Add(day)
	w.must(w.p.Publish(pub, 2, tomorrow, "", w.now))

	// v1 is still in effect until tomorrow; v2 can be withdrawn before it takes effect
	_, err = w.p.Retire(pub, 1, "old", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "only version in effect")
	w.must(w.p.Retire(pub, 2, "withdrawn", w.now))
	require.Equal(t, domain.StatusRetired, w.version(2).Status)
	require.True(t, w.version(2).Effective.Empty())
	require.True(t, w.version(1).Effective.End.IsZero(), "v1 is open again")
	v, err := w.p.InEffectAt(tomorrow.Add(day))
	require.NoError(t, err)
	require.Equal(t, 1, v.Number)
	_, err = w.p.Retire(pub, 2, "again", w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "it is retired")
}

func TestRetireSupersededVersionKeepsHistory(t *testing.T) {
	w := newWorld(t)
	w.approved()
	tomorrow := w.now.Add(day)
	w.must(w.p.Publish(pub, 2, tomorrow, "", w.now))
	w.tick(2 * day)
	w.must(w.p.Retire(pub, 1, "superseded", w.now))
	v1 := w.version(1)
	require.Equal(t, domain.StatusRetired, v1.Status)
	require.Equal(t, "retired", v1.Status.FHIRStatus())
	got, err := w.p.InEffectAt(t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, 1, got.Number, "a journey referred before v2 still follows v1")
}

func TestSeed(t *testing.T) {
	w := newWorld(t)
	v := w.version(1)
	require.Equal(t, domain.StatusPublished, v.Status)
	require.Equal(t, domain.SeedActor, v.PublishedBy)
	require.Equal(t, domain.BuiltinEffectiveFrom, v.Effective.Start, "built-in versions cover referrals dated before the first start")
	_, err := w.p.Seed(doc(1, ""), w.now)
	requireKind(t, err, domain.ErrFailedPrecondition, "already exists")
	_, err = domain.NewPathway("msk").Seed(doc(2, ""), w.now)
	requireViolation(t, err, domain.DocumentVersionField, "must be 1")
}
