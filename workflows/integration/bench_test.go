package integration

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/nhs-pathways/pathways/workflows/journey"
)

// benchCallers is the number of concurrent callers, each advancing its own journey.
const benchCallers = 64

// BenchmarkTransitions measures journey transitions per second through Temporal updates on a real
// server: benchCallers callers each send RecordOutcome updates to their own MSK journey (each an
// event-store append, then a finance and a dashboard push). Run it with a fixed count, e.g.
// `go test -run XXX -bench Transitions -benchtime 640x`.
func BenchmarkTransitions(b *testing.B) {
	s := newStack(b)
	ids := make([]string, benchCallers)
	for i := range ids {
		ref := referral(fmt.Sprintf("R-BENCH-%d-%d", b.N, i), "msk")
		ids[i] = journey.JourneyID(ref.ReferralID)
		s.start(b, ref)
		// The first update waits for the pin; do it before timing.
		s.update(b, ids[i], journey.UpdateRecordOutcome, "warm-up", outcomeRequest())
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, benchCallers)
	for i, id := range ids {
		n := b.N / benchCallers
		if i < b.N%benchCallers {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range n {
				if err := transition(s.client, id, fmt.Sprintf("outcome-%d", k)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		require.NoError(b, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "transitions/s")
}

func outcomeRequest() journey.OutcomeRequest {
	return journey.OutcomeRequest{CollectionPoint: "review", Measures: []journey.Score{{Measure: "msk-hq", Value: 35}}, RequestedBy: nurse}
}

func transition(c client.Client, journeyID, requestID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: journeyID, UpdateID: requestID, UpdateName: journey.UpdateRecordOutcome,
		Args: []any{outcomeRequest()}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", journeyID, requestID, err)
	}
	if err := h.Get(ctx, nil); err != nil {
		return fmt.Errorf("%s %s: %w", journeyID, requestID, err)
	}
	return nil
}
