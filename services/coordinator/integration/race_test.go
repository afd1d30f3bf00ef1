package integration

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// Two coordinators triage the same referral at the same moment: exactly one
// decision lands; the other learns the journey moved on (Aborted) or is told it is already
// triaged at its new stage (FailedPrecondition naming the stage).
func TestConcurrentTriagesExactlyOneSucceeds(t *testing.T) {
	s := newStack(t)
	ctx := coordinator()
	for round := range 3 {
		sub, err := s.coordinator.SubmitReferral(ctx, s.referral(fmt.Sprintf("R-race-%d", round)))
		require.NoError(t, err)
		id := sub.GetJourneyId()
		iv := s.advance(t, "book", &coordinatorv1.ScheduleInterventionRequest{JourneyId: id, Intervention: "spa-triage",
			ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
		s.advance(t, "done", &coordinatorv1.CompleteInterventionRequest{JourneyId: id, InterventionId: iv.GetInterventionId()})

		dispositions := []string{"cats", "cats"}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, d := range dispositions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = s.coordinator.Triage(as(fmt.Sprintf("coord-%d", i), "coordinator"),
					&coordinatorv1.TriageRequest{JourneyId: id, RequestId: fmt.Sprintf("triage-by-%d", i), Disposition: d, Baseline: baseline()})
			}()
		}
		close(start)
		wg.Wait()

		ok, lost := 0, 0
		for _, err := range errs {
			switch status.Code(err) {
			case codes.OK:
				ok++
			case codes.Aborted, codes.FailedPrecondition:
				lost++
				require.NotEmpty(t, stageOf(err), "the loser is told the stage: %v", err)
			default:
				t.Fatalf("unexpected answer: %v", err)
			}
		}
		require.Equal(t, 1, ok, "exactly one triage succeeds: %v", errs)
		require.Equal(t, 1, lost)

		got, err := s.coordinator.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: id})
		require.NoError(t, err)
		triaged := 0
		for _, e := range got.GetTimeline() {
			if e.GetType() == "TriageCompleted" {
				triaged++
			}
		}
		require.Equal(t, 1, triaged, "one TriageCompleted in the stream")
	}
}
