package app

import (
	"context"
	"sync"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// fakeJourneys is an in-memory Journeys for unit tests: states are returned in turn, updates
// answer with err (or a result), lists return listed.
type fakeJourneys struct {
	mu       sync.Mutex
	states   []journey.View
	updErr   error
	updates  []string
	args     []any
	started  int
	listed   []Listed
	queries  []string
	byID     map[string]journey.View
	startErr error
	// pcns, when set, are the PCNs of the journeys that exist (others are unknown); when nil
	// every journey is of ownPCN.
	pcns       map[string]string
	pcnLookups int
}

// ownPCN is the PCN of the caller of most tests (own is their scope).
const ownPCN = "U90001"

var own = domain.NewScope([]string{ownPCN})

func (f *fakeJourneys) PCN(_ context.Context, id string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pcnLookups++
	if f.pcns == nil {
		return ownPCN, nil
	}
	if pcn, ok := f.pcns[id]; ok {
		return pcn, nil
	}
	return "", domain.JourneyNotFound(id)
}

func (f *fakeJourneys) Start(_ context.Context, r domain.Referral, _ domain.SealedReferral, _ string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started++
	return journey.JourneyID(r.ReferralID), true, f.startErr
}

func (f *fakeJourneys) State(_ context.Context, id string) (journey.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.byID[id]; ok {
		return v, nil
	}
	if len(f.states) == 0 {
		return journey.View{}, domain.JourneyNotFound(id)
	}
	v := f.states[0]
	if len(f.states) > 1 {
		f.states = f.states[1:]
	}
	return v, nil
}

func (f *fakeJourneys) Update(_ context.Context, _, name, requestID string, arg any) (journey.UpdateResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, name+"/"+requestID)
	f.args = append(f.args, arg)
	if f.updErr != nil {
		return journey.UpdateResult{}, f.updErr
	}
	return journey.UpdateResult{RequestID: requestID, Stage: "next"}, nil
}

func (f *fakeJourneys) List(_ context.Context, query string, _ int) ([]Listed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, query)
	return append([]Listed(nil), f.listed...), nil
}

// fakeTimeline has no events to show; rev is its stream's last revision.
type fakeTimeline struct{ rev int64 }

func (fakeTimeline) Read(context.Context, string) ([]TimelineEntry, error) { return nil, nil }

func (f fakeTimeline) Revision(context.Context, string) (int64, error) { return f.rev, nil }

// Patient names the same patient for every journey.
func (fakeTimeline) Patient(context.Context, string) (string, bool, error) {
	return "pt-abcdefghijklmnopqrstuvwxyz", false, nil
}

type fakePathways struct{ stages []string }

func (fakePathways) Document(context.Context, string, int) (string, error) { return "doc", nil }

func (f fakePathways) StagesOfKind(context.Context, string, ...string) ([]string, error) {
	return f.stages, nil
}
