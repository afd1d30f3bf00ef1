package tlsconf_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// callers records what PeerService said about each call a test server answered.
type callers struct {
	mu   sync.Mutex
	seen []string
}

func (c *callers) record(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	name, ok := tlsconf.PeerService(ctx)
	if !ok {
		name = "(none)"
	}
	c.mu.Lock()
	c.seen = append(c.seen, name)
	c.mu.Unlock()
	return h(ctx, req)
}

func (c *callers) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) == 0 {
		return ""
	}
	return c.seen[len(c.seen)-1]
}

// serveGRPC starts a gRPC server (the health service) with srv's TLS on loopback.
func serveGRPC(t *testing.T, srv tlsconf.Server) (string, *callers) {
	t.Helper()
	creds, err := srv.GRPC()
	require.NoError(t, err)
	c := &callers{}
	s := grpc.NewServer(creds, grpc.UnaryInterceptor(c.record))
	healthpb.RegisterHealthServer(s, health.NewServer())
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String(), c
}

// check makes one health check over a new connection, returning the server's certificate.
func check(t *testing.T, addr string, client tlsconf.Client) (*x509.Certificate, error) {
	t.Helper()
	dial, err := client.DialOption()
	require.NoError(t, err)
	conn, err := grpc.NewClient(addr, dial)
	require.NoError(t, err)
	defer conn.Close()
	var p peer.Peer
	if _, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{}, grpc.Peer(&p)); err != nil {
		return nil, err
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	require.True(t, ok, "the call was not over TLS")
	return info.State.PeerCertificates[0], nil
}

func mutualTLS(b *devca.Bundle, name string) tlsconf.Server {
	s := b.Server(name)
	s.RequireClientCert = true
	return s
}

func TestMutualTLSNamesTheCallingService(t *testing.T) {
	b := devcatest.New(t, "finance", "worker")
	addr, seen := serveGRPC(t, mutualTLS(b, "finance"))

	_, err := check(t, addr, b.Client("worker"))
	require.NoError(t, err)
	require.Equal(t, "worker", seen.last())
}

func TestClientWithoutCertificateIsRefusedWhenRequired(t *testing.T) {
	b := devcatest.New(t, "finance")
	addr, seen := serveGRPC(t, mutualTLS(b, "finance"))

	_, err := check(t, addr, b.Client(""))
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	require.Empty(t, seen.last(), "the handler ran")
}

func TestClientWithoutCertificateIsAnonymousWhenNotRequired(t *testing.T) {
	b := devcatest.New(t, "dashboard")
	addr, seen := serveGRPC(t, b.Server("dashboard"))

	_, err := check(t, addr, b.Client(""))
	require.NoError(t, err)
	require.Equal(t, "(none)", seen.last())
}

func TestClientTrustingAnotherCARefusesTheServer(t *testing.T) {
	b := devcatest.New(t, "finance", "worker")
	other := devcatest.New(t, "worker")
	addr, seen := serveGRPC(t, mutualTLS(b, "finance"))

	_, err := check(t, addr, other.Client("worker"))
	require.ErrorContains(t, err, "certificate signed by unknown authority")
	require.Empty(t, seen.last())
}

func TestServerRefusesAClientCertificateOfAnotherCA(t *testing.T) {
	b := devcatest.New(t, "finance")
	other := devcatest.New(t, "worker")
	addr, seen := serveGRPC(t, b.Server("finance")) // verified when given, so a bad one is refused

	client := other.Client("worker")
	client.CAFile = b.CAFile // trusts the server, but its own certificate is from elsewhere
	_, err := check(t, addr, client)
	require.Equal(t, codes.Unavailable, status.Code(err), "%v", err)
	require.Empty(t, seen.last())
}

func TestRotatedCertificateIsServedToNewConnections(t *testing.T) {
	b := devcatest.New(t, "finance", "worker")
	addr, _ := serveGRPC(t, mutualTLS(b, "finance"))
	first, err := check(t, addr, b.Client("worker"))
	require.NoError(t, err)
	require.Equal(t, serialOf(t, b.Cert("finance")), first.SerialNumber)

	require.NoError(t, os.Remove(b.Cert("finance")))
	again, err := devca.Ensure(b.Dir, []devca.Service{{Name: "finance", Server: true, Client: true}})
	require.NoError(t, err)
	require.Equal(t, []string{"finance"}, again.Issued)
	rotated := serialOf(t, b.Cert("finance"))
	require.NotEqual(t, first.SerialNumber, rotated)

	second, err := check(t, addr, b.Client("worker"))
	require.NoError(t, err)
	require.Equal(t, rotated, second.SerialNumber, "the server still serves the certificate it started with")
}

func serialOf(t *testing.T, file string) *big.Int {
	t.Helper()
	data, err := os.ReadFile(file) //nolint:gosec // G304: the test's own file
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert.SerialNumber
}

func TestHalfWrittenRotationKeepsThePreviousCertificate(t *testing.T) {
	b := devcatest.New(t, "finance", "worker")
	addr, _ := serveGRPC(t, mutualTLS(b, "finance"))
	first, err := check(t, addr, b.Client("worker"))
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(b.Key("finance"), []byte("half a key"), 0o600))
	again, err := check(t, addr, b.Client("worker"))
	require.NoError(t, err, "a broken pair on disk must not break new connections")
	require.Equal(t, first.SerialNumber, again.SerialNumber)

	require.NoError(t, os.Remove(b.Cert("finance")))
	_, err = devca.Ensure(b.Dir, []devca.Service{{Name: "finance", Server: true, Client: true}})
	require.NoError(t, err)
	rotated, err := check(t, addr, b.Client("worker"))
	require.NoError(t, err)
	require.Equal(t, serialOf(t, b.Cert("finance")), rotated.SerialNumber)
}
