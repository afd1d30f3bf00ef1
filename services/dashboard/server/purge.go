package server

import (
	"context"
	"log/slog"
	"time"
)

// Purge deletes from the read model every journey that closed (discharged or cancelled), with
// everything recorded for it, before Config.Now minus Config.RecordsRetention, and returns how
// many journeys went. Figures of months starting after that cutoff are unchanged.
func (s *Server) Purge(ctx context.Context) (int, error) {
	now := time.Now
	if s.cfg.Now != nil {
		now = s.cfg.Now
	}
	return s.app.Purge(ctx, s.cfg.RecordsRetention.Cutoff(now()))
}

// purgeEvery purges at start and then every Config.PurgeInterval until Close (0: never).
func (s *Server) purgeEvery(ctx context.Context) {
	if s.cfg.PurgeInterval <= 0 {
		return
	}
	ctx, s.stopPurge = context.WithCancel(ctx)
	s.purging = make(chan struct{})
	go func() {
		defer close(s.purging)
		t := time.NewTicker(s.cfg.PurgeInterval)
		defer t.Stop()
		for {
			n, err := s.Purge(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				slog.ErrorContext(ctx, "read model purge failed", "error", err, "purged_journeys", n)
			case n > 0:
				slog.InfoContext(ctx, "read model purged of journeys past records retention", "purged_journeys", n,
					"retention", s.cfg.RecordsRetention.String())
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
