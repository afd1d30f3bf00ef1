package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Actor is who the loader calls the coordinator and governance as.
const Actor = "devstack-demo"

const (
	pollEvery = 100 * time.Millisecond
	pollFor   = 30 * time.Second
)

// Loader drives the coordinator API, asks governance which versions are in effect, and records
// the finance contracts the journeys' costs count against.
type Loader struct {
	Coordinator coordinatorv1.CoordinatorServiceClient
	Governance  governancev1.GovernanceServiceClient
	Finance     financev1.FinanceServiceClient
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// As returns ctx calling as a demo person of the role ("coordinator" of the PCN pcn,
	// "finance-admin"): with the devstack's provider, their access token. Nil calls with the
	// interim identity metadata of a -insecure stack.
	As func(ctx context.Context, role, pcn string) (context.Context, error)
}

// Person is the devstack provider's demo person (devoidc) who plays role for the loader: the
// coordinator of the PCN, or the finance administrator.
func Person(role, pcn string) string {
	if role == "coordinator" {
		return "coord-" + strings.ToLower(pcn)
	}
	return role
}

// as is ctx calling as role (of pcn).
func (l Loader) as(ctx context.Context, role, pcn string) (context.Context, error) {
	if l.As != nil {
		return l.As(ctx, role, pcn)
	}
	return metadata.AppendToOutgoingContext(ctx, "x-actor", Actor, "x-roles", role, "x-orgs", pcn), nil
}

// Loaded is what happened to one patient's journey.
type Loaded struct {
	Patient   Patient
	JourneyID string
	// Skipped: the journey had already finished its script.
	Skipped bool
	// Dated says the referral was dated now instead of in the past: no pathway version was in
	// effect then (governance seeds the built-in pathways as in effect from their first start).
	Dated bool
}

// Load records the contracts, then submits every patient's referral and runs its script.
func (l Loader) Load(ctx context.Context) ([]Loaded, error) {
	if err := l.createContracts(ctx); err != nil {
		return nil, err
	}
	nhs := NHSNumbers(len(Population()))
	var out []Loaded
	for i, p := range Population() {
		pctx, err := l.as(ctx, "coordinator", p.PCN)
		if err != nil {
			return out, err
		}
		res, err := l.loadOne(pctx, p, nhs[i])
		if err != nil {
			return out, fmt.Errorf("demo referral %s: %w", p.ReferralID, err)
		}
		out = append(out, res)
	}
	return out, nil
}

func (l Loader) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

func (l Loader) loadOne(ctx context.Context, p Patient, nhsNumber string) (Loaded, error) {
	res := Loaded{Patient: p, JourneyID: journey.JourneyID(p.ReferralID)}
	timeline, err := l.timeline(ctx, res.JourneyID)
	if err != nil {
		return res, err
	}
	if timeline == nil {
		if res.Dated, err = l.submit(ctx, p, nhsNumber); err != nil {
			return res, err
		}
	}
	if len(p.steps) == 0 || slices.Contains(timeline, p.steps[len(p.steps)-1].requestID) {
		res.Skipped = timeline != nil
		return res, nil
	}
	run := &scriptRun{journeyID: res.JourneyID, interventions: map[string]string{}, now: l.now()}
	for _, s := range p.steps {
		if err := retryAborted(ctx, func() error { _, err := s.send(ctx, l.Coordinator, run); return err }); err != nil {
			return res, fmt.Errorf("%s: %w", s.requestID, err)
		}
	}
	return res, nil
}

// retryAborted sends again while the coordinator answers Aborted (the journey moved on while the
// request was decided; the coordinator asks callers to retry).
func retryAborted(ctx context.Context, send func() error) error {
	var last error
	err := poll(ctx, func() (bool, error) {
		last = send()
		if status.Code(last) == codes.Aborted {
			return false, nil
		}
		return true, last
	})
	if err != nil && last != nil && status.Code(last) == codes.Aborted {
		return fmt.Errorf("%w (last answer: %w)", err, last)
	}
	return err
}

// poll calls try every pollEvery until it reports done or fails, for at most pollFor.
func poll(ctx context.Context, try func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, pollFor)
	defer cancel()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		done, err := try()
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: gave up waiting: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// timeline returns the request IDs on the journey's timeline, or nil when it does not exist.
func (l Loader) timeline(ctx context.Context, journeyID string) ([]string, error) {
	got, err := l.Coordinator.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
	if status.Code(err) == codes.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get journey %s: %w", journeyID, err)
	}
	ids := []string{}
	for _, e := range got.GetTimeline() {
		ids = append(ids, e.GetRequestId())
	}
	return ids, nil
}

// submit sends the referral, dated ReferredAgo in the past when a version of the pathway was in
// effect then, else now. It reports whether it had to date the referral now.
func (l Loader) submit(ctx context.Context, p Patient, nhsNumber string) (bool, error) {
	now := l.now()
	at, dated := now.Add(-p.ReferredAgo), false
	_, err := l.Governance.GetVersionInEffect(ctx, &governancev1.GetVersionInEffectRequest{PathwayId: p.PathwayID, At: timestamppb.New(at)})
	switch status.Code(err) {
	case codes.OK:
	case codes.NotFound:
		at, dated = now, true
	default:
		return false, fmt.Errorf("governance version of %s in effect: %w", p.PathwayID, err)
	}
	_, err = l.Coordinator.SubmitReferral(ctx, &coordinatorv1.SubmitReferralRequest{ReferralId: p.ReferralID, PathwayId: p.PathwayID,
		NhsNumber: nhsNumber, PracticeOdsCode: p.Practice, PcnOdsCode: p.PCN, Segment: p.Segment, Source: p.Source,
		Reason: p.Reason, ReferredAt: timestamppb.New(at)})
	if err != nil {
		return false, fmt.Errorf("submit referral: %w", err)
	}
	return dated, nil
}
