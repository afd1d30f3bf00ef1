package bench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// HistoryCount is how many Temporal history events a number of transitions added to one
// workflow, in total and by event type.
type HistoryCount struct {
	Transitions int
	Events      int
	ByType      map[string]int
}

// PerTransition is history events per transition.
func (h HistoryCount) PerTransition() float64 {
	if h.Transitions == 0 {
		return 0
	}
	return float64(h.Events) / float64(h.Transitions)
}

// String lists the event types per transition, most frequent first.
func (h HistoryCount) String() string {
	types := slices.SortedFunc(maps.Keys(h.ByType), func(a, b string) int {
		if d := h.ByType[b] - h.ByType[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = fmt.Sprintf("%s %.2f", t, float64(h.ByType[t])/float64(h.Transitions))
	}
	return strings.Join(parts, ", ")
}

// countHistory makes n transitions with a, waits for settled (the workflow's own follow-up work),
// and counts the events they added to workflowID's current run.
func countHistory(ctx context.Context, tc client.Client, workflowID string, a actor, n int, settled func(context.Context) error) (HistoryCount, error) {
	before, err := tc.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		return HistoryCount{}, fmt.Errorf("describe %s: %w", workflowID, err)
	}
	for range n {
		if err := a.transition(ctx); err != nil {
			return HistoryCount{}, err
		}
	}
	if err := settled(ctx); err != nil {
		return HistoryCount{}, err
	}
	run := before.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	from := before.GetWorkflowExecutionInfo().GetHistoryLength()
	out := HistoryCount{Transitions: n, ByType: map[string]int{}}
	it := tc.GetWorkflowHistory(ctx, workflowID, run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return HistoryCount{}, fmt.Errorf("history of %s: %w", workflowID, err)
		}
		if e.GetEventId() > from {
			out.Events++
			out.ByType[e.GetEventType().String()]++
		}
	}
	return out, nil
}

// noPendingPushes waits until the journey has pushed everything its transitions queued.
func noPendingPushes(c *coordinator) func(context.Context) error {
	return func(ctx context.Context) error {
		return untilOK(ctx, func() (bool, error) {
			got, err := c.api.GetJourney(c.as(ctx), &coordinatorv1.GetJourneyRequest{JourneyId: c.journeyID})
			return err == nil && got.GetJourney().GetPendingPushes() == 0, err
		})
	}
}

func nothingPending(context.Context) error { return nil }

// drainPushes waits until every journey has pushed what its transitions queued, and says how
// long that took.
func drainPushes(ctx context.Context, cs []*coordinator) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			if err := noPendingPushes(c)(ctx); err != nil {
				errs[i] = fmt.Errorf("journey %s draining its pushes: %w", c.journeyID, err)
			}
		})
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}
