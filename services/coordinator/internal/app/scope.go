package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// The PCNs of journeys the app has seen (a journey's PCN never changes) are remembered, so the
// scope check of a transition on a journey just read or listed costs no round trip.
const (
	pcnMemorySize = 10000
	pcnMemoryTTL  = 10 * time.Minute
)

// pcnMemory maps journey ids to their PCN, bounded in size and age. Safe for concurrent use.
type pcnMemory struct {
	mu sync.Mutex
	m  map[string]rememberedPCN
}

type rememberedPCN struct {
	pcn string
	at  time.Time
}

func (m *pcnMemory) get(journeyID string, now time.Time) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.m[journeyID]
	if !ok || now.Sub(r.at) > pcnMemoryTTL {
		return "", false
	}
	return r.pcn, true
}

func (m *pcnMemory) put(journeyID, pcn string, now time.Time) {
	if pcn == "" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]rememberedPCN{}
	}
	if _, ok := m.m[journeyID]; !ok && len(m.m) >= pcnMemorySize {
		for id := range m.m { // forget one at random (map order): no entry outstays its welcome
			delete(m.m, id)
			break
		}
	}
	m.m[journeyID] = rememberedPCN{pcn: pcn, at: now}
}

// inScope refuses a journey outside the caller's scope exactly as a journey that does not exist
// (domain.HiddenJourney), and an unknown journey with domain.JourneyNotFound. A caller with no
// PCNs reaches nothing, and nothing is asked.
func (a *App) inScope(ctx context.Context, scope domain.Scope, journeyID string) error {
	if scope.Empty() {
		return domain.HiddenJourney(journeyID)
	}
	pcn, ok := a.pcns.get(journeyID, a.now())
	if !ok {
		var err error
		if pcn, err = a.journeys.PCN(ctx, journeyID); err != nil {
			return fmt.Errorf("journey %s: %w", journeyID, err)
		}
		a.pcns.put(journeyID, pcn, a.now())
	}
	if !scope.Covers(pcn) {
		return domain.HiddenJourney(journeyID)
	}
	return nil
}
