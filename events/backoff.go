package events

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff bounds the wait between resubscription attempts: the n-th consecutive attempt waits a
// random duration in [d/2, d] where d = Initial*2^n capped at Max (jitter spreads the load of
// many subscribers reconnecting after a server restart). The count resets once a subscription
// delivers anything. Zero fields take the defaults: Initial 100ms, Max 5s.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 100 * time.Millisecond
	}
	if b.Max < b.Initial {
		b.Max = max(5*time.Second, b.Initial)
	}
	return b
}

// delay returns the wait before attempt n (0-based).
func (b Backoff) delay(n int) time.Duration {
	d := b.Initial
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	half := d / 2
	return half + rand.N(d-half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// wait sleeps for d or until ctx is done, returning ctx.Err() in the latter case.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
