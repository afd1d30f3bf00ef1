package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
	"github.com/nhs-pathways/pathways/workflows/journey"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
)

// governance answers GetVersionInEffect with version 3 of any pathway.
type governance struct {
	governancev1.UnimplementedGovernanceServiceServer
}

func (governance) GetVersionInEffect(context.Context, *governancev1.GetVersionInEffectRequest) (*governancev1.GetVersionInEffectResponse, error) {
	return &governancev1.GetVersionInEffectResponse{Version: &governancev1.PathwayVersion{Version: 3}, DocumentYaml: "id: msk"}, nil
}

// caller is who called an upstream: the service of its verified certificate and its x-actor.
type caller struct{ method, service, actor string }

// upstream serves governance, finance ingest and dashboard ingest as the services do: TLS with
// the "finance" certificate, client certificates verified against the CA, tokens verified and
// their access tables (platform/access) deciding each call. It records each caller.
type upstream struct {
	addr    string
	mu      sync.Mutex
	callers []caller
}

func startUpstream(t *testing.T, ca *devca.Bundle) *upstream {
	t.Helper()
	sec := secure.Default()
	sec.TLS = ca.Settings("finance")
	sec.OIDC = identitytest.Shared().Config()
	policy := identity.Policy{}
	for _, p := range []identity.Policy{access.GovernancePolicy, access.FinancePolicy, access.DashboardPolicy} {
		maps.Copy(policy, p)
	}
	id, err := sec.Interceptor(policy)
	require.NoError(t, err)
	opts, err := sec.ServerOptions(id)
	require.NoError(t, err)
	u := &upstream{}
	record := grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		svc, _ := tlsconf.PeerService(ctx)
		md, _ := metadata.FromIncomingContext(ctx)
		u.mu.Lock()
		u.callers = append(u.callers, caller{info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:], svc, strings.Join(md.Get("x-actor"), ",")})
		u.mu.Unlock()
		return next(ctx, req)
	})
	srv := grpc.NewServer(append(opts, record)...)
	serve.Register(srv) // the health service, as every pathways server has: the worker's clients watch it
	governancev1.RegisterGovernanceServiceServer(srv, governance{})
	financev1.RegisterFinanceIngestServiceServer(srv, &ingesttest.Finance{})
	dashboardv1.RegisterDashboardIngestServiceServer(srv, &ingesttest.Dashboard{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	u.addr = lis.Addr().String()
	return u
}

func (u *upstream) seen() []caller {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]caller(nil), u.callers...)
}

// dialUpstreamsOf returns the worker's clients of an upstream serving all three services.
func dialUpstreamsOf(t *testing.T, addr string, sec secure.Config) upstreams {
	t.Helper()
	cfg := DefaultConfig()
	cfg.GovernanceAddr, cfg.FinanceAddr, cfg.DashboardAddr, cfg.Security = addr, addr, addr, sec
	w := &Worker{}
	t.Cleanup(func() { require.NoError(t, w.Close()) })
	up, err := w.dialUpstreams(cfg)
	require.NoError(t, err)
	return up
}

func TestWorkerCallsGovernanceAndIngestAsItsCertificate(t *testing.T) {
	ca := devcatest.New(t, "worker", "finance")
	u := startUpstream(t, ca)
	sec := secure.Default()
	sec.TLS = ca.Settings("worker")
	up := dialUpstreamsOf(t, u.addr, sec)
	ctx := t.Context()

	v, err := journey.GovernanceVersions{Client: up.governance}.VersionInEffect(ctx, "msk", time.Now())
	require.NoError(t, err)
	require.Equal(t, 3, v.Version)
	_, err = up.finance.RecordActivity(ctx, &financev1.RecordActivityRequest{EventId: "e-1"})
	require.NoError(t, err, "finance ingest accepts only the worker's certificate")
	_, err = up.dashboard.RecordJourneyFact(ctx, &dashboardv1.RecordJourneyFactRequest{EventId: "f-1"})
	require.NoError(t, err, "dashboard ingest accepts only the worker's certificate")
	require.Equal(t, []caller{{"GetVersionInEffect", "worker", ""}, {"RecordActivity", "worker", ""}, {"RecordJourneyFact", "worker", ""}}, u.seen(),
		"each upstream knows the worker by its certificate; it names itself with no x-actor")
}

func TestWorkerSpreadsItsCallsOverTheReplicasOfAnUpstream(t *testing.T) {
	ca := devcatest.New(t, "worker", "finance")
	a, b := startUpstream(t, ca), startUpstream(t, ca)
	sec := secure.Default()
	sec.TLS = ca.Settings("worker")
	up := dialUpstreamsOf(t, a.addr+","+b.addr, sec)
	calls := 0
	for deadline := time.Now().Add(10 * time.Second); len(a.seen()) == 0 || len(b.seen()) == 0; calls++ {
		require.True(t, time.Now().Before(deadline), "both replicas get calls within 10s: %d and %d of %d", len(a.seen()), len(b.seen()), calls)
		_, err := up.finance.RecordActivity(t.Context(), &financev1.RecordActivityRequest{EventId: fmt.Sprintf("e-%d", calls)})
		require.NoError(t, err, "each replica's health service answers the worker through its access table")
	}
	require.Len(t, append(a.seen(), b.seen()...), calls, "each call reached one replica")
}

func TestWorkerWithoutItsCertificateIsRefused(t *testing.T) {
	ca := devcatest.New(t, "worker", "finance", "dashboard")
	u := startUpstream(t, ca)

	_, err := dialUpstreamsOf(t, u.addr, secure.Insecure()).finance.RecordActivity(t.Context(), &financev1.RecordActivityRequest{EventId: "e-1"})
	require.Equal(t, codes.Unavailable, status.Code(err), "plaintext (-insecure) does not reach a TLS upstream: %v", err)

	sec := secure.Default()
	sec.TLS = ca.Settings("dashboard")
	_, err = dialUpstreamsOf(t, u.addr, sec).finance.RecordActivity(t.Context(), &financev1.RecordActivityRequest{EventId: "e-1"})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "another service's certificate: %v", err)
	require.Empty(t, u.seen(), "no call reached a handler")
}

func TestMetricsAreServedOverTLSWithTheWorkersCertificate(t *testing.T) {
	_, err := metrics.NewReader() // what telemetry.Setup installs: /metrics has figures to show
	require.NoError(t, err)
	ca := devcatest.New(t, "worker")
	sec := secure.Default()
	sec.TLS = ca.Settings("worker")
	m, err := serveMetrics(t.Context(), "127.0.0.1:0", sec)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.close()) })

	pem, err := os.ReadFile(ca.CAFile)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(pem))
	https := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	code, body := get(t, https, "https://"+m.addr()+metrics.Path)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "go_goroutines")

	code, _ = get(t, http.DefaultClient, "http://"+m.addr()+metrics.Path)
	require.NotEqual(t, http.StatusOK, code, "no metrics in plaintext")
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}
