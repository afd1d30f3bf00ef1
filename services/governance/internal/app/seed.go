package app

import (
	"context"
	"fmt"
)

// SeedBuiltin records each built-in pathway definition as published version 1 of its pathway,
// in effect from now, unless the pathway already has a stream. Safe to run from several replicas
// at once: each pathway is seeded once. It returns the pathways it seeded.
func (a *App) SeedBuiltin(ctx context.Context) ([]string, error) {
	docs, err := a.docs.Builtin()
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	var seeded []string
	for _, d := range docs {
		p, exp, _, err := a.load(ctx, d.PathwayID)
		if err != nil {
			return seeded, fmt.Errorf("seed %s: %w", d.PathwayID, err)
		}
		if exp.Exists {
			continue
		}
		evs, err := p.Seed(d, a.clock.Now().UTC())
		if err != nil {
			return seeded, fmt.Errorf("seed %s: %w", d.PathwayID, err)
		}
		if err := a.repo.Register(ctx, d.PathwayID); err != nil {
			return seeded, fmt.Errorf("seed %s: register: %w", d.PathwayID, err)
		}
		wrote, err := a.repo.Seed(ctx, d.PathwayID, evs)
		if err != nil {
			return seeded, fmt.Errorf("seed %s: %w", d.PathwayID, err)
		}
		if wrote {
			seeded = append(seeded, d.PathwayID)
		}
	}
	return seeded, nil
}
