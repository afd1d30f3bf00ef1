package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

var (
	providers     = []string{"RTG", "RX1", "Y02945", "VSCO1"}
	interventions = []string{"physio-f2f", "physio-tel", "cats", "msk-mri", "pain-clinic"}
)

// journeys makes n journeys' costed activities with random interventions and dates within
// contract year 2026, stating random prices: the contract's (as the journey worker does), none,
// or any other; the contract's is booked whatever they state.
func journeys(rng *rand.Rand, n int) []*financev1.RecordActivityRequest {
	yearStart := time.Date(2026, 4, 1, 0, 0, 0, 0, domain.London)
	var out []*financev1.RecordActivityRequest
	for j := range n {
		journey := fmt.Sprintf("ref-%04d", j)
		for seq := range 1 + rng.IntN(6) {
			at := yearStart.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			provider, code := providers[rng.IntN(len(providers))], interventions[rng.IntN(len(interventions))]
			out = append(out, activity(journey, seq, provider, code, statedPrice(rng, code), at))
		}
	}
	return out
}

// statedPrice is the unit price an activity of code states: the contract's, none, or another.
func statedPrice(rng *rand.Rand, code string) int64 {
	switch rng.IntN(3) {
	case 0:
		return mskPrices[code]
	case 1:
		return 0
	}
	return 1 + rng.Int64N(60_000)
}

// expected sums the activities' agreed prices (mskPrices) by provider and by month.
func expected(acts []*financev1.RecordActivityRequest) (byProvider, byMonth totals, sum int64) {
	byProvider, byMonth = totals{}, totals{}
	for _, a := range acts {
		price := mskPrices[a.GetInterventionCode()]
		byProvider[a.GetProvider()] += price
		byMonth[domain.MonthOf(a.GetOccurredAt().AsTime())] += price
		sum += price
	}
	return byProvider, byMonth, sum
}

// push sends every activity from workers goroutines, some more than once, some at the same time
// from two goroutines, retrying until each is acknowledged.
func push(ctx context.Context, t *testing.T, c client, rng *rand.Rand, acts []*financev1.RecordActivityRequest, workers int) {
	var sends []*financev1.RecordActivityRequest
	for _, a := range acts {
		for range 1 + rng.IntN(3) {
			sends = append(sends, a)
		}
	}
	rng.Shuffle(len(sends), func(i, j int) { sends[i], sends[j] = sends[j], sends[i] })
	work := make(chan *financev1.RecordActivityRequest)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for a := range work {
				sendUntilAcknowledged(ctx, t, c, a)
			}
		})
	}
	for _, a := range sends {
		work <- a
	}
	close(work)
	wg.Wait()
}

func sendUntilAcknowledged(ctx context.Context, t *testing.T, c client, a *financev1.RecordActivityRequest) {
	for {
		callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := c.ingest.RecordActivity(callCtx, a)
		cancel()
		switch status.Code(err) {
		case codes.OK:
			return
		case codes.Unavailable, codes.DeadlineExceeded:
			// What a real client retries: the service was unreachable or slow. Anything else
			// (Internal above all) is an answer, and a wrong one here.
			if ctx.Err() != nil {
				t.Errorf("activity %s never acknowledged: %v", a.GetEventId(), err)
				return
			}
			continue
		default:
			t.Errorf("activity %s refused: %v", a.GetEventId(), err)
			return
		}
	}
}

func TestReconciliation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	url := startStore(t)
	_, c := start(t, testConfig(t, url))
	createContract(t, c, mskTerms())
	acts := journeys(rng, 60)
	push(t.Context(), t, c, rng, acts, 8)
	byProvider, byMonth, sum := expected(acts)

	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	require.Equal(t, sum, pos.GetSpentPence())
	require.EqualValues(t, len(acts), pos.GetActivities())
	require.Equal(t, byProvider, lineTotals(pos.GetByProvider()))
	require.Equal(t, byMonth, nonZero(lineTotals(pos.GetByMonth())))
	for p, want := range byProvider {
		st, err := c.finance.GetProviderStatement(reader(t.Context()), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: p})
		require.NoError(t, err)
		require.Equal(t, want, st.GetTotalPence(), p)
	}

	feed := readFeed(t, c, len(acts))
	costed, payable := feedTotals(feed.events)
	require.Equal(t, byProvider, costed.byProvider)
	require.Equal(t, byMonth, costed.byMonth)
	require.Equal(t, byProvider, payable.byProvider)
	require.Equal(t, byMonth, payable.byMonth)
	requireStoredOnce(t, url, "msk-2026", feed, sum)
}

func lineTotals(ls []*financev1.SpendLine) totals {
	out := totals{}
	for _, l := range ls {
		out[l.GetKey()] += l.GetSpentPence()
	}
	return out
}

func nonZero(ts totals) totals {
	for k, v := range ts {
		if v == 0 {
			delete(ts, k)
		}
	}
	return ts
}

// readFeed follows the feed from the start until it has delivered n ActivityCosted and n
// ProviderPayable events.
func readFeed(t *testing.T, c client, n int) *feedLog {
	t.Helper()
	log := &feedLog{}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, follow(ctx, t, c, log, func() bool { return log.costed() >= n && log.payable() >= n }))
	require.Equal(t, n, log.costed())
	return log
}

type feedSums struct{ byProvider, byMonth totals }

func feedTotals(evs []*financev1.FollowResponse) (costed, payable feedSums) {
	costed, payable = feedSums{totals{}, totals{}}, feedSums{totals{}, totals{}}
	for _, e := range evs {
		if a := e.GetEvent().GetActivityCosted(); a != nil {
			costed.byProvider[a.GetProvider()] += a.GetUnitPricePence()
			costed.byMonth[a.GetMonth()] += a.GetUnitPricePence()
		}
		if p := e.GetEvent().GetProviderPayable(); p != nil {
			payable.byProvider[p.GetProvider()] += p.GetAmountPence()
			payable.byMonth[p.GetMonth()] += p.GetAmountPence()
		}
	}
	return costed, payable
}

// requireStoredOnce waits until the relay has stored every event the feed delivered in the
// contract's stream and checks that none is stored twice and that the stored ActivityCosted
// events add up to sum.
func requireStoredOnce(t *testing.T, url, contract string, feed *feedLog, sum int64) {
	t.Helper()
	j, err := events.Open(t.Context(), url)
	require.NoError(t, err)
	defer func() { _ = j.Close() }()
	var stored []events.Recorded
	eventually(t, 30*time.Second, func() bool {
		stored, err = j.ReadStream(t.Context(), adapters.ContractStream(contract))
		return err == nil && len(stored) >= len(feed.events)
	}, "relay stores every event")
	seen := map[string]bool{}
	var storedSum int64
	for i, r := range stored {
		require.EqualValues(t, i, r.Revision)
		require.False(t, seen[r.ID.String()], "event %s stored twice", r.ID)
		seen[r.ID.String()] = true
		if a, ok := r.Payload.(*financev1.ActivityCosted); ok {
			storedSum += a.GetUnitPricePence()
		}
	}
	for _, e := range feed.events {
		require.True(t, seen[e.GetEventId()], "feed event %s (cursor %d) not in the event store", e.GetEventId(), e.GetCursor())
	}
	require.Equal(t, sum, storedSum)
}
