// Command financebench measures the finance service: the durable ingest rate of costed activity
// through the real gRPC API (each call acknowledged only after its ledger commit is on disk), the
// feed replay rate from the start of the year, and, in the same run, a baseline of raw SQLite
// inserts with the same durability (WAL, synchronous=FULL) and one transaction per event.
//
//	go run ./cmd/financebench -people 300000 -activities 300000
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"
	_ "modernc.org/sqlite"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

type options struct {
	people, activities, baseline, clients int
	dir, cpuProfile                       string
}

func main() { serve.Main("financebench", run) }

func run(ctx context.Context, args []string) error {
	o := options{people: 300_000, activities: 300_000, baseline: 5_000, clients: 64}
	fs := config.New("financebench", func(string) string { return "" }, os.Stdout) // flags only: a run is named by its command line
	fs.Summary("financebench measures durable ingest and feed replay through the finance gRPC API against raw SQLite inserts.")
	fs.Int(&o.people, "people", "", "population covered (journeys are a tenth of it)")
	fs.Int(&o.activities, "activities", "", "costed activity events in the year")
	fs.Int(&o.baseline, "baseline", "", "raw SQLite inserts for the baseline (one transaction each)")
	fs.Int(&o.clients, "clients", "", "concurrent ingest callers")
	fs.String(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the service run to this file")
	fs.String(&o.dir, "dir", "", "directory for the databases (default: a new temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.Check(); err != nil {
		return err
	}
	if o.people < 10 || o.activities < 1 || o.baseline < 1 || o.clients < 1 {
		return errors.New("people must be >= 10 and activities, baseline and clients >= 1")
	}
	if o.dir == "" {
		dir, err := os.MkdirTemp("", "financebench-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		o.dir = dir
	}
	base, err := baseline(ctx, filepath.Join(o.dir, "baseline.db"), o.baseline)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	fmt.Printf("baseline  raw SQLite, 1 tx/event, WAL+synchronous=FULL: %7d events in %8s = %9.0f events/s\n", o.baseline, base.Round(time.Millisecond), rate(o.baseline, base))
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return service(ctx, o)
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// baseline inserts n charge rows, each in its own durable transaction, with an applied-ID row.
func baseline(ctx context.Context, path string, n int) (time.Duration, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE applied (event_id TEXT PRIMARY KEY, hash BLOB) WITHOUT ROWID;
		CREATE TABLE charges (event_id TEXT PRIMARY KEY, provider TEXT, month TEXT, price INTEGER) WITHOUT ROWID`); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		id := events.EventID("baseline", fmt.Sprint(i)).String()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		_, err1 := tx.ExecContext(ctx, "INSERT INTO applied VALUES (?, ?)", id, []byte(id))
		_, err2 := tx.ExecContext(ctx, "INSERT INTO charges VALUES (?, 'RTG', '2026-10', ?)", id, 2800+i%100)
		if err := errors.Join(err1, err2); err != nil {
			_ = tx.Rollback()
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func service(ctx context.Context, o options) error {
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.EventStoreURL, cfg.Ledger = "127.0.0.1:0", "", filepath.Join(o.dir, "finance.db")
	cfg.Now = func() time.Time { return time.Date(2027, 3, 31, 12, 0, 0, 0, time.UTC) }
	// Plaintext on loopback with the interim caller metadata, and no per-caller rate limit (the
	// anonymous ingest callers share one address): the benchmark measures the ledger.
	cfg.Security = secure.Insecure()
	cfg.Security.Limits.Rate.PerSecond = 0
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	ctx = metadata.AppendToOutgoingContext(ctx, "x-actor", "financebench", "x-roles", "finance-admin")
	if _, err := financev1.NewFinanceServiceClient(conn).CreateContract(ctx, &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: 2026, AnnualBudgetPence: 12_000_000_000, Population: int64(o.people), WithholdBp: 125,
		Thresholds: []*financev1.BudgetThreshold{{RateBp: 7500, Basis: financev1.ThresholdBasis_THRESHOLD_BASIS_ANNUAL_BUDGET}},
		UnitPrices: prices,
	}}); err != nil {
		return err
	}
	acts := year(o)
	took, err := ingest(ctx, financev1.NewFinanceIngestServiceClient(conn), acts, o.clients)
	if err != nil {
		return err
	}
	fmt.Printf("ingest    gRPC RecordActivity, %d clients, durable acks:  %7d events in %8s = %9.0f events/s\n", o.clients, len(acts), took.Round(time.Millisecond), rate(len(acts), took))
	n, took, err := replay(ctx, financev1.NewFinanceFeedServiceClient(conn), len(acts))
	if err != nil {
		return err
	}
	fmt.Printf("replay    FinanceFeedService.Follow from cursor 0:          %7d events in %8s = %9.0f events/s\n", n, took.Round(time.Millisecond), rate(n, took))
	return nil
}

// prices are the benchmark contract's agreed unit prices, by intervention code.
var prices = []*financev1.InterventionPrice{
	{InterventionCode: "spa-triage", UnitPricePence: 2_400}, {InterventionCode: "physio-f2f", UnitPricePence: 4_500},
	{InterventionCode: "physio-tel", UnitPricePence: 2_800}, {InterventionCode: "cats", UnitPricePence: 18_000},
	{InterventionCode: "msk-mri", UnitPricePence: 21_000}, {InterventionCode: "pain-clinic", UnitPricePence: 31_000},
	{InterventionCode: "ortho-opinion", UnitPricePence: 16_500},
}

// year makes the costed activities of one contract year for the population, each stating the
// agreed price of its intervention (as the journey worker states its pathway version's price).
func year(o options) []*financev1.RecordActivityRequest {
	rng := rand.New(rand.NewPCG(2026, 4)) //nolint:gosec // synthetic benchmark data, seeded for a repeatable year; not security-sensitive
	providers := []string{"RTG", "RX1", "Y02945", "VSCO1", "RTGFCP"}
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*financev1.RecordActivityRequest, o.activities)
	for i := range out {
		journey := fmt.Sprintf("ref-%07d", rng.IntN(o.people/10))
		price := prices[rng.IntN(len(prices))]
		out[i] = &financev1.RecordActivityRequest{
			EventId: events.EventID("bench", fmt.Sprint(i)).String(), JourneyId: journey,
			Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, InterventionId: fmt.Sprint(i),
			InterventionCode: price.GetInterventionCode(), Provider: providers[rng.IntN(len(providers))],
			UnitPricePence: price.GetUnitPricePence(), OccurredAt: timestamppb.New(start.Add(time.Duration(rng.Int64N(int64(364 * 24 * time.Hour))))),
			PcnOdsCode: "U12345", Segment: journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY,
		}
	}
	return out
}

func ingest(ctx context.Context, c financev1.FinanceIngestServiceClient, acts []*financev1.RecordActivityRequest, clients int) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(acts)); i = next.Add(1) - 1 {
				if _, err := c.RecordActivity(ctx, acts[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return time.Since(start), <-errs
}

// replay follows the feed from the start until it has every costed activity's payable event.
func replay(ctx context.Context, c financev1.FinanceFeedServiceClient, activities int) (int, time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	stream, err := c.Follow(ctx, &financev1.FollowRequest{})
	if err != nil {
		return 0, 0, err
	}
	n, payables := 0, 0
	for payables < activities {
		e, err := stream.Recv()
		if err != nil {
			return n, 0, err
		}
		n++
		if e.GetEvent().GetProviderPayable() != nil {
			payables++
		}
	}
	return n, time.Since(start), nil
}
