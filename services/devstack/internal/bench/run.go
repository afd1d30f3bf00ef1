package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// env is the running devstack and the bench's clients of it.
type env struct {
	cfg Config
	out io.Writer
	tc  client.Client
	api coordinatorv1.CoordinatorServiceClient
	// eventStoreURL is the devstack's event store, read as the coordinator reads it.
	eventStoreURL string
	tag           string
}

// Run starts the devstack, measures every level and prints the table to out.
func Run(ctx context.Context, cfg Config, out io.Writer) (rep Report, err error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, fmt.Errorf("pathwaysbench config: %w", err)
	}
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "pathwaysbench-")
		if err != nil {
			return Report{}, fmt.Errorf("data dir: %w", err)
		}
		defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
		cfg.DataDir = dir
	}
	sc := stack.DefaultConfig()
	// The benchmark compares the journey's own overhead with a floor on one machine: it runs
	// the stack -insecure (plaintext, no tokens), as before issue #13.
	sc.DataDir, sc.UI, sc.Ports, sc.Insecure = cfg.DataDir, false, stack.Ports{}, true
	started := time.Now()
	s, err := stack.Start(ctx, sc)
	if err != nil {
		return Report{}, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	fmt.Fprintf(out, "devstack up in %s (data %s, temporal %s, coordinator %s)\n",
		time.Since(started).Round(time.Millisecond), cfg.DataDir, s.TemporalAddr, s.CoordinatorAddr)
	return runOn(ctx, cfg, s, out)
}

func runOn(ctx context.Context, cfg Config, s *stack.Stack, out io.Writer) (rep Report, err error) {
	if err := createContracts(ctx, s.FinanceAddr); err != nil {
		return Report{}, err
	}
	// The stack's workers encrypt payloads: this client (and the floor worker on it) uses the same
	// keys, so it reads their answers and the comparison stays like for like.
	opts := client.Options{HostPort: s.TemporalAddr, Namespace: s.Config().Namespace,
		Logger: tlog.NewStructuredLogger(slog.Default())}
	journey.WithPayloadKeys(&opts, s.PayloadKeys())
	tc, err := client.Dial(opts)
	if err != nil {
		return Report{}, fmt.Errorf("temporal client: %w", err)
	}
	defer tc.Close()
	stopWorker, err := startFloorWorker(tc)
	if err != nil {
		return Report{}, err
	}
	defer stopWorker()
	conn, err := grpc.NewClient(s.CoordinatorAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return Report{}, fmt.Errorf("coordinator client: %w", err)
	}
	defer func() { err = errors.Join(err, conn.Close()) }()
	e := env{cfg: cfg, out: out, tc: tc, api: coordinatorv1.NewCoordinatorServiceClient(conn),
		eventStoreURL: s.EventStoreURL, tag: time.Now().UTC().Format("20060102T150405")}
	if cfg.HistorySample > 0 {
		if rep.OursHistory, rep.FloorHistory, err = e.countHistories(ctx); err != nil {
			return rep, err
		}
		rep.WriteHistory(out)
	}
	for _, n := range cfg.Levels {
		l, err := e.level(ctx, n)
		if err != nil {
			return rep, err
		}
		rep.Levels = append(rep.Levels, l)
	}
	return rep, rep.WriteTable(out)
}

// level measures both sides at concurrency n: set up, warm up both, then ours, floor, floor, ours.
func (e env) level(ctx context.Context, n int) (Level, error) {
	l := Level{Concurrency: n}
	cs, err := newCoordinators(ctx, e.api, fmt.Sprintf("%s-C%d", e.tag, n), n)
	if err != nil {
		return l, err
	}
	ours := make([]actor, n)
	for i, c := range cs {
		ours[i] = c
	}
	floors := make([]*floorClient, n)
	floor := make([]actor, n)
	for i := range n {
		if floors[i], err = startFloorClient(ctx, e.tc, fmt.Sprintf("pathwaysbench-floor-%s-c%d-%03d", e.tag, n, i)); err != nil {
			return l, err
		}
		floor[i] = floors[i]
	}
	fmt.Fprintf(e.out, "concurrency %d: %d journeys triaged, %d floor workflows started; load average %s\n", n, n, n, loadAverage())
	if e.cfg.Warmup > 0 {
		runPhase(ctx, ours, e.cfg.Warmup)
		if _, err := drainPushes(ctx, cs); err != nil {
			return l, err
		}
		runPhase(ctx, floor, e.cfg.Warmup)
	}
	half := e.cfg.Duration / 2
	for i, side := range []struct {
		name   string
		actors []actor
		into   *Sample
	}{{"ours", ours, &l.Ours}, {"floor", floor, &l.Floor}, {"floor", floor, &l.Floor}, {"ours", ours, &l.Ours}} {
		s, err := profile(e.cfg.ProfileDir, fmt.Sprintf("c%d-%s-%d", n, side.name, i/2+1), func() Sample {
			return runPhase(ctx, side.actors, half)
		})
		if err != nil {
			return l, err
		}
		if side.name == "ours" {
			drained, err := drainPushes(ctx, cs)
			if err != nil {
				return l, err
			}
			l.Drain += drained
		}
		*side.into = side.into.merge(s)
	}
	var errs []error
	for _, f := range floors {
		errs = append(errs, f.stop(ctx))
	}
	fmt.Fprintf(e.out, "concurrency %d: ours %.1f tx/s (%d errors; pushes drained %s after the halves), floor %.1f tx/s (%d errors), ratio %.2f; load average %s\n",
		n, l.Ours.PerSecond(), l.Ours.Errors, l.Drain.Round(time.Millisecond), l.Floor.PerSecond(), l.Floor.Errors, l.Ratio(), loadAverage())
	return l, errors.Join(errs...)
}

// loadAverage is the machine's 1/5/15-minute load average, to judge how quiet the run was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}
