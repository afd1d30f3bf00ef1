// Package app is the dashboard's application: it applies journey facts to the read model once
// each and answers the System Dashboard's figures (as the query API's messages, so the web page
// and the API show the same numbers).
package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// ErrNoBudget is returned when the finance service holds no contract for the pathway and year.
var ErrNoBudget = errors.New("no contract for the pathway and year")

// App is safe for concurrent use.
type App struct {
	model   ReadModel
	budgets BudgetSource
	catalog *domain.Catalog
	now     func() time.Time
	cache   *figureCache
	rule    disclosure.Rule
}

// New returns an App whose figures follow rule for viewers without patient-level access.
// budgets may be nil (budget used is then "not available"); now nil means time.Now.
func New(model ReadModel, budgets BudgetSource, catalog *domain.Catalog, now func() time.Time, rule disclosure.Rule) *App {
	if now == nil {
		now = time.Now
	}
	return &App{model: model, budgets: budgets, catalog: catalog, now: now, cache: newFigureCache(), rule: rule}
}

// Disclosure is the rule figures follow for viewers without patient-level access.
func (a *App) Disclosure() disclosure.Rule { return a.rule }

// Catalog is the pathway catalogue the figures are defined by.
func (a *App) Catalog() *domain.Catalog { return a.catalog }

// Now is the application clock.
func (a *App) Now() time.Time { return a.now() }

// Ingest validates and applies one fact. It reports whether the event ID had been applied
// already with the same content; the same ID with other content is domain.ErrReusedEventID.
func (a *App) Ingest(ctx context.Context, f domain.Fact) (duplicate bool, err error) {
	if err := f.Validate(); err != nil {
		return false, err
	}
	dups, err := a.model.Apply(ctx, f)
	a.cache.changed()
	if err != nil {
		return false, fmt.Errorf("ingest: %w", err)
	}
	return dups[0], nil
}

// IngestBatch validates and applies many facts in one transaction (bulk loads and rebuilds).
func (a *App) IngestBatch(ctx context.Context, facts []domain.Fact) error {
	for _, f := range facts {
		if err := f.Validate(); err != nil {
			return fmt.Errorf("fact %s: %w", f.EventID, err)
		}
	}
	_, err := a.model.Apply(ctx, facts...)
	a.cache.changed()
	if err != nil {
		return fmt.Errorf("ingest batch: %w", err)
	}
	return nil
}

// ModelChanged tells the app that the read model changed under it (another replica sharing
// the database committed): the cached figures are dropped and the next ones computed afresh.
func (a *App) ModelChanged() { a.cache.changed() }

// Purge deletes from the read model the journeys that closed (discharged or cancelled), with
// every activity recorded for them, before cutoff, and returns how many went. Figures of months
// starting at or after cutoff do not change; earlier months no longer count those journeys.
func (a *App) Purge(ctx context.Context, cutoff time.Time) (int, error) {
	n, err := a.model.Purge(ctx, cutoff.Unix())
	if n > 0 {
		a.cache.changed()
	}
	if err != nil {
		return n, fmt.Errorf("purge: %w", err)
	}
	return n, nil
}
