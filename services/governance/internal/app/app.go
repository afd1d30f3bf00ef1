// Package app holds the governance use cases: the commands that change pathway versions and the
// queries that read them. Each command rebuilds the pathway from its stream, lets the domain
// decide, and appends the resulting events with the stream revision it read as the expected
// revision, so of two concurrent commands one wins and the other fails with a domain conflict.
// I/O happens only through the Repository and Documents ports.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// Clock tells the time; injected so tests can control effective dates.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now returns f().
func (f ClockFunc) Now() time.Time { return f() }

// Expected is the stream state a command read: whether the stream existed and its last revision.
type Expected struct {
	Exists   bool
	Revision uint64
}

// Recorded is a stored governance event with its revision in the pathway's stream.
type Recorded struct {
	Revision uint64
	Event    domain.Event
}

// Repository stores the events of each pathway in its own stream.
type Repository interface {
	// Events returns every event of the pathway, oldest first; none when it has no stream.
	Events(ctx context.Context, pathwayID string) ([]Recorded, error)
	// Append appends events if the stream is still as expected; otherwise it returns an error
	// matching domain.ErrConflict and writes nothing.
	Append(ctx context.Context, pathwayID string, expected Expected, evs []domain.Event) error
	// Seed appends events to a stream that must not exist yet, under event ids derived from the
	// pathway id, so concurrent seeders store them once. It reports whether it wrote them.
	Seed(ctx context.Context, pathwayID string, evs []domain.Event) (bool, error)
	// Register records that the pathway exists, idempotently, for listing.
	Register(ctx context.Context, pathwayID string) error
	// PathwayIDs lists the registered pathways, sorted.
	PathwayIDs(ctx context.Context) ([]string, error)
}

// App runs the governance commands and queries. Safe for concurrent use.
type App struct {
	repo  Repository
	docs  Documents
	clock Clock
}

// New returns an App over its ports.
func New(repo Repository, docs Documents, clock Clock) *App {
	return &App{repo: repo, docs: docs, clock: clock}
}

// load rebuilds a pathway from its stream.
func (a *App) load(ctx context.Context, id string) (*domain.Pathway, Expected, []Recorded, error) {
	recs, err := a.repo.Events(ctx, id)
	if err != nil {
		return nil, Expected{}, nil, fmt.Errorf("load pathway %s: %w", id, err)
	}
	p := domain.NewPathway(id)
	var exp Expected
	for _, r := range recs {
		p.Apply(r.Event)
		exp = Expected{Exists: true, Revision: r.Revision}
	}
	return p, exp, recs, nil
}

// execute loads the pathway, lets decide produce events and appends them with optimistic
// concurrency. It returns the pathway with the new events applied.
func (a *App) execute(ctx context.Context, id string, decide func(*domain.Pathway, time.Time) ([]domain.Event, error)) (*domain.Pathway, error) {
	p, exp, _, err := a.load(ctx, id)
	if err != nil {
		return nil, err
	}
	evs, err := decide(p, a.clock.Now().UTC())
	if err != nil || len(evs) == 0 {
		return p, err
	}
	if !exp.Exists {
		if err := a.repo.Register(ctx, id); err != nil {
			return nil, fmt.Errorf("register pathway %s: %w", id, err)
		}
	}
	if err := a.repo.Append(ctx, id, exp, evs); err != nil {
		return nil, fmt.Errorf("save pathway %s: %w", id, err)
	}
	for _, e := range evs {
		p.Apply(e)
	}
	return p, nil
}

func checkRef(id string, version int) error {
	var vs domain.Violations
	checkID(&vs, id)
	if version < 1 {
		vs.Add("version", "must be a version number (1 or more), not %d", version)
	}
	return vs.Err()
}

func checkID(vs *domain.Violations, id string) { domain.CheckPathwayID(vs, "pathway_id", id) }
