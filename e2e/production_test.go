package e2e

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/e2e/prodshape"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

var (
	prodshapeOn       = flag.Bool("prodshape", false, "run TestProductionShapeSurvivesKills (the production shape as separate processes, killed under load)")
	prodshapeJourneys = flag.Int("prodshape.journeys", 100, "random journeys the production-shape test drives")
	prodshapeDuration = flag.Duration("prodshape.duration", 3*time.Minute, "how long the production-shape test's chaos loop kills processes (at least one round of every kind)")
	prodshapeOutage   = flag.Duration("prodshape.outage", 20*time.Second, "how long finance is unreachable to the workers")
	prodshapeSeed     = flag.Int64("prodshape.seed", 0, "seed of the production-shape test's journeys and kills (0: time-based)")
	prodshapeTemporal = flag.String("prodshape.temporal", "", "develop the harness against a Temporal already running (its CA in -prodshape.tls-dir) instead of the temporal binary")
	prodshapeTLSDir   = flag.String("prodshape.tls-dir", "", "with -prodshape.temporal: the directory of that Temporal's CA")
)

// prodshapeDrivers is how many callers drive journeys at once.
const prodshapeDrivers = 8

// TestProductionShapeSurvivesKills runs the production shape as separate processes on loopback
// (e2e/prodshape: PostgreSQL, Temporal on PostgreSQL, the event store, governance, and two of
// every other service, all over mutual TLS with people's tokens), drives random MSK and COPD
// journeys through both coordinators while a chaos loop SIGKILLs one process at a time and
// restarts it, and cuts the workers off from finance for a while; then every journey reached
// the state its script says, the ledger, the provider statements and the capitation feed hold
// the pinned prices of the completed interventions once each, and the dashboard's figures equal
// a dashboard rebuilt from the event store.
func TestProductionShapeSurvivesKills(t *testing.T) {
	requireFull(t)
	if !*prodshapeOn {
		// Until Temporal's transient answers around its restart reach callers as Unavailable
		// (deploy/README.md, "Figures of the production-shape run"), a run can fail on them.
		t.Skip("production shape: run with -prodshape (see e2e/README.md)")
	}
	seed := *prodshapeSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (replay with -prodshape.seed=%d)", seed, seed)
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e0d))
	started := time.Now()

	shape, dir := startShape(t)
	d := shapeAsDevstack(shape)
	docs := versionsInEffect(t, d)
	contracts := createContracts(t, d, time.Now(), docs)
	runs := make([]*journeyRun, *prodshapeJourneys)
	for i := range runs {
		doc := docs[[]string{"msk", "copd"}[r.IntN(2)]]
		runs[i] = &journeyRun{n: i, script: randomJourney(r, doc), completed: map[string]string{}}
	}
	t.Logf("shape up in %s (run directory %s)", time.Since(started).Round(time.Millisecond), dir)

	line := &coordinatorLine{c: eitherCoordinator(t, shape, d), changed: make(chan struct{})}
	var done progress
	driving := time.Now()
	ctx, stopChaos := context.WithCancel(t.Context())
	defer stopChaos()
	chaos := newChaos(shape, rand.New(rand.NewPCG(uint64(seed), 0xc4a05)))
	chaosDone := make(chan error, 1)
	go func() { chaosDone <- chaos.run(ctx, *prodshapeDuration, *prodshapeOutage) }()
	wait := driveWith(t.Context(), line, runs, &done, prodshapeDrivers)
	wait()
	drove := time.Since(driving)
	chaos.loadEnded()
	require.NoError(t, <-chaosDone, "chaos loop")

	retried := 0
	for _, run := range runs {
		retried += run.retries
	}
	chaos.report(t)
	t.Logf("%d journeys, %d transitions (and %d referrals) in %s: %.1f transitions/s; %d calls retried (Unavailable, DeadlineExceeded) with their request IDs",
		len(runs), done.calls.Load(), len(runs), drove.Round(time.Millisecond), float64(done.calls.Load())/drove.Seconds(), retried)
	for _, run := range runs {
		require.NoError(t, run.err, "journey %d (%s, %s)", run.n, run.script.pathway, run.id)
	}

	journeys := awaitDelivered(t, d, runs)
	want := expectCharges(t, d, runs, journeys)
	for _, f := range shape.Finance {
		replica := *d
		replica.addr.finance, replica.addr.financeHTTP = f.Addr(), f.HTTPAddr()
		for _, id := range contracts {
			requireLedger(t, &replica, id, want)
			requireStatements(t, &replica, id, want)
		}
	}
	requireFeed(t, readFeed(t, d), want)
	want.log(t, runs)

	requireDashboardsEqualRebuild(t, shape, d)
	t.Logf("total %s", time.Since(started).Round(time.Millisecond))
}

// startShape builds the binaries and starts the shape in a run directory under e2e/tmp (kept
// when the test fails, for its logs).
func startShape(t *testing.T) (*prodshape.Shape, string) {
	t.Helper()
	require.NoError(t, os.MkdirAll("tmp", 0o750))
	dir, err := os.MkdirTemp("tmp", "prodshape-") //nolint:usetesting // kept after a failure for its logs, unlike t.TempDir
	require.NoError(t, err)
	dir, err = filepath.Abs(dir)
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("production shape logs kept in %s/logs", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	var names []string
	for name := range prodshape.Commands {
		if name != "temporal" || *prodshapeTemporal == "" {
			names = append(names, name)
		}
	}
	bins, err := prodshape.Build(t.Context(), "..", filepath.Join(dir, "bin"), names...)
	require.NoError(t, err)
	opts := prodshape.Options{Bins: bins, Dir: dir, ExternalTemporal: *prodshapeTemporal, TLSDir: *prodshapeTLSDir}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	shape, err := prodshape.Start(ctx, opts)
	require.NoError(t, err, "start the production shape (logs in %s/logs)", dir)
	t.Cleanup(func() { _ = shape.Close() })
	return shape, dir
}

// shapeAsDevstack lets the reconciliation's helpers (written against one devstack) call the
// shape: the first replica of each service, the shape's CA and issuer.
func shapeAsDevstack(s *prodshape.Shape) *devstack {
	return &devstack{dataDir: filepath.Dir(s.TLSDir()), addr: ports{
		governance: s.Governance.Addr(), finance: s.Finance[0].Addr(), financeHTTP: s.Finance[0].HTTPAddr(),
		coordinator: s.Coordinators[0].Addr(), coordinatorHTTP: s.Coordinators[0].HTTPAddr(),
		dashboard: s.Dashboards[0].Addr(), dashboardHTTP: s.Dashboards[0].HTTPAddr(), oidc: s.Issuer().Addr(),
	}}
}

// eitherCoordinator is a coordinator client whose every call goes to one of the coordinators
// at random, under a 30-second deadline (a call cut off by a kill is retried by the caller).
func eitherCoordinator(t *testing.T, s *prodshape.Shape, d *devstack) coordinatorv1.CoordinatorServiceClient {
	t.Helper()
	var conns []*grpc.ClientConn
	for _, c := range s.Coordinators {
		conn, err := grpc.NewClient(c.Addr(), grpc.WithTransportCredentials(credentials.NewTLS(d.tlsConfig(t))),
			grpc.WithPerRPCCredentials(identity.StaticBearer(d.token(t, coordinatorPerson))))
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		conns = append(conns, conn)
	}
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	pick := func(ctx context.Context, method string, req, reply any, _ *grpc.ClientConn, _ grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		mu.Lock()
		conn := conns[r.IntN(len(conns))]
		mu.Unlock()
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return conn.Invoke(ctx, method, req, reply, opts...)
	}
	front, err := grpc.NewClient(s.Coordinators[0].Addr(), grpc.WithTransportCredentials(credentials.NewTLS(d.tlsConfig(t))),
		grpc.WithUnaryInterceptor(pick))
	require.NoError(t, err)
	t.Cleanup(func() { _ = front.Close() })
	return coordinatorv1.NewCoordinatorServiceClient(front)
}

// driveWith drives the journeys with n callers at once; the function it returns waits for them.
func driveWith(ctx context.Context, line *coordinatorLine, runs []*journeyRun, done *progress, n int) (wait func()) {
	work := make(chan *journeyRun)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for run := range work {
				if run.err = run.drive(ctx, line, done); run.err != nil {
					done.failed.Add(1)
				}
			}
		})
	}
	go func() {
		for _, run := range runs {
			work <- run
		}
		close(work)
	}()
	return wg.Wait
}

// requireDashboardsEqualRebuild starts a dashboard that rebuilds a fresh read model from the
// event store, and requires every replica's figures to equal its figures.
func requireDashboardsEqualRebuild(t *testing.T, s *prodshape.Shape, d *devstack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	began := time.Now()
	rebuilt, err := s.StartDashboard(ctx, "dashboard-rebuilt", "dashboard_rebuilt", true)
	require.NoError(t, err)
	require.NoError(t, rebuilt.WaitLog(ctx, "read model rebuilt from the event store"))
	t.Logf("dashboard rebuilt from the event store in %s", time.Since(began).Round(time.Millisecond))
	board := d.as(t, "board")
	figures := func(addr string) []proto.Message {
		q := dashboardv1.NewDashboardQueryServiceClient(d.dial(t, addr))
		var out []proto.Message
		for _, f := range []*dashboardv1.Filter{{}, {PathwayId: "msk"}, {PathwayId: "copd"}, {PcnOdsCode: coordinatorPCN}} {
			sys, err := q.GetSystemFigures(board, &dashboardv1.GetSystemFiguresRequest{Filter: f})
			require.NoError(t, err, "%s system figures %v", addr, f)
			pop, err := q.GetPopulationFigures(board, &dashboardv1.GetPopulationFiguresRequest{Filter: f})
			require.NoError(t, err, "%s population figures %v", addr, f)
			exp, err := q.ExportFigures(board, &dashboardv1.ExportFiguresRequest{Filter: f})
			require.NoError(t, err, "%s export %v", addr, f)
			out = append(out, sys, pop, exp)
		}
		return out
	}
	want := figures(rebuilt.Addr())
	sys := want[0].(*dashboardv1.GetSystemFiguresResponse)
	require.Positive(t, sys.GetReferralsReceived(), "the rebuilt read model has the run's referrals")
	for _, m := range want {
		roundDoubles(m.ProtoReflect())
	}
	for _, replica := range s.Dashboards {
		got := figures(replica.Addr())
		for i := range want {
			roundDoubles(got[i].ProtoReflect())
			require.True(t, proto.Equal(want[i], got[i]), "%s: figures %d differ from the rebuild's:\nrebuilt %v\nreplica %v",
				replica.Name(), i, want[i], got[i])
		}
	}
	t.Logf("dashboard figures of %d replicas equal the rebuild's: %d referrals, %d completed journeys",
		len(s.Dashboards), sys.GetReferralsReceived(), sys.GetCompletedJourneys())
}

// roundDoubles rounds every double of m (nested messages and lists included) to 12 significant
// digits: a mean summed in another order (PostgreSQL's replicas, the rebuild's SQLite) differs
// in its last bits, which is not a different figure.
func roundDoubles(m protoreflect.Message) {
	round := func(f float64) float64 {
		if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return f
		}
		scale := math.Pow(10, 11-math.Floor(math.Log10(math.Abs(f))))
		return math.Round(f*scale) / scale
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Kind() == protoreflect.MessageKind:
			for i := range v.List().Len() {
				roundDoubles(v.List().Get(i).Message())
			}
		case fd.IsList() && fd.Kind() == protoreflect.DoubleKind:
			for i := range v.List().Len() {
				v.List().Set(i, protoreflect.ValueOfFloat64(round(v.List().Get(i).Float())))
			}
		case fd.IsMap():
		case fd.Kind() == protoreflect.MessageKind:
			roundDoubles(v.Message())
		case fd.Kind() == protoreflect.DoubleKind:
			m.Set(fd, protoreflect.ValueOfFloat64(round(v.Float())))
		}
		return true
	})
}

// chaos kills one process at a time, at random, and restarts it; and cuts finance off.
type chaos struct {
	shape *prodshape.Shape
	r     *rand.Rand
	mu    sync.Mutex
	// recovered lists recovery times by kind ("finance-network": the outage's length).
	recovered map[string][]time.Duration
	ended     chan struct{}
	once      sync.Once
}

func newChaos(s *prodshape.Shape, r *rand.Rand) *chaos {
	return &chaos{shape: s, r: r, recovered: map[string][]time.Duration{}, ended: make(chan struct{})}
}

// financeNetwork is the kind of the network fault.
const financeNetwork = "finance-network"

// loadEnded tells the loop the journeys are driven: it stops once every kind had its turn.
func (c *chaos) loadEnded() { c.once.Do(func() { close(c.ended) }) }

// run kills victims until within passed or the load ended, but always every kind at least once.
func (c *chaos) run(ctx context.Context, within, outage time.Duration) error {
	deadline := time.Now().Add(within)
	byKind := map[string][]prodshape.Victim{}
	for _, v := range c.shape.Victims() {
		byKind[v.Kind()] = append(byKind[v.Kind()], v)
	}
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	kinds = append(kinds, financeNetwork)
	sort.Strings(kinds)
	for round := 0; ; round++ {
		c.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
		for _, kind := range kinds {
			if round > 0 && (time.Now().After(deadline) || c.isEnded()) {
				return nil
			}
			if err := c.pause(ctx, 1+c.r.IntN(3)); err != nil {
				return nil //nolint:nilerr // the test ended
			}
			if kind == financeNetwork {
				c.cutFinance(ctx, outage)
				continue
			}
			group := byKind[kind]
			if err := c.kill(ctx, group[c.r.IntN(len(group))]); err != nil {
				return err
			}
		}
	}
}

func (c *chaos) isEnded() bool {
	select {
	case <-c.ended:
		return true
	default:
		return false
	}
}

func (c *chaos) pause(ctx context.Context, seconds int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration(seconds) * time.Second):
		return nil
	}
}

// kill SIGKILLs v, leaves it down a second or two, restarts it and notes its recovery time.
func (c *chaos) kill(ctx context.Context, v prodshape.Victim) error {
	if err := v.Kill(); err != nil {
		return err
	}
	_ = c.pause(ctx, 1+c.r.IntN(2))
	took, err := v.Restart(ctx)
	if err != nil {
		return fmt.Errorf("restart %s: %w", v.Name(), err)
	}
	c.mu.Lock()
	c.recovered[v.Kind()] = append(c.recovered[v.Kind()], took)
	c.mu.Unlock()
	return nil
}

// cutFinance makes finance unreachable to the workers for outage, then reachable again.
func (c *chaos) cutFinance(ctx context.Context, outage time.Duration) {
	for _, p := range c.shape.FinanceProxies {
		p.Cut()
	}
	select {
	case <-ctx.Done():
	case <-time.After(outage):
	}
	for _, p := range c.shape.FinanceProxies {
		p.Restore()
	}
	c.mu.Lock()
	c.recovered[financeNetwork] = append(c.recovered[financeNetwork], outage)
	c.mu.Unlock()
}

// report logs every kill's recovery time by kind.
func (c *chaos) report(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	kinds := slices.Sorted(func(yield func(string) bool) {
		for k := range c.recovered {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range kinds {
		ds := slices.Clone(c.recovered[k])
		slices.Sort(ds)
		var parts []string
		for _, d := range ds {
			parts = append(parts, d.Round(10*time.Millisecond).String())
		}
		what := "SIGKILL, restart until health and a probe answer"
		if k == financeNetwork {
			what = "finance unreachable to the workers"
		}
		t.Logf("  %-16s %d× (%s): %s", k, len(ds), what, strings.Join(parts, " "))
	}
}
