package app

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// memoryTrail is an in-memory AccessTrail: one slice per UTC day.
type memoryTrail struct {
	mu    sync.Mutex
	days  map[string][]domain.Access
	reads int
}

func (m *memoryTrail) Append(_ context.Context, a domain.Access) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.days == nil {
		m.days = map[string][]domain.Access{}
	}
	a.ID = fmt.Sprintf("e%d", len(m.days[domain.Day(a.At)]))
	m.days[domain.Day(a.At)] = append(m.days[domain.Day(a.At)], a)
	return nil
}

func (m *memoryTrail) ReadDay(_ context.Context, day time.Time, from uint64, limit int) ([]RecordedAccess, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	var out []RecordedAccess
	all := m.days[domain.Day(day)]
	for i := int(from); i < len(all) && len(out) < limit; i++ {
		out = append(out, RecordedAccess{Access: all[i], Position: uint64(i)})
	}
	return out, nil
}

// ticking is a clock that advances a minute at every reading, from start.
func ticking(start time.Time) func() time.Time {
	var mu sync.Mutex
	t := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Minute)
		return t
	}
}

// recordCalls records n entries a minute apart from just before midnight (so they span two
// days), alternating subjects c1 and c2, each naming journey ref-<i mod 3>.
func recordCalls(t *testing.T, a *Audit, n int) {
	t.Helper()
	for i := range n {
		subject := []string{"c1", "c2"}[i%2]
		require.NoError(t, a.Record(context.Background(), domain.Access{Subject: subject, Method: "/m/GetJourney",
			JourneyIDs: []string{fmt.Sprintf("ref-%d", i%3)}, Outcome: domain.OutcomeAllowed}))
	}
}

func listAll(t *testing.T, a *Audit, q domain.AccessQuery) []domain.Access {
	t.Helper()
	var out []domain.Access
	for {
		p, err := a.List(context.Background(), q)
		require.NoError(t, err)
		out = append(out, p.Entries...)
		if p.NextPageToken == "" {
			return out
		}
		q.PageToken = p.NextPageToken
	}
}

func TestListAccessFiltersBySubjectJourneyAndTimeAndPages(t *testing.T) {
	start := time.Date(2026, 3, 1, 23, 50, 0, 0, time.UTC)
	trail := &memoryTrail{}
	a := NewAudit(trail, ticking(start))
	recordCalls(t, a, 20) // 23:51 on 1 March to 00:10 on 2 March
	require.Len(t, trail.days["2026-03-01"], 9)
	require.Len(t, trail.days["2026-03-02"], 11)

	all := listAll(t, a, domain.AccessQuery{From: start})
	require.Len(t, all, 20, "both days, oldest first")
	for i := 1; i < len(all); i++ {
		require.True(t, all[i-1].At.Before(all[i].At))
	}

	paged := listAll(t, a, domain.AccessQuery{From: start, PageSize: 3})
	require.Equal(t, all, paged, "pages of 3 add up to the whole")

	c2 := listAll(t, a, domain.AccessQuery{From: start, Subject: "c2", PageSize: 4})
	require.Len(t, c2, 10)
	for _, e := range c2 {
		require.Equal(t, "c2", e.Subject)
	}
	ref1 := listAll(t, a, domain.AccessQuery{From: start, JourneyID: "ref-1"})
	require.Len(t, ref1, 7)
	for _, e := range ref1 {
		require.Equal(t, []string{"ref-1"}, e.JourneyIDs)
	}
	window := listAll(t, a, domain.AccessQuery{From: start.Add(5 * time.Minute), To: start.Add(12 * time.Minute)})
	require.Len(t, window, 7, "from is inclusive, to exclusive")
	require.Equal(t, start.Add(5*time.Minute), window[0].At)
	require.Equal(t, start.Add(11*time.Minute), window[6].At)
}

func TestListAccessRefusesATokenOfOtherFiltersAndBadRanges(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a := NewAudit(&memoryTrail{}, ticking(start))
	recordCalls(t, a, 5)
	p, err := a.List(context.Background(), domain.AccessQuery{From: start, PageSize: 2})
	require.NoError(t, err)
	require.NotEmpty(t, p.NextPageToken)

	for _, tc := range []struct {
		name  string
		q     domain.AccessQuery
		field string
	}{
		{"token of other filters", domain.AccessQuery{From: start, Subject: "c1", PageToken: p.NextPageToken}, "page_token"},
		{"no from", domain.AccessQuery{}, "from"},
		{"to before from", domain.AccessQuery{From: start, To: start.Add(-time.Second)}, "to"},
		{"more than a year", domain.AccessQuery{From: start, To: start.Add(367 * 24 * time.Hour)}, "from"},
		{"not a journey id", domain.AccessQuery{From: start, JourneyID: "ref 1"}, "journey_id"},
		{"page too large", domain.AccessQuery{From: start, PageSize: 501}, "page_size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.List(context.Background(), tc.q)
			var ve *domain.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Violations[0].Field)
		})
	}
}

func TestListAccessReadsABoundedPartPerRequest(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	trail := &memoryTrail{}
	a := NewAudit(trail, ticking(start))
	recordCalls(t, a, MaxAccessScan+10) // about 3.5 days
	p, err := a.List(context.Background(), domain.AccessQuery{From: start, Subject: "nobody"})
	require.NoError(t, err)
	require.Empty(t, p.Entries)
	require.NotEmpty(t, p.NextPageToken, "the rest is read on the next request")
	q := domain.AccessQuery{From: start, Subject: "nobody", PageToken: p.NextPageToken}
	p, err = a.List(context.Background(), q)
	require.NoError(t, err)
	require.Empty(t, p.NextPageToken, "the range has been read to its end")
}
