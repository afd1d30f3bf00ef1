// Command dashbench measures the dashboard with a year of synthetic data for a population:
// bulk ingest rate, single-fact gRPC ingest rate, query latency (gRPC), page load latency (HTTP)
// and, as a baseline in the same run, a raw SQL aggregate over the same rows.
//
//	go run ./cmd/dashbench --population 300000 --iterations 200
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
	_ "time/tzdata" // Europe/London months without a system zoneinfo

	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/demo"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

func main() {
	serve.Main("dashbench", func(ctx context.Context, args []string) error { return run(ctx, args, os.Stdout) })
}

type options struct {
	population, iterations, single int
	dir                            string
	out                            io.Writer // where results are printed, passed from main
}

var (
	start = time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)
	now   = time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
)

func run(ctx context.Context, args []string, out io.Writer) error {
	o := options{out: out, population: 300000, iterations: 200, single: 2000}
	fs := config.New("dashbench", func(string) string { return "" }, out) // flags only: a run is named by its command line
	fs.Summary("dashbench measures the dashboard's ingest, query and page latency against a raw SQL aggregate.")
	fs.Int(&o.population, "population", "", "people served")
	fs.Int(&o.iterations, "iterations", "", "timed calls per measurement")
	fs.Int(&o.single, "single", "", "facts sent one by one over gRPC for the single-fact ingest rate")
	fs.String(&o.dir, "dir", "", "working directory (default: a temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.Check(); err != nil {
		return err
	}
	if o.dir == "" {
		dir, err := os.MkdirTemp("", "dashbench-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		o.dir = dir
	}
	db := filepath.Join(o.dir, "dashboard.db")
	if err := bulkLoad(ctx, out, db, o.population); err != nil {
		return err
	}
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen, cfg.DBPath, cfg.Now = "127.0.0.1:0", "127.0.0.1:0", db, func() time.Time { return now }
	cfg.Security = secure.Insecure() // on loopback, timing the read model, not TLS or token checks
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	return measure(ctx, srv, db, o)
}

func bulkLoad(ctx context.Context, out io.Writer, db string, population int) error {
	t0 := time.Now()
	reqs := demo.Generate(demo.Options{Population: population, Start: start, Now: now, Seed: 1})
	gen := time.Since(t0)
	store, err := adapters.OpenStore(ctx, db)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	a := app.New(store, nil, domain.NewCatalog(pathway.Builtin()), func() time.Time { return now }, disclosure.Default())
	t0 = time.Now()
	const batch = 1000
	for i := 0; i < len(reqs); i += batch {
		facts := make([]domain.Fact, 0, batch)
		for _, r := range reqs[i:min(i+batch, len(reqs))] {
			facts = append(facts, ports.FactFromRequest(r))
		}
		if err := a.IngestBatch(ctx, facts); err != nil {
			return err
		}
	}
	took := time.Since(t0)
	fmt.Fprintf(out, "population %d: %d facts generated in %s\n", population, len(reqs), gen.Round(time.Millisecond))
	fmt.Fprintf(out, "bulk ingest (batches of %d, one transaction each): %s, %.0f facts/s\n", batch, took.Round(time.Millisecond), float64(len(reqs))/took.Seconds())
	return nil
}

type timer struct{ samples []time.Duration }

func (t *timer) time(f func() error) error {
	t0 := time.Now()
	err := f()
	t.samples = append(t.samples, time.Since(t0))
	return err
}

func (t *timer) report(out io.Writer, name string) {
	slices.Sort(t.samples)
	p := func(q float64) time.Duration { return t.samples[int(q*float64(len(t.samples)-1))] }
	fmt.Fprintf(out, "%-44s p50 %9s  p99 %9s  (n=%d)\n", name, p(0.5).Round(10*time.Microsecond), p(0.99).Round(10*time.Microsecond), len(t.samples))
}
