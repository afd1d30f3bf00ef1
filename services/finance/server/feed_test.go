package server_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// TestFeedResumesFromCursor disconnects a feed client at random points while activity is being
// ingested, resumes each time from the last cursor handled, and checks it got every event once,
// in order, exactly as a client that never disconnected.
func TestFeedResumesFromCursor(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	acts := journeys(rng, 40)

	var wg sync.WaitGroup
	wg.Go(func() { push(t.Context(), t, c, rand.New(rand.NewPCG(1, 2)), acts, 4) })

	choppy := &feedLog{}
	reconnects := 0
	for choppy.costed() < len(acts) || choppy.payable() < len(acts) {
		ctx, cancel := context.WithCancel(t.Context())
		budget := 1 + rng.IntN(40)
		err := follow(ctx, t, c, choppy, func() bool {
			budget--
			return budget < 0 || (choppy.costed() >= len(acts) && choppy.payable() >= len(acts))
		})
		cancel()
		if err != nil {
			require.Truef(t, errors.Is(err, context.Canceled) || status.Code(err) == codes.Canceled, "feed: %v", err)
		}
		reconnects++
	}
	wg.Wait()
	require.Greater(t, reconnects, 5)

	whole := readFeed(t, c, len(acts))
	require.GreaterOrEqual(t, len(whole.events), len(choppy.events))
	for i, e := range choppy.events {
		require.Equal(t, whole.events[i].GetEventId(), e.GetEventId())
		require.Equal(t, whole.events[i].GetCursor(), e.GetCursor())
	}
	byProvider, _, _ := expected(acts)
	costed, _ := feedTotals(choppy.events)
	require.Equal(t, byProvider, costed.byProvider)
}

// TestFeedCatchUpThenLive checks that a follower at the end of the feed gets new events live.
func TestFeedCatchUpThenLive(t *testing.T) {
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	log := &feedLog{}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	stream, err := c.feed.Follow(reader(ctx), &financev1.FollowRequest{})
	require.NoError(t, err)
	first, err := stream.Recv()
	require.NoError(t, err)
	require.NotNil(t, first.GetEvent().GetContractCreated())
	require.EqualValues(t, 1, first.GetCursor())
	log.add(t, first)
	for range 8 { // November 2026: periods April-November are released at creation
		e, err := stream.Recv()
		require.NoError(t, err)
		require.NotNil(t, e.GetEvent().GetAllocationReleased())
		log.add(t, e)
	}
	_, err = c.ingest.RecordActivity(t.Context(), activity("ref-live", 0, "RTG", "cats", 12_345, now))
	require.NoError(t, err)
	e, err := stream.Recv()
	require.NoError(t, err)
	log.add(t, e)
	require.Equal(t, "ref-live", e.GetEvent().GetActivityCosted().GetJourneyId())
}
