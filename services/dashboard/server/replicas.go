package server

import "context"

// watchReplicas keeps this replica's cached figures in step with the read model when other
// replicas share it (PostgreSQL): every change committed by any replica empties the cache, so the
// next figures are computed afresh. On SQLite this process is the only writer and its own
// ingests already empty the cache.
func (s *Server) watchReplicas(ctx context.Context) {
	ctx, s.stopWatch = context.WithCancel(ctx)
	s.watching = make(chan struct{})
	go func() {
		defer close(s.watching)
		s.store.WatchChanges(ctx, s.app.ModelChanged)
	}()
}
