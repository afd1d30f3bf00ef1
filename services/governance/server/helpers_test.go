package server_test

import (
	"context"
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

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

const mskEOG = "MSK Clinical Expert Oversight Group"

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func startStore(t *testing.T) string {
	t.Helper()
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	return es.URL()
}

// service is a running governance service and a client to it.
type service struct {
	srv    *server.Server
	client governancev1.GovernanceServiceClient
}

func startService(t *testing.T, url string, c *clock) *service {
	t.Helper()
	srv, err := server.Start(t.Context(), testConfig(url, c))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return &service{srv: srv, client: dial(t, srv.Addr())}
}

// testConfig is the service on loopback, verifying tokens of the shared test issuer and
// enforcing the access table (over plaintext: TLS is tested on its own).
func testConfig(url string, c *clock) server.Config {
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.EventStoreURL, cfg.Now = "127.0.0.1:0", url, c.Now
	cfg.Security = secure.Config{OIDC: identitytest.Shared().Config()}
	cfg.Security.TLS.Insecure = true
	return cfg
}

func dial(t *testing.T, addr string) governancev1.GovernanceServiceClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return governancev1.NewGovernanceServiceClient(conn)
}

// as returns a context calling with an access token for actor (also their subject) with roles
// (comma-separated) in the given Expert Oversight Groups (default the MSK EOG).
func as(t *testing.T, actor, roles string, eogs ...string) context.Context {
	if len(eogs) == 0 {
		eogs = []string{mskEOG}
	}
	var rs []string
	for r := range strings.SplitSeq(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			rs = append(rs, r)
		}
	}
	tok := identitytest.Shared().Token(t, identitytest.Person{Subject: actor, Name: actor, Roles: rs, EOGs: eogs})
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
}

func requireCode(t *testing.T, err error, code codes.Code, contains string) {
	t.Helper()
	require.Error(t, err)
	st := status.Convert(err)
	require.Equal(t, code, st.Code(), st.Message())
	require.Contains(t, st.Message(), contains)
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
