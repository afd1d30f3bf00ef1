package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// barrier holds every reader of a pathway, while armed, until `parties` of them have read, so
// their commands decide on the same revision and race to append.
type barrier struct {
	app.Repository
	mu      sync.Mutex
	parties int
	arrived int
	release chan struct{}
}

func (b *barrier) arm(parties int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.parties, b.arrived, b.release = parties, 0, make(chan struct{})
}

func (b *barrier) disarm() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.release = nil
}

func (b *barrier) Events(ctx context.Context, id string) ([]app.Recorded, error) {
	recs, err := b.Repository.Events(ctx, id)
	b.mu.Lock()
	release := b.release
	if release != nil {
		b.arrived++
		if b.arrived == b.parties {
			close(release)
		}
	}
	b.mu.Unlock()
	if release == nil {
		return recs, err
	}
	select {
	case <-release:
		return recs, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestConcurrentReviewsOneWinsOneAborted(t *testing.T) {
	repo := &barrier{Repository: adapters.NewJournal(journal(t))}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a := app.New(repo, adapters.Documents{}, app.ClockFunc(func() time.Time { return now }))
	_, err := a.SeedBuiltin(t.Context())
	require.NoError(t, err)

	eog := mskEOG
	author := domain.Principal{Actor: "alice", Roles: []domain.Role{domain.RoleAuthor}}
	_, err = a.CreateDraft(t.Context(), author, app.CreateDraft{PathwayID: "msk", FromVersion: 1})
	require.NoError(t, err)
	_, err = a.SubmitForReview(t.Context(), author, "msk", 2, "")
	require.NoError(t, err)

	repo.arm(2)
	errs := make(chan error, 2)
	for _, who := range []string{"bob", "carol"} {
		go func() {
			p := domain.Principal{Actor: who, Roles: []domain.Role{domain.RoleReviewer}, EOGs: []string{eog}}
			_, err := a.Review(t.Context(), p, app.Review{PathwayID: "msk", Version: 2, Approve: true})
			errs <- err
		}()
	}
	e1, e2 := <-errs, <-errs
	repo.disarm()
	require.NotEqual(t, e1 == nil, e2 == nil, "exactly one wins: %v / %v", e1, e2)
	lost := e1
	if lost == nil {
		lost = e2
	}
	require.ErrorIs(t, lost, domain.ErrConflict)

	view, err := a.GetVersion(t.Context(), "msk", 2)
	require.NoError(t, err)
	require.Len(t, view.Version.Approvals, 1)
	loser := "bob"
	if view.Version.Approvals[0].Reviewer == "bob" {
		loser = "carol"
	}
	p := domain.Principal{Actor: loser, Roles: []domain.Role{domain.RoleReviewer}, EOGs: []string{eog}}
	v, err := a.Review(t.Context(), p, app.Review{PathwayID: "msk", Version: 2, Approve: true})
	require.NoError(t, err, "a retry on fresh state succeeds")
	require.Equal(t, domain.StatusApproved, v.Status)
}
