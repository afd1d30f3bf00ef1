package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// probeExit runs the probe as its command line would and returns the exit status and stderr.
func probeExit(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	code := run(t.Context(), args, func(k string) string { return env[k] }, &stderr)
	return code, stderr.String()
}

// grpcHealth serves grpc.health.v1 on a loopback port (opts: TLS) and returns its address and
// health server.
func grpcHealth(t *testing.T, opts ...grpc.ServerOption) (string, *health.Server) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(opts...)
	h := health.NewServer()
	healthpb.RegisterHealthServer(srv, h)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String(), h
}

func TestPlaintextGRPCHealth(t *testing.T) {
	addr, h := grpcHealth(t)
	h.SetServingStatus("pathways.finance.v1.FinanceService", healthpb.HealthCheckResponse_SERVING)
	h.SetServingStatus("pathways.dashboard.v1.DashboardService", healthpb.HealthCheckResponse_NOT_SERVING)

	code, msg := probeExit(t, nil, "-addr", addr, "-plaintext=true")
	require.Equal(t, 0, code, msg)
	code, msg = probeExit(t, nil, "-addr", addr, "-plaintext=true", "-service", "pathways.finance.v1.FinanceService")
	require.Equal(t, 0, code, msg)

	code, msg = probeExit(t, nil, "-addr", addr, "-plaintext=true", "-service", "pathways.dashboard.v1.DashboardService")
	require.Equal(t, 1, code)
	require.Contains(t, msg, "NOT_SERVING")
	code, msg = probeExit(t, nil, "-addr", addr, "-plaintext=true", "-service", "nope")
	require.Equal(t, 1, code)
	require.Contains(t, msg, "gRPC status 5") // NotFound: the health server knows no such service

	// A server stopping reports NOT_SERVING before it closes its listener (platform/serve).
	h.Shutdown()
	code, msg = probeExit(t, nil, "-addr", addr, "-plaintext=true")
	require.Equal(t, 1, code)
	require.Contains(t, msg, "NOT_SERVING")
}

func TestNothingListening(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())
	start := time.Now()
	code, msg := probeExit(t, nil, "-addr", addr, "-plaintext=true", "-timeout", "2s")
	require.Equal(t, 1, code)
	require.Contains(t, msg, "connection refused")
	require.Less(t, time.Since(start), 2*time.Second)
}

func TestMutualTLSFromTheServicesVariables(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t)
	caFile := writePEM(t, dir, "ca.crt", "CERTIFICATE", ca.cert.Raw)
	srvCert := ca.issue(t, "finance", x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	certFile := writePEM(t, dir, "finance.crt", "CERTIFICATE", srvCert.Certificate[0])
	keyDER, err := x509.MarshalPKCS8PrivateKey(srvCert.PrivateKey)
	require.NoError(t, err)
	keyFile := writePEM(t, dir, "finance.key", "PRIVATE KEY", keyDER)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	addr, _ := grpcHealth(t, grpc.Creds(credentials.NewTLS(&tls.Config{
		MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{srvCert},
		ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert,
	})))

	// The service's own variables: its CA, and its certificate presented as the client's.
	env := map[string]string{"FINANCE_TLS_CA": caFile, "FINANCE_TLS_CERT": certFile, "FINANCE_TLS_KEY": keyFile}
	code, msg := probeExit(t, env, "-addr", addr, "-env-prefix", "FINANCE")
	require.Equal(t, 0, code, msg)
	// The certificate names "finance", not 127.0.0.1: with the name asked for it still verifies.
	code, msg = probeExit(t, env, "-addr", addr, "-env-prefix", "FINANCE", "-tls-server-name", "finance")
	require.Equal(t, 0, code, msg)
	code, msg = probeExit(t, env, "-addr", addr, "-env-prefix", "FINANCE", "-tls-server-name", "dashboard")
	require.Equal(t, 1, code)
	require.Contains(t, msg, "certificate")

	// Without a client certificate the mutual-TLS server refuses the probe.
	code, _ = probeExit(t, map[string]string{"HEALTHPROBE_TLS_CA": caFile}, "-addr", addr)
	require.Equal(t, 1, code)
	// A server certificate from another CA is refused.
	other := writePEM(t, dir, "other.crt", "CERTIFICATE", newCA(t).cert.Raw)
	code, msg = probeExit(t, env, "-addr", addr, "-env-prefix", "FINANCE", "-tls-ca", other)
	require.Equal(t, 1, code)
	require.Contains(t, msg, "unknown authority")
	// Plaintext against a TLS server fails too.
	code, _ = probeExit(t, nil, "-addr", addr, "-plaintext=true", "-timeout", "2s")
	require.Equal(t, 1, code)
}

func TestHTTPPath(t *testing.T) {
	status := http.StatusServiceUnavailable
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	env := map[string]string{"WORKER_INSECURE": "true"}

	code, msg := probeExit(t, env, "-addr", addr, "-http-path", "/metrics", "-env-prefix", "WORKER")
	require.Equal(t, 1, code)
	require.Contains(t, msg, "503")
	status = http.StatusOK
	code, msg = probeExit(t, env, "-addr", addr, "-http-path", "/metrics", "-env-prefix", "WORKER")
	require.Equal(t, 0, code, msg)
}

func TestBadUsageNamesTheFlag(t *testing.T) {
	code, msg := probeExit(t, nil, "-http-path", "metrics", "-tls-cert", "a.crt", "-plaintext", "maybe")
	require.Equal(t, 2, code)
	for _, want := range []string{"addr: must be host:port", "http-path: must start with /", "tls-cert, tls-key", "plaintext: must be true or false"} {
		require.Contains(t, msg, want)
	}
}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return testCA{cert: cert, key: key}
}

func (ca testCA) issue(t *testing.T, name string, usage ...x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: usage,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t *testing.T, dir, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
	return path
}
