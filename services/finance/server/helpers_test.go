package server_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/finance/server"
)

// now is the tests' clock: 22 November 2026, period 8 (November) of contract year 2026.
var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

func startStore(t *testing.T) string {
	t.Helper()
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	return es.URL()
}

// client is a connection to a finance service with its three APIs.
type client struct {
	ingest  financev1.FinanceIngestServiceClient
	finance financev1.FinanceServiceClient
	feed    financev1.FinanceFeedServiceClient
}

func dial(t *testing.T, addr string) client {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return client{financev1.NewFinanceIngestServiceClient(conn), financev1.NewFinanceServiceClient(conn), financev1.NewFinanceFeedServiceClient(conn)}
}

func testConfig(t *testing.T, url string) server.Config {
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen, cfg.EventStoreURL, cfg.Now = "127.0.0.1:0", "127.0.0.1:0", url, fixedNow
	cfg.LedgerPath = filepath.Join(t.TempDir(), "finance.db")
	return cfg
}

func start(t *testing.T, cfg server.Config) (*server.Server, client) {
	t.Helper()
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, dial(t, srv.Addr())
}

func admin(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "x-actor", "fiona", "x-roles", "finance-admin")
}

func reader(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "x-actor", "rita", "x-roles", "finance-reader")
}

// mskPrices are the MSK contract's agreed unit prices ("marker" is the 1p activity the bad-input
// test charges to find the feed's end).
var mskPrices = map[string]int64{"physio-f2f": 2_800, "physio-tel": 1_900, "cats": 12_345, "msk-mri": 20_000,
	"pain-clinic": 31_000, "marker": 1}

// unitPrices is prices as contract terms list them, in code order.
func unitPrices(prices map[string]int64) []*financev1.InterventionPrice {
	out := make([]*financev1.InterventionPrice, 0, len(prices))
	for _, code := range slices.Sorted(maps.Keys(prices)) {
		out = append(out, &financev1.InterventionPrice{InterventionCode: code, UnitPricePence: prices[code]})
	}
	return out
}

// mskTerms is a £12m MSK contract for 2026 with a 1.25% withhold, 75/90/100% alerts and the unit
// prices of mskPrices.
func mskTerms() *financev1.ContractTerms {
	return &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: 2026, AnnualBudgetPence: 1_200_000_000, Population: 300_000, Currency: "GBP",
		WithholdBp: 125,
		Thresholds: []*financev1.BudgetThreshold{
			{RateBp: 7500, Basis: financev1.ThresholdBasis_THRESHOLD_BASIS_ALLOCATION_TO_DATE},
			{RateBp: 9000, Basis: financev1.ThresholdBasis_THRESHOLD_BASIS_ALLOCATION_TO_DATE},
			{RateBp: 10000, Basis: financev1.ThresholdBasis_THRESHOLD_BASIS_ANNUAL_BUDGET},
		},
		OutcomeTargets: []*financev1.OutcomeTarget{{
			TargetId: "msk-hq-mic", MeasureCode: "msk-hq", Rule: financev1.OutcomeRule_OUTCOME_RULE_IMPROVEMENT,
			MinChange: 6, TargetShareBp: 6000, WeightBp: 10000,
		}},
		UnitPrices: unitPrices(mskPrices),
	}
}

func createContract(t *testing.T, c client, terms *financev1.ContractTerms) *financev1.Contract {
	t.Helper()
	resp, err := c.finance.CreateContract(admin(t.Context()), &financev1.CreateContractRequest{Terms: terms})
	require.NoError(t, err)
	return resp.GetContract()
}

// activity is a costed activity of a journey, as the journey worker pushes it, stating price.
func activity(journey string, seq int, provider, code string, price int64, at time.Time) *financev1.RecordActivityRequest {
	return &financev1.RecordActivityRequest{
		EventId: events.EventID("journey", journey, fmt.Sprint(seq)).String(), JourneyId: journey,
		Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, InterventionId: fmt.Sprintf("%s/iv-%d", journey, seq),
		InterventionCode: code, Provider: provider, UnitPricePence: price, OccurredAt: timestamppb.New(at),
		PcnOdsCode: "U12345", Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS,
	}
}

func requireCode(t *testing.T, err error, code codes.Code, contains ...string) {
	t.Helper()
	require.Error(t, err)
	st := status.Convert(err)
	require.Equal(t, code, st.Code(), st.Message())
	for _, c := range contains {
		require.Contains(t, st.Message(), c)
	}
}

// violations returns the field violations of an InvalidArgument error, field -> description.
func violations(t *testing.T, err error) map[string]string {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code(), st.Message())
	out := map[string]string{}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out[v.GetField()] = strings.TrimPrefix(out[v.GetField()]+"; "+v.GetDescription(), "; ")
			}
		}
	}
	require.NotEmpty(t, out, "InvalidArgument without field violations: %s", st.Message())
	return out
}

// feedLog collects feed events, checking order and uniqueness.
type feedLog struct {
	mu     sync.Mutex
	events []*financev1.FollowResponse
	ids    map[string]bool
}

func (f *feedLog) add(t *testing.T, e *financev1.FollowResponse) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ids == nil {
		f.ids = map[string]bool{}
	}
	require.False(t, f.ids[e.GetEventId()], "event %s delivered twice", e.GetEventId())
	if n := len(f.events); n > 0 {
		require.Equal(t, f.events[n-1].GetCursor()+1, e.GetCursor(), "cursor gap or reorder")
	}
	f.ids[e.GetEventId()] = true
	f.events = append(f.events, e)
}

func (f *feedLog) last() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.events) == 0 {
		return 0
	}
	return f.events[len(f.events)-1].GetCursor()
}

func (f *feedLog) costed() int {
	return f.count(func(e *financev1.CapitationEvent) bool { return e.GetActivityCosted() != nil })
}

func (f *feedLog) payable() int {
	return f.count(func(e *financev1.CapitationEvent) bool { return e.GetProviderPayable() != nil })
}

func (f *feedLog) count(is func(*financev1.CapitationEvent) bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, e := range f.events {
		if is(e.GetEvent()) {
			n++
		}
	}
	return n
}

// follow reads the feed from the cursor into log until ctx ends or stop says so.
func follow(ctx context.Context, t *testing.T, c client, log *feedLog, stop func() bool) error {
	stream, err := c.feed.Follow(reader(ctx), &financev1.FollowRequest{AfterCursor: log.last()})
	if err != nil {
		return err
	}
	for !stop() {
		e, err := stream.Recv()
		if err != nil {
			return err
		}
		log.add(t, e)
	}
	return nil
}

// totals sums money by key.
type totals map[string]int64

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, within, 20*time.Millisecond, msg)
}
