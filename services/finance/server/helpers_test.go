package server_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
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
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
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

// client is a connection to a finance service with its three APIs, called the way its callers
// do: FinanceService and FinanceFeedService by people (the person a call is made as, through
// admin, reader or as, proves who they are with a token of the shared test issuer; under
// -insecure, with the interim x-actor and x-roles), FinanceIngestService by the journey worker
// with its certificate (under -insecure, anonymously, as today).
type client struct {
	conn    *grpc.ClientConn // people's connection: TLS without a client certificate
	ingest  financev1.FinanceIngestServiceClient
	finance financev1.FinanceServiceClient
	feed    financev1.FinanceFeedServiceClient
	// web is people's HTTP client (the CA trusted, no certificate) and metrics Prometheus's
	// (its certificate); base is the HTTP listener's URL.
	web, metrics *http.Client
	base         string
	interim      bool // -insecure: people name themselves with x-actor and x-roles
}

// services are the callers the tests' CA has certificates for, beside finance itself.
var services = []string{access.WorkerService, access.DashboardService, access.FinanceSystemService, access.PrometheusService}

// testConfig is a finance service on loopback as production runs it: TLS with a certificate of a
// CA made for the test (client certificates verified when given, not required: people connect
// without one), tokens of the shared test issuer, the access table enforced. The per-caller rate
// limit is off: the tests call faster than a person would (platform/limits tests the limit).
func testConfig(t *testing.T, url string) server.Config {
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen, cfg.EventStoreURL, cfg.Now = "127.0.0.1:0", "127.0.0.1:0", url, fixedNow
	cfg.Ledger = filepath.Join(t.TempDir(), "finance.db")
	ca := devcatest.New(t, append([]string{access.FinanceService}, services...)...)
	cfg.Security.TLS, cfg.Security.OIDC = ca.Settings(access.FinanceService), identitytest.Shared().Config()
	cfg.Security.Limits.Rate.PerSecond = 0
	return cfg
}

// caOf is the test CA of a service served with sec (devcatest keeps every certificate in the
// CA's directory).
func caOf(sec secure.Config) *devca.Bundle {
	return &devca.Bundle{Dir: filepath.Dir(sec.TLS.CAFile), CAFile: sec.TLS.CAFile}
}

func start(t *testing.T, cfg server.Config) (*server.Server, client) {
	t.Helper()
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c := dial(t, srv.Addr(), cfg.Security)
	if srv.HTTPAddr() != "" {
		c.base, c.web = "http://"+srv.HTTPAddr(), httpClient(t, tlsconf.Client{Insecure: true})
		if !cfg.Security.TLS.Insecure {
			c.base = "https://" + srv.HTTPAddr()
			ca := caOf(cfg.Security)
			c.web, c.metrics = httpClient(t, ca.Client("")), httpClient(t, ca.Client(access.PrometheusService))
		}
	}
	return srv, c
}

// dial connects to a finance service served with sec: over TLS trusting its CA (people without
// a certificate, ingest with the worker's), or in plaintext under -insecure.
func dial(t *testing.T, addr string, sec secure.Config) client {
	t.Helper()
	people, worker := tlsconf.Client{Insecure: true}, tlsconf.Client{Insecure: true}
	if !sec.TLS.Insecure {
		people, worker = caOf(sec).Client(""), caOf(sec).Client(access.WorkerService)
	}
	cred := &personCredentials{t: t, interim: sec.TLS.Insecure}
	conn := connect(t, addr, people, grpc.WithChainUnaryInterceptor(cred.unary), grpc.WithChainStreamInterceptor(cred.stream))
	ingest := connect(t, addr, worker)
	return client{conn: conn, interim: sec.TLS.Insecure, ingest: financev1.NewFinanceIngestServiceClient(ingest),
		finance: financev1.NewFinanceServiceClient(conn), feed: financev1.NewFinanceFeedServiceClient(conn)}
}

func connect(t *testing.T, addr string, tc tlsconf.Client, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	creds, err := tc.DialOption()
	require.NoError(t, err)
	conn, err := grpc.NewClient(addr, append(opts, creds)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func httpClient(t *testing.T, tc tlsconf.Client) *http.Client {
	t.Helper()
	tr, err := tc.Transport()
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

type personKey struct{}

// as returns ctx for calls made as p.
func as(ctx context.Context, p identitytest.Person) context.Context {
	return context.WithValue(ctx, personKey{}, p)
}

// admin is fiona, a finance-admin.
func admin(ctx context.Context) context.Context {
	return as(ctx, identitytest.Person{Subject: "fiona", Name: "fiona", Roles: []string{access.FinanceAdmin}})
}

// reader is rita, a finance-reader.
func reader(ctx context.Context) context.Context {
	return as(ctx, identitytest.Person{Subject: "rita", Name: "rita", Roles: []string{access.FinanceReader}})
}

// personCredentials sends the person a call is made as (as) the way the server knows people: a
// bearer token of the shared test issuer (one per subject, kept), or under -insecure the interim
// x-actor and x-roles metadata. A call made as nobody carries neither.
type personCredentials struct {
	t       *testing.T
	interim bool
	tokens  sync.Map // subject -> token
}

func (c *personCredentials) attach(ctx context.Context) context.Context {
	p, ok := ctx.Value(personKey{}).(identitytest.Person)
	switch {
	case !ok:
		return ctx
	case c.interim:
		return metadata.AppendToOutgoingContext(ctx, "x-actor", p.Name, "x-roles", strings.Join(p.Roles, ","))
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.token(p))
}

func (c *personCredentials) token(p identitytest.Person) string {
	if tok, ok := c.tokens.Load(p.Subject); ok {
		return tok.(string)
	}
	tok, _ := c.tokens.LoadOrStore(p.Subject, identitytest.Shared().Token(c.t, p))
	return tok.(string)
}

func (c *personCredentials) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoke grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoke(c.attach(ctx), method, req, reply, cc, opts...)
}

func (c *personCredentials) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, open grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return open(c.attach(ctx), desc, cc, method, opts...)
}

// get requests path on the service's HTTP listener as p (nobody when nil: a token for p, or
// under -insecure the X-Actor and X-Roles headers) and returns the status and the body.
func (c client) get(t *testing.T, path string, p *identitytest.Person) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.base+path, http.NoBody)
	require.NoError(t, err)
	switch {
	case p == nil:
	case c.interim:
		req.Header.Set("X-Actor", p.Name)
		req.Header.Set("X-Roles", strings.Join(p.Roles, ","))
	default:
		req.Header.Set("Authorization", "Bearer "+identitytest.Shared().Token(t, *p))
	}
	return do(t, c.web, req)
}

// scrape reads /metrics as Prometheus does, with its certificate.
func (c client) scrape(t *testing.T) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.base+metrics.Path, http.NoBody)
	require.NoError(t, err)
	code, body := do(t, c.metrics, req)
	require.Equal(t, http.StatusOK, code, body)
	return body
}

func do(t *testing.T, hc *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
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
