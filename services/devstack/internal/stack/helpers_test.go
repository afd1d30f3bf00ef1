package stack_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
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

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

type clients struct {
	coordinator coordinatorv1.CoordinatorServiceClient
	governance  governancev1.GovernanceServiceClient
	finance     financev1.FinanceServiceClient
}

func clientsOf(t *testing.T, s *stack.Stack) clients {
	t.Helper()
	return clients{coordinator: coordinatorv1.NewCoordinatorServiceClient(dial(t, s.CoordinatorAddr)),
		governance: governancev1.NewGovernanceServiceClient(dial(t, s.GovernanceAddr)),
		finance:    financev1.NewFinanceServiceClient(dial(t, s.FinanceAddr))}
}

// as calls as actor with the comma-separated roles.
func as(t *testing.T, actor, roles string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "x-actor", actor, "x-roles", roles)
}

func coordinating(t *testing.T) context.Context { return as(t, "coord-test", "coordinator") }

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
