package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
)

const (
	setupParallel = 8
	pollEvery     = 50 * time.Millisecond
	setupTimeout  = 2 * time.Minute
)

// newCoordinators submits one MSK referral per coordinator, waits for each journey to pin its
// pathway version and triages it to face-to-face physiotherapy, ready for the loop.
func newCoordinators(ctx context.Context, api coordinatorv1.CoordinatorServiceClient, tag string, n int) ([]*coordinator, error) {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	nhs := demo.NHSNumbers(n)
	out := make([]*coordinator, n)
	errs := make([]error, n)
	slots := make(chan struct{}, setupParallel)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			out[i] = &coordinator{api: api, actor: fmt.Sprintf("bench-coord-%03d", i)}
			if err := out[i].prepare(ctx, fmt.Sprintf("BENCH-%s-%03d", tag, i), nhs[i]); err != nil {
				errs[i] = fmt.Errorf("coordinator %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (c *coordinator) prepare(ctx context.Context, referralID, nhsNumber string) error {
	ctx = c.as(ctx)
	sub, err := c.api.SubmitReferral(ctx, &coordinatorv1.SubmitReferralRequest{ReferralId: referralID, PathwayId: "msk",
		NhsNumber: nhsNumber, PracticeOdsCode: "Y90001", PcnOdsCode: "U90001",
		Segment: journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		Reason: "benchmark referral", ReferredAt: timestamppb.New(time.Now().Add(-time.Minute))})
	if err != nil {
		return fmt.Errorf("submit referral %s: %w", referralID, err)
	}
	c.journeyID = sub.GetJourneyId()
	if err := untilOK(ctx, func() (bool, error) {
		got, err := c.api.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: c.journeyID})
		if status.Code(err) == codes.NotFound {
			return false, nil
		}
		return got.GetJourney().GetVersion() > 0, err
	}); err != nil {
		return fmt.Errorf("journey %s pinning its version: %w", c.journeyID, err)
	}
	return untilOK(ctx, func() (bool, error) {
		_, err := c.api.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: c.journeyID, RequestId: "triage",
			Disposition: "physio-face-to-face", Baseline: []*coordinatorv1.Measure{
				{Code: "msk-hq", Value: 30}, {Code: "eq5d5l-index", Value: 0.61}, {Code: "eq-vas", Value: 60}}})
		if status.Code(err) == codes.Aborted {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("triage %s: %w", c.journeyID, err)
		}
		return true, nil
	})
}

// untilOK calls try until it reports done, fails, or ctx ends.
func untilOK(ctx context.Context, try func() (bool, error)) error {
	for {
		done, err := try()
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(pollEvery):
		}
	}
}
