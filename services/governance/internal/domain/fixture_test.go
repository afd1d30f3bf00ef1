package domain_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

var (
	alice         = domain.Principal{Actor: "alice", Roles: []domain.Role{domain.RoleAuthor}, EOGs: []string{"msk-eog"}}
	aliceReviewer = domain.Principal{Actor: "alice", Roles: []domain.Role{domain.RoleAuthor, domain.RoleReviewer}, EOGs: []string{"msk-eog"}}
	bob           = domain.Principal{Actor: "bob", Roles: []domain.Role{domain.RoleReviewer}, EOGs: []string{"msk-eog"}}
	carol         = domain.Principal{Actor: "carol", Roles: []domain.Role{domain.RoleReviewer, domain.RoleAuthor}, EOGs: []string{"msk-eog"}}
	dave          = domain.Principal{Actor: "dave", Roles: []domain.Role{domain.RoleReviewer}, EOGs: []string{"copd-eog"}}
	pub           = domain.Principal{Actor: "paula", Roles: []domain.Role{domain.RolePublisher}}
)

func doc(version int, body string) domain.Document {
	return domain.Document{PathwayID: "msk", Version: version, Title: "MSK", OwningEOG: "msk-eog",
		YAML: []byte("id: msk\nversion: " + itoa(version) + "\n" + body)}
}

func itoa(i int) string { return strconv.Itoa(i) }

// world drives a pathway through commands, applying what each returns.
type world struct {
	t   *testing.T
	p   *domain.Pathway
	now time.Time
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, p: domain.NewPathway("msk"), now: t0}
	w.must(w.p.Seed(doc(1, "price: 10\n"), t0))
	return w
}

func (w *world) apply(evs []domain.Event, err error) error {
	w.t.Helper()
	if err != nil {
		return err
	}
	for _, e := range evs {
		w.p.Apply(e)
	}
	return nil
}

func (w *world) must(evs []domain.Event, err error) []domain.Event {
	w.t.Helper()
	require.NoError(w.t, w.apply(evs, err))
	return evs
}

func (w *world) tick(d time.Duration) time.Time { w.now = w.now.Add(d); return w.now }

func (w *world) version(n int) domain.Version {
	w.t.Helper()
	v, err := w.p.Version(n)
	require.NoError(w.t, err)
	return v
}

// draft opens version 2 from version 1 by alice, edits it, and submits it.
func (w *world) inReview() {
	w.t.Helper()
	d := doc(2, "price: 10\n")
	w.must(w.p.CreateDraft(alice, domain.NewDraft{FromVersion: 1, Document: &d}, w.tick(time.Minute)))
	w.must(w.p.UpdateDraft(alice, 2, 1, doc(2, "price: 12\n"), "price rise", w.tick(time.Minute)))
	w.must(w.p.SubmitForReview(alice, 2, "ready", w.tick(time.Minute)))
}

func (w *world) approved() {
	w.t.Helper()
	w.inReview()
	w.must(w.p.Approve(bob, 2, "ok", w.tick(time.Minute)))
	w.must(w.p.Approve(carol, 2, "ok", w.tick(time.Minute)))
}

func requireKind(t *testing.T, err error, kind *domain.Error, contains string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, kind)
	require.Contains(t, err.Error(), contains)
}

func requireViolation(t *testing.T, err error, field, contains string) {
	t.Helper()
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, v := range ve.Violations {
		if v.Field == field {
			require.Contains(t, v.Description, contains)
			return
		}
	}
	require.Failf(t, "no violation on field", "%s in %+v", field, ve.Violations)
}
