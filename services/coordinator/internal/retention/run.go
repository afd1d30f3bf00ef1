package retention

import (
	"context"
	"time"
)

// Run sweeps at once and then every Config.Interval until ctx is done; with no interval it
// returns at once. Each sweep may take at most one interval. Failures are logged and counted, and
// the next sweep tries again.
func (s *Sweeper) Run(ctx context.Context) {
	if s.cfg.Interval <= 0 {
		return
	}
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		s.sweepLogged(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Sweeper) sweepLogged(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, s.cfg.Interval)
	defer cancel()
	res, err := s.Sweep(sctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.cfg.Log.ErrorContext(ctx, "records retention sweep failed", "error", err, "deleted", res.Deleted)
	case res.Expired > 0:
		s.cfg.Log.InfoContext(ctx, "records retention sweep done", "expired", res.Expired, "deleted", res.Deleted,
			"already_gone", res.Gone, "kept", res.Kept, "retention", s.cfg.Retention.String())
	}
}

// Start runs Run on its own goroutine and returns a function that stops it and waits for it.
func (s *Sweeper) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
