package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func start(t *testing.T, cfg config.Config) *Server {
	t.Helper()
	srv, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

func client(t *testing.T, url string) *esdb.Client {
	t.Helper()
	cfg, err := esdb.ParseConnectionString(url)
	require.NoError(t, err)
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func appendOne(t *testing.T, c *esdb.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.AppendToStream(ctx, "s-"+uuid.NewString(), esdb.AppendToStreamOptions{},
		esdb.EventData{EventType: "T", ContentType: esdb.ContentTypeJson, Data: []byte("{}")})
	require.NoError(t, err)
}

func TestTLS(t *testing.T) {
	cert, key := selfSigned(t)
	srv := start(t, config.Config{Listen: "127.0.0.1:0", InMemory: true, TLSCert: cert, TLSKey: key,
		AdminPassword: "s3cret", OpsPassword: "changeit"})
	require.True(t, srv.TLS())
	appendOne(t, client(t, fmt.Sprintf("esdb://admin:s3cret@%s?tls=true&tlsVerifyCert=false", srv.Addr())))
}

func TestMetricsEndpoint(t *testing.T) {
	shutdown, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "eventstore"}) // what /metrics serves
	require.NoError(t, err)
	t.Cleanup(func() { _ = shutdown.Within(t.Context(), 5*time.Second) })
	srv := start(t, config.Config{Listen: "127.0.0.1:0", InMemory: true, Insecure: true, MetricsListen: "127.0.0.1:0"})
	appendOne(t, client(t, fmt.Sprintf("esdb://%s?tls=false", srv.Addr())))
	_, err = srv.Scavenge(t.Context())
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+srv.MetricsAddr()+"/metrics", http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	for _, want := range []string{ // the event store's own figures (OTel names) and otelgrpc's
		`eventstore_events_appended_total\{[^}]*\} 1`, `eventstore_writes_total\{[^}]*\} 1`, `eventstore_commit_groups_total\{[^}]*\} 1`,
		`eventstore_fsyncs_total\{[^}]*\} [1-9][0-9]*`, `eventstore_appended_bytes_total\{[^}]*\} [1-9][0-9]*`, `eventstore_commit_group_writes_bucket\{[^}]*le="1"\} 1`,
		`eventstore_commit_duration_seconds_count\{[^}]*\} 1`, `eventstore_append_duration_seconds_count\{[^}]*\} 1`,
		`rpc_server_call_duration_seconds_count\{[^}]*rpc_method="event_store.client.streams.Streams/Append"[^}]*\} 1`,
		`eventstore_scavenges_total\{[^}]*outcome="ok"[^}]*\} 1`, `eventstore_scavenge_events_removed_total\{[^}]*\} 0`,
		`eventstore_scavenge_duration_seconds_count\{[^}]*\} 1`, `eventstore_scavenge_removed_bytes_total\{[^}]*\} 0`,
	} {
		require.Regexp(t, "(?m)^"+want+"$", string(body))
	}
}

func TestStartFailsClearly(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	_, err = Start(context.Background(), config.Config{Listen: taken.Addr().String(), InMemory: true, Insecure: true}, slog.Default())
	require.ErrorContains(t, err, "listen on "+taken.Addr().String())
	_, err = Start(context.Background(), config.Config{Listen: "127.0.0.1:0", Insecure: true}, slog.Default())
	require.ErrorContains(t, err, "data-dir is required")
	_, err = Start(context.Background(), config.Config{Listen: "127.0.0.1:0", InMemory: true, AdminPassword: "a", OpsPassword: "o"}, slog.Default())
	require.ErrorContains(t, err, "tls-cert and tls-key are required", "secure unless told otherwise")
}

func selfSigned(t *testing.T) (string, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	require.NoError(t, err)
	kd, err := x509.MarshalECPrivateKey(k)
	require.NoError(t, err)
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600))
	return cert, key
}
