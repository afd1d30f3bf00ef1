package stack

import (
	"context"

	worker "github.com/nhs-pathways/pathways/services/worker/server"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// startWorker runs the journey worker (services/worker): it dials Temporal, the event store,
// governance, finance and the dashboard by address, as the worker binary does, and registers the
// journey search attributes (those already on the namespace are kept).
func (s *Stack) startWorker(ctx context.Context) error {
	cfg := worker.DefaultConfig()
	cfg.Temporal.Address, cfg.Temporal.Namespace, cfg.EventStoreURL = s.TemporalAddr, s.cfg.Namespace, s.EventStoreURL
	cfg.Temporal.TLS, cfg.Security = s.temporalTLS("worker"), s.Secure("worker")
	cfg.Temporal.PayloadKeysFile = s.cfg.PayloadKeysFile()
	cfg.GovernanceAddr, cfg.FinanceAddr, cfg.DashboardAddr = s.GovernanceAddr, s.FinanceAddr, s.DashboardAddr
	cfg.RegisterSearchAttributes = true
	w, err := worker.Start(ctx, cfg)
	if err != nil {
		return err
	}
	s.onStop("worker", w.Close)
	s.listens("worker", "journey workflow and activities", "task queue "+journey.TaskQueue)
	return nil
}
