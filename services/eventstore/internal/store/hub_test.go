package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLiveFeedIsBoundedInBytes(t *testing.T) {
	h := newHub(0)
	f, ok, closed := h.join(0, 1000)
	require.True(t, ok)
	require.False(t, closed)
	for pos := uint64(1); pos <= 3; pos++ {
		h.publish([]*Event{{Position: pos, Data: make([]byte, 5<<20)}})
	}
	require.False(t, h.isLagged(f), "15 MiB fits")
	h.publish([]*Event{{Position: 4, Data: make([]byte, 5<<20)}})
	require.True(t, h.isLagged(f), "20 MiB does not: the subscriber falls back to disk")
	n := 0
	for range f.ch {
		n++
	}
	require.Equal(t, 3, n)
}

func TestLiveFeedJoinsOnlyWhenCaughtUp(t *testing.T) {
	h := newHub(0)
	h.publish([]*Event{{Position: 1}})
	_, ok, _ := h.join(0, 1)
	require.False(t, ok, "position 1 was committed after what the subscriber read")
	f, ok, _ := h.join(1, 1)
	require.True(t, ok)
	h.close()
	_, open := <-f.ch
	require.False(t, open)
	require.False(t, h.isLagged(f), "closed, not lagging")
	_, _, closed := h.join(1, 1)
	require.True(t, closed)
}
