package limits_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/limits"
)

func TestIdleCallersAreForgotten(t *testing.T) {
	c := newClock()
	l := limits.NewLimiter(limits.Rate{PerSecond: 1, Burst: 1, IdleAfter: time.Minute, Now: c.Now})
	for i := range 1000 {
		l.Allow("ip:10.0.0." + strconv.Itoa(i))
	}
	require.Equal(t, 1000, l.Callers())
	c.Advance(time.Minute)
	l.Allow("ip:10.0.1.1")
	require.Equal(t, 1, l.Callers(), "the buckets unused for a minute went")
}

func TestCallersAreBounded(t *testing.T) {
	c := newClock()
	l := limits.NewLimiter(limits.Rate{PerSecond: 1, Burst: 1, MaxCallers: 100, Now: c.Now})
	for i := range 10_000 {
		l.Allow("ip:10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256))
		require.LessOrEqual(t, l.Callers(), 100)
	}
	ok, _ := l.Allow("ip:10.0.0.0")
	require.True(t, ok, "the least recently used bucket was forgotten: a full one again")
}

// A throttled caller cannot get a full bucket back by waiting out IdleAfter: a bucket is kept
// at least as long as it takes to refill.
func TestABucketIsKeptUntilItWouldBeFull(t *testing.T) {
	c := newClock()
	l := limits.NewLimiter(limits.Rate{PerSecond: 1.0 / 3600, Burst: 1, IdleAfter: time.Minute, Now: c.Now})
	ok, _ := l.Allow("principal:eve")
	require.True(t, ok)
	c.Advance(30 * time.Minute)
	ok, wait := l.Allow("principal:eve")
	require.False(t, ok, "half an hour into an hour's refill")
	require.Equal(t, 30*time.Minute, wait)
}

func TestRateOffAdmitsEverything(t *testing.T) {
	l := limits.NewLimiter(limits.Rate{})
	for range 1000 {
		ok, _ := l.Allow("principal:frank")
		require.True(t, ok)
	}
	require.Zero(t, l.Callers(), "no buckets are kept when there is no limit")
}
