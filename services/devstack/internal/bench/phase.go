package bench

import (
	"context"
	"sync"
	"time"
)

// callTimeout bounds one transition, so a stuck call shows as an error instead of a hang.
const callTimeout = time.Minute

// actor makes transitions, one at a time; each actor is used by one goroutine.
type actor interface {
	transition(ctx context.Context) error
}

// runPhase has every actor make transitions back to back for d, then waits for the calls in
// flight to answer. Elapsed runs from the start to the last answer.
func runPhase(ctx context.Context, actors []actor, d time.Duration) Sample {
	start := time.Now()
	deadline := start.Add(d)
	parts := make([]Sample, len(actors))
	var wg sync.WaitGroup
	for i, a := range actors {
		wg.Go(func() { parts[i] = drive(ctx, a, deadline) })
	}
	wg.Wait()
	out := Sample{}
	for _, p := range parts {
		out = out.merge(p)
	}
	out.Elapsed = time.Since(start)
	return out
}

func drive(ctx context.Context, a actor, deadline time.Time) Sample {
	var s Sample
	for ctx.Err() == nil && time.Now().Before(deadline) {
		callCtx, cancel := context.WithTimeout(ctx, callTimeout)
		t0 := time.Now()
		err := a.transition(callCtx)
		took := time.Since(t0)
		cancel()
		if err != nil {
			s.Errors++
			if s.FirstError == "" {
				s.FirstError = err.Error()
			}
			continue
		}
		s.Transitions++
		s.latencies = append(s.latencies, took)
	}
	return s
}
