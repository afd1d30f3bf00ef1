package integration

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/server"
	govserver "github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	worker "github.com/nhs-pathways/pathways/services/worker/server"
	"github.com/nhs-pathways/pathways/workflows/journey/journeytest"
)

// stack is the coordinator service over a real Temporal server, with everything a journey needs.
type stack struct {
	coordinator    coordinatorv1.CoordinatorServiceClient
	httpBase       string
	grpcAddr       string
	governanceAddr string
	// at is a time after the built-in pathway versions took effect.
	at time.Time
}

func newStack(t *testing.T) *stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	js := journeytest.New(t)

	gcfg := govserver.DefaultConfig()
	gcfg.Listen, gcfg.EventStoreURL, gcfg.Security = "127.0.0.1:0", js.EventStoreURL, tokensOnLoopback()
	gov, err := govserver.Start(ctx, gcfg)
	require.NoError(t, err)
	t.Cleanup(gov.Close)

	// The journey worker itself (services/worker), dialling everything by address as the binary
	// does: the pathway versions come from governance, pushes go to the stack's ingest servers.
	wcfg := worker.DefaultConfig()
	wcfg.Temporal.Address, wcfg.Temporal.Namespace, wcfg.EventStoreURL = js.FrontendAddr, js.Namespace, js.EventStoreURL
	wcfg.Security = secure.Insecure()
	// Payloads encrypted as in production: the worker and the coordinator share one keyring.
	keys, err := payloadcrypt.Generate()
	require.NoError(t, err)
	wcfg.Temporal.PayloadKeys = keys
	wcfg.GovernanceAddr, wcfg.FinanceAddr, wcfg.DashboardAddr = gov.Addr(), js.Ingest.Addr, js.Ingest.Addr
	w, err := worker.Start(ctx, wcfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, w.Close()) })

	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Temporal.Address, cfg.Temporal.Namespace = js.FrontendAddr, js.Namespace // its own client, as the binary's
	cfg.Temporal.PayloadKeys = keys
	cfg.EventStoreURL, cfg.GovernanceAddr, cfg.Security = js.EventStoreURL, gov.Addr(), tokensOnLoopback()
	dir := t.TempDir()
	cfg.VaultPath, cfg.MasterKeyFile, cfg.CreateMasterKey = filepath.Join(dir, "vault.db"), filepath.Join(dir, "master.key"), true
	s, err := server.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return &stack{coordinator: coordinatorv1.NewCoordinatorServiceClient(dial(t, s.Addr())), httpBase: "http://" + s.HTTPAddr(),
		grpcAddr: s.Addr(), governanceAddr: gov.Addr(), at: time.Now().UTC().Truncate(time.Second).Add(time.Second)}
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// testPCN is the PCN of the test referrals and of the test coordinators' tokens.
const testPCN = "U12345"

// tokensOnLoopback is the services' security here: access tokens of the shared test issuer
// verified and the access tables enforced, over plaintext (TLS is tested on its own; services
// reach each other without certificates on loopback).
func tokensOnLoopback() secure.Config {
	c := secure.Insecure()
	c.OIDC = identitytest.Shared().Config()
	return c
}

// token is an access token of the test issuer for actor with the given roles (comma-separated)
// in the test PCN.
func token(actor, roles string) string {
	return identitytest.Shared().Token(nil, identitytest.Person{Subject: actor, Name: actor,
		Roles: strings.Split(roles, ","), Orgs: []string{testPCN}})
}

// as returns a context calling as actor with the given roles (comma-separated).
func as(actor, roles string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token(actor, roles))
}

func coordinator() context.Context { return as("coord-017", "coordinator") }

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-time.After(50 * time.Millisecond)
	}
}
