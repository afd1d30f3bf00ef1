package server_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

// TestReplicasOnPostgresCountEachChargeOnce runs two finance replicas on one PostgreSQL ledger
// and one event store, and sends every activity, some several times and some to both replicas at
// the same moment, to either replica. Both replicas then answer the same position and
// statements, to the penny; the feed read from each replica holds every charge once, with
// cursors 1, 2, 3, ... and no gap; and the two relays together stored each event once.
func TestReplicasOnPostgresCountEachChargeOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
	url := startStore(t)
	ledger := pgtest.Database(t)
	var cs [2]client
	for i := range cs {
		cfg := testConfig(t, url)
		cfg.Ledger = ledger
		_, cs[i] = start(t, cfg)
	}
	createContract(t, cs[0], mskTerms())
	acts := journeys(rng, 60)

	// Each send goes to a replica at random; a third of the activities are also sent to both
	// replicas at once.
	var wg sync.WaitGroup
	work := make(chan func())
	for range 8 {
		wg.Go(func() {
			for f := range work {
				f()
			}
		})
	}
	for _, a := range acts {
		for range 1 + rng.IntN(2) {
			c := cs[rng.IntN(2)]
			work <- func() { sendUntilAcknowledged(t.Context(), t, c, a) }
		}
		if rng.IntN(3) == 0 {
			work <- func() {
				var both sync.WaitGroup
				for _, c := range cs {
					both.Go(func() { sendUntilAcknowledged(t.Context(), t, c, a) })
				}
				both.Wait()
			}
		}
	}
	close(work)
	wg.Wait()

	byProvider, byMonth, sum := expected(acts)
	for i, c := range cs {
		pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
		require.NoError(t, err)
		require.Equal(t, sum, pos.GetSpentPence(), "replica %d", i)
		require.EqualValues(t, len(acts), pos.GetActivities(), "replica %d", i)
		require.Equal(t, byProvider, lineTotals(pos.GetByProvider()), "replica %d", i)
		require.Equal(t, byMonth, nonZero(lineTotals(pos.GetByMonth())), "replica %d", i)
		for p, want := range byProvider {
			st, err := c.finance.GetProviderStatement(reader(t.Context()), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: p})
			require.NoError(t, err)
			require.Equal(t, want, st.GetTotalPence(), "replica %d provider %s", i, p)
		}
	}

	var feeds [2]*feedLog
	for i, c := range cs {
		feeds[i] = readFeed(t, c, len(acts))
		for k, e := range feeds[i].events {
			require.EqualValues(t, k+1, e.GetCursor(), "replica %d: feed cursors are 1, 2, 3, ... without a gap", i)
		}
		costed, payable := feedTotals(feeds[i].events)
		require.Equal(t, byProvider, costed.byProvider)
		require.Equal(t, byProvider, payable.byProvider)
	}
	require.Len(t, feeds[1].events, len(feeds[0].events))
	for k := range feeds[0].events {
		require.Equal(t, feeds[0].events[k].GetEventId(), feeds[1].events[k].GetEventId(), "both replicas serve one feed")
	}
	requireStoredOnce(t, url, "msk-2026", feeds[0], sum)
}

// TestFeedOnOneReplicaSeesTheOthersCommits follows the feed on one replica while the other
// ingests: each new charge reaches the follower promptly (the commit notification crosses
// replicas), not only at the next poll.
func TestFeedOnOneReplicaSeesTheOthersCommits(t *testing.T) {
	url := startStore(t)
	ledger := pgtest.Database(t)
	var cs [2]client
	for i := range cs {
		cfg := testConfig(t, url)
		cfg.Ledger = ledger
		_, cs[i] = start(t, cfg)
	}
	createContract(t, cs[0], mskTerms())
	rng := rand.New(rand.NewPCG(3, 4))
	acts := journeys(rng, 5)
	log := &feedLog{}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for _, a := range acts {
			sendUntilAcknowledged(ctx, t, cs[0], a)
		}
	}()
	require.NoError(t, follow(ctx, t, cs[1], log, func() bool { return log.costed() >= len(acts) }))
	<-sent
	require.Equal(t, len(acts), log.costed())
}
