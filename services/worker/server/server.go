package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Worker is a started journey worker. Close stops polling and releases every connection.
type Worker struct {
	worker  worker.Worker
	closers []func() error
}

// Start dials every dependency and starts polling the journeys task queue. On error, whatever was
// opened is closed again.
func Start(ctx context.Context, cfg Config) (w *Worker, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w = &Worker{}
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Close())
		}
	}()
	ins, err := journey.Interceptors()
	if err != nil {
		return nil, err
	}
	c, err := client.Dial(client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.Namespace,
		Interceptors: asClient(ins), Logger: tlog.NewStructuredLogger(slog.Default())})
	if err != nil {
		return nil, fmt.Errorf("dial temporal %s: %w", cfg.TemporalAddress, err)
	}
	w.onClose(func() error { c.Close(); return nil })
	if cfg.RegisterSearchAttributes {
		if err := journey.RegisterSearchAttributes(ctx, c, cfg.Namespace); err != nil {
			return nil, err
		}
	}
	acts, err := w.activities(ctx, cfg)
	if err != nil {
		return nil, err
	}
	w.worker = worker.New(c, journey.TaskQueue, worker.Options{Interceptors: asWorker(ins)})
	w.worker.RegisterWorkflowWithOptions(journey.Journey, workflow.RegisterOptions{Name: journey.WorkflowName})
	w.worker.RegisterActivity(acts)
	if err := w.worker.Start(); err != nil {
		return nil, fmt.Errorf("start journey worker: %w", err)
	}
	return w, nil
}

func (w *Worker) activities(ctx context.Context, cfg Config) (*journey.Activities, error) {
	j, err := events.Open(ctx, cfg.EventStoreURL)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	w.onClose(j.Close)
	dial := func(name, addr string) (*grpc.ClientConn, error) {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithStatsHandler(otelgrpc.NewClientHandler()))
		if err != nil {
			return nil, fmt.Errorf("%s client %s: %w", name, addr, err)
		}
		w.onClose(conn.Close)
		return conn, nil
	}
	gov, err := dial("governance", cfg.GovernanceAddr)
	if err != nil {
		return nil, err
	}
	fin, err := dial("finance", cfg.FinanceAddr)
	if err != nil {
		return nil, err
	}
	dash, err := dial("dashboard", cfg.DashboardAddr)
	if err != nil {
		return nil, err
	}
	return &journey.Activities{
		Journal:   j,
		Versions:  journey.GovernanceVersions{Client: governancev1.NewGovernanceServiceClient(gov), Actor: cfg.Actor},
		Finance:   financev1.NewFinanceIngestServiceClient(fin),
		Dashboard: dashboardv1.NewDashboardIngestServiceClient(dash),
	}, nil
}

func (w *Worker) onClose(f func() error) { w.closers = append(w.closers, f) }

// Close stops the worker (waiting for running activities) and closes every connection, newest
// first.
func (w *Worker) Close() error {
	if w.worker != nil {
		w.worker.Stop()
		w.worker = nil
	}
	var errs []error
	for i := len(w.closers) - 1; i >= 0; i-- {
		errs = append(errs, w.closers[i]())
	}
	w.closers = nil
	return errors.Join(errs...)
}

func asClient(in []interceptor.Interceptor) []interceptor.ClientInterceptor {
	out := make([]interceptor.ClientInterceptor, len(in))
	for i, x := range in {
		out[i] = x
	}
	return out
}

func asWorker(in []interceptor.Interceptor) []interceptor.WorkerInterceptor {
	out := make([]interceptor.WorkerInterceptor, len(in))
	for i, x := range in {
		out[i] = x
	}
	return out
}
