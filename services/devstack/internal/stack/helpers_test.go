package stack_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// The demo people of the devstack's provider (devoidc) the tests call as; their roles, PCNs and
// Expert Oversight Groups are claims of their tokens.
const (
	coordU90001   = "coord-u90001"   // coordinator of PCN U90001, the PCN of the tests' own referrals
	coordU90002   = "coord-u90002"   // coordinator of PCN U90002
	author        = "author"         // author in both Expert Oversight Groups
	mskReviewer1  = "msk-reviewer-1" // reviewer in the MSK group
	mskReviewer2  = "msk-reviewer-2" // reviewer in the MSK group
	publisher     = "publisher"      // publishes reviewed versions
	financeAdmin  = "finance-admin"  // records contracts
	financeReader = "finance-reader" // reads budgets
	board         = "board"          // reads the System Dashboard
)

// testConfig is the stack on dir with every port free and no UI.
func testConfig(dir string) stack.Config {
	cfg := stack.DefaultConfig()
	cfg.DataDir, cfg.UI, cfg.Ports = dir, false, stack.Ports{}
	return cfg
}

// startStack starts the stack and stops it when the test ends (unless stopped before).
func startStack(t *testing.T, cfg stack.Config) *stack.Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// certFiles are the certificate and key the devstack made for service in <data-dir>/tls.
func certFiles(s *stack.Stack, service string) (cert, key string) {
	dir := filepath.Join(s.Config().DataDir, "tls")
	return filepath.Join(dir, service+".crt"), filepath.Join(dir, service+".key")
}

// tlsClient is how the tests reach the stack: over TLS trusting its CA, presenting service's
// certificate (none for ""), as people's clients do; plaintext when the stack runs -insecure.
func tlsClient(s *stack.Stack, service string) tlsconf.Client {
	if s.CAFile() == "" {
		return tlsconf.Client{Insecure: true}
	}
	c := tlsconf.Client{CAFile: s.CAFile()}
	if service != "" {
		c.CertFile, c.KeyFile = certFiles(s, service)
	}
	return c
}

// dial connects to addr as a person's client does: TLS trusting the stack's CA, no certificate.
func dial(t *testing.T, s *stack.Stack, addr string) *grpc.ClientConn {
	t.Helper()
	return dialWith(t, addr, tlsClient(s, ""))
}

func dialWith(t *testing.T, addr string, c tlsconf.Client) *grpc.ClientConn {
	t.Helper()
	creds, err := c.DialOption()
	require.NoError(t, err)
	conn, err := grpc.NewClient(addr, creds)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// httpsClient is an HTTP client trusting the stack's CA, with no certificate.
func httpsClient(t *testing.T, s *stack.Stack) *http.Client {
	t.Helper()
	tr, err := tlsClient(s, "").Transport()
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

type clients struct {
	s           *stack.Stack
	coordinator coordinatorv1.CoordinatorServiceClient
	governance  governancev1.GovernanceServiceClient
	finance     financev1.FinanceServiceClient
}

func clientsOf(t *testing.T, s *stack.Stack) clients {
	t.Helper()
	return clients{s: s, coordinator: coordinatorv1.NewCoordinatorServiceClient(dial(t, s, s.CoordinatorAddr)),
		governance: governancev1.NewGovernanceServiceClient(dial(t, s, s.GovernanceAddr)),
		finance:    financev1.NewFinanceServiceClient(dial(t, s, s.FinanceAddr))}
}

// as is a call context carrying the demo person's access token from the stack's provider.
func (c clients) as(t *testing.T, person string) context.Context {
	t.Helper()
	return withToken(t, token(t, c.s, person))
}

// coordinating calls as the coordinator of U90001, the PCN of the tests' own referrals.
func (c clients) coordinating(t *testing.T) context.Context {
	t.Helper()
	return c.as(t, coordU90001)
}

func token(t *testing.T, s *stack.Stack, person string) string {
	t.Helper()
	tok, err := s.TokenFor(t.Context(), person)
	require.NoError(t, err, "token for %s", person)
	return tok
}

func withToken(t *testing.T, tok string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
}

// demoLoader is the demo loader as `devstack --demo` runs it: each demo person's token.
func demoLoader(c clients) demo.Loader {
	return demo.Loader{Coordinator: c.coordinator, Governance: c.governance, Finance: c.finance,
		As: func(ctx context.Context, role, pcn string) (context.Context, error) {
			tok, err := c.s.TokenFor(ctx, demo.Person(role, pcn))
			if err != nil {
				return nil, err
			}
			return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok), nil
		}}
}

// eventually polls cond until it holds, failing the test at the deadline with its last error.
func eventually(t *testing.T, within time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %v", within, what, err)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("test ended waiting for %s", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
