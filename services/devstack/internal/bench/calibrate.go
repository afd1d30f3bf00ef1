package bench

import (
	"context"
	"fmt"
)

// countHistories counts the history events HistorySample transitions add on each side (rounded
// to whole rounds of the loop), and times the two halves of our transition alone: the revision
// read and the update sent straight to the journey.
func (e env) countHistories(ctx context.Context) (ours, floor HistoryCount, err error) {
	cs, err := newCoordinators(ctx, e.api, e.tag+"-H", 1)
	if err != nil {
		return ours, floor, err
	}
	c := cs[0]
	// whole rounds, so the journey is back at the start of the loop for the direct updates
	n := max(steps, e.cfg.HistorySample-e.cfg.HistorySample%steps)
	if ours, err = countHistory(ctx, e.tc, c.journeyID, c, n, noPendingPushes(c)); err != nil {
		return ours, floor, err
	}
	if err := e.timeParts(ctx, c.journeyID, n); err != nil {
		return ours, floor, err
	}
	f, err := startFloorClient(ctx, e.tc, fmt.Sprintf("pathwaysbench-floor-%s-H", e.tag))
	if err != nil {
		return ours, floor, err
	}
	if floor, err = countHistory(ctx, e.tc, f.workflowID, f, n, nothingPending); err != nil {
		return ours, floor, err
	}
	return ours, floor, f.stop(ctx)
}

// timeParts prints the latency of the coordinator's revision read and of the journey's update,
// each alone.
func (e env) timeParts(ctx context.Context, journeyID string, n int) error {
	q, err := timeRevisionReads(ctx, e.eventStoreURL, journeyID, n)
	if err != nil {
		return err
	}
	u, err := timeDirectUpdates(ctx, e.tc, journeyID, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "parts of our transition at concurrency 1, alone: journey stream revision read (the coordinator's, before each update) p50 %s, p99 %s; "+
		"the update sent straight to the journey p50 %s, p99 %s\n",
		ms(q.Percentile(0.5)), ms(q.Percentile(0.99)), ms(u.Percentile(0.5)), ms(u.Percentile(0.99)))
	return nil
}
