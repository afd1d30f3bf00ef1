package server

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/grpc"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/platform/dial"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Worker is a started journey worker. Close stops polling and releases every connection.
type Worker struct {
	worker  worker.Worker
	metrics *metricsServer
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
	if cfg.MetricsListen != "" {
		if w.metrics, err = serveMetrics(ctx, cfg.MetricsListen, cfg.Security); err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
		w.onClose(w.metrics.close)
	}
	// Tracing, SDK logs and SDK metrics on the global providers (journey.ClientOptions), TLS and
	// the API key as cfg.Temporal says. No otelgrpc on this connection: every long poll would be a
	// span of its own; the tracing interceptor records the workflow and activity spans that matter.
	opts, err := cfg.Temporal.ClientOptions(journey.Telemetry{})
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("dial temporal %s: %w", cfg.Temporal.Address, err)
	}
	w.onClose(func() error { c.Close(); return nil })
	if cfg.RegisterSearchAttributes {
		if err := journey.RegisterSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
			return nil, err
		}
	}
	acts, err := w.activities(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// Traced by its client's interceptor (journey.NewWorker): no worker interceptor of its own.
	w.worker = journey.NewWorker(c, acts, worker.Options{})
	if err := w.worker.Start(); err != nil {
		return nil, fmt.Errorf("start journey worker: %w", err)
	}
	return w, nil
}

func (w *Worker) activities(ctx context.Context, cfg Config) (*journey.Activities, error) {
	up, err := w.dialUpstreams(cfg)
	if err != nil {
		return nil, err
	}
	j, err := events.Open(ctx, cfg.EventStoreURL)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	w.onClose(j.Close)
	return &journey.Activities{Journal: j, Versions: journey.GovernanceVersions{Client: up.governance},
		Finance: up.finance, Dashboard: up.dashboard}, nil
}

// upstreams are the clients of the services the activities call.
type upstreams struct {
	governance governancev1.GovernanceServiceClient
	finance    financev1.FinanceIngestServiceClient
	dashboard  dashboardv1.DashboardIngestServiceClient
}

// dialUpstreams makes the clients of governance, finance and the dashboard: mutual TLS with the
// worker's certificate, each verified against -tls-ca, so each knows the caller as the worker
// service by its certificate; plaintext only with -insecure. gRPC connects on the first call.
func (w *Worker) dialUpstreams(cfg Config) (upstreams, error) {
	creds, err := cfg.Security.Dial(tlsconf.Client{})
	if err != nil {
		return upstreams{}, fmt.Errorf("worker: clients of governance, finance and the dashboard: %w", err)
	}
	// Each address may name several replicas (services/platform/dial): calls go round robin to
	// those whose health service says SERVING.
	dialUpstream := func(name, addr string) (*grpc.ClientConn, error) {
		conn, err := dial.NewClient(name+"-addr", addr, creds, grpc.WithStatsHandler(telemetry.GRPCClientHandler()))
		if err != nil {
			return nil, fmt.Errorf("%s client: %w", name, err)
		}
		w.onClose(conn.Close)
		return conn, nil
	}
	gov, err := dialUpstream("governance", cfg.GovernanceAddr)
	if err != nil {
		return upstreams{}, err
	}
	fin, err := dialUpstream("finance", cfg.FinanceAddr)
	if err != nil {
		return upstreams{}, err
	}
	dash, err := dialUpstream("dashboard", cfg.DashboardAddr)
	if err != nil {
		return upstreams{}, err
	}
	return upstreams{governance: governancev1.NewGovernanceServiceClient(gov), finance: financev1.NewFinanceIngestServiceClient(fin),
		dashboard: dashboardv1.NewDashboardIngestServiceClient(dash)}, nil
}

func (w *Worker) onClose(f func() error) { w.closers = append(w.closers, f) }

// MetricsAddr is the /metrics address, or "" when off.
func (w *Worker) MetricsAddr() string {
	if w.metrics == nil {
		return ""
	}
	return w.metrics.addr()
}

// Done delivers an error if the metrics server stops on its own (never, when it is off).
func (w *Worker) Done() <-chan error {
	if w.metrics == nil {
		return nil
	}
	return w.metrics.served
}

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
