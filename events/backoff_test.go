package events

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffGrowsWithJitterAndIsBounded(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second}.withDefaults()
	tests := []struct {
		attempt int
		ceiling time.Duration
	}{
		{0, 100 * time.Millisecond},
		{1, 200 * time.Millisecond},
		{3, 800 * time.Millisecond},
		{4, time.Second},
		{60, time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			d := b.delay(tt.attempt)
			require.GreaterOrEqual(t, d, tt.ceiling/2, "attempt %d", tt.attempt)
			require.LessOrEqual(t, d, tt.ceiling, "attempt %d", tt.attempt)
		}
	}
}

func TestBackoffDefaults(t *testing.T) {
	require.Equal(t, Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second}, Backoff{}.withDefaults())
}
