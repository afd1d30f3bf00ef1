package journey_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// temporalConnection reads a TemporalConnection as a binary does: its flags over the TEMPORAL_*
// variables over the defaults.
func temporalConnection(t *testing.T, env map[string]string, args ...string) (journey.TemporalConnection, error) {
	t.Helper()
	c := journey.DefaultTemporalConnection()
	fs := config.New("worker", func(k string) string { return env[k] }, &bytes.Buffer{})
	c.RegisterFlags(fs)
	require.NoError(t, fs.Parse(args))
	return c, fs.Check(c.Validate())
}

func TestTemporalConnectionFromVariablesAndFlags(t *testing.T) {
	ca := devcatest.New(t, "worker")
	on, off := true, false
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want journey.TemporalConnection
	}{
		{"defaults: plaintext to this machine", nil, nil, journey.DefaultTemporalConnection()},
		{"the variables every Temporal user sets", map[string]string{
			"TEMPORAL_ADDRESS": "ns.tmprl.cloud:7233", "TEMPORAL_NAMESPACE": "pathways.a1b2c", "TEMPORAL_API_KEY": "key-1",
			"TEMPORAL_TLS": "true", "TEMPORAL_TLS_SERVER_CA_CERT_PATH": ca.CAFile, "TEMPORAL_TLS_SERVER_NAME": "temporal.internal",
			"TEMPORAL_TLS_CLIENT_CERT_PATH": ca.Cert("worker"), "TEMPORAL_TLS_CLIENT_KEY_PATH": ca.Key("worker"),
			"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "true",
		}, nil, journey.TemporalConnection{Address: "ns.tmprl.cloud:7233", Namespace: "pathways.a1b2c", APIKey: "key-1",
			TLS: journey.TemporalTLS{Enabled: &on, ServerCACertPath: ca.CAFile, ServerName: "temporal.internal",
				ClientCertPath: ca.Cert("worker"), ClientKeyPath: ca.Key("worker"), DisableHostVerification: true}}},
		{"flags over the variables", map[string]string{"TEMPORAL_ADDRESS": "from-env:7233", "TEMPORAL_NAMESPACE": "env", "TEMPORAL_TLS": "true"},
			[]string{"-temporal-address", "from-flag:7233", "-namespace", "flag", "-temporal-tls=false"},
			journey.TemporalConnection{Address: "from-flag:7233", Namespace: "flag", TLS: journey.TemporalTLS{Enabled: &off}}},
		{"an empty variable counts as unset", map[string]string{"TEMPORAL_ADDRESS": "", "TEMPORAL_TLS": "", "TEMPORAL_API_KEY": ""}, nil,
			journey.DefaultTemporalConnection()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := temporalConnection(t, tt.env, tt.args...)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestTemporalConnectionRefusesBadSettingsNamingThem(t *testing.T) {
	_, err := temporalConnection(t, map[string]string{"TEMPORAL_TLS": "perhaps", "TEMPORAL_ADDRESS": "no-port", "TEMPORAL_TLS_CLIENT_CERT_PATH": "worker.crt"},
		"-namespace=")
	for _, want := range []string{`TEMPORAL_TLS: must be true or false, not "perhaps"`, `temporal-address: must be host:port, not "no-port"`,
		"namespace: is required", "temporal-tls-cert, temporal-tls-key: must be set together"} {
		require.ErrorContains(t, err, want)
	}
	_, err = temporalConnection(t, map[string]string{"TEMPORAL_TLS": "false", "TEMPORAL_TLS_SERVER_CA_CERT_PATH": "ca.crt"})
	require.ErrorContains(t, err, "temporal-tls: false, so it cannot be combined with -temporal-tls-ca")

	c := journey.DefaultTemporalConnection()
	c.TLS.ServerCACertPath = "/nonexistent/ca.crt"
	_, err = c.ClientOptions(journey.Telemetry{})
	require.ErrorContains(t, err, "temporal TLS")
	require.ErrorContains(t, err, "/nonexistent/ca.crt")
}

func TestTemporalClientOptionsCarryTLSAndTheAPIKey(t *testing.T) {
	ca := devcatest.New(t, "worker")
	c, err := temporalConnection(t, map[string]string{"TEMPORAL_ADDRESS": "temporal.example:7233", "TEMPORAL_NAMESPACE": "pathways",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH": ca.CAFile, "TEMPORAL_TLS_CLIENT_CERT_PATH": ca.Cert("worker"), "TEMPORAL_TLS_CLIENT_KEY_PATH": ca.Key("worker"),
		"TEMPORAL_API_KEY": "key-1"})
	require.NoError(t, err)
	opts, err := c.ClientOptions(journey.Telemetry{})
	require.NoError(t, err)
	require.Equal(t, "temporal.example:7233", opts.HostPort)
	require.Equal(t, "pathways", opts.Namespace)
	require.NotNil(t, opts.Credentials, "the API key")
	require.NotEmpty(t, opts.Interceptors, "the options of every client of journeys: tracing")
	cfg := opts.ConnectionOptions.TLS
	require.NotNil(t, cfg, "TLS on: a CA and a client certificate are given")
	require.False(t, opts.ConnectionOptions.TLSDisabled)
	require.True(t, cfg.RootCAs.Equal(pool(t, ca.CAFile)), "the frontend is verified against TEMPORAL_TLS_SERVER_CA_CERT_PATH")
	cert, err := cfg.GetClientCertificate(&tls.CertificateRequestInfo{})
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	require.NoError(t, err)
	name, ok := tlsconf.ServiceID(leaf)
	require.True(t, ok)
	require.Equal(t, "worker", name, "the client certificate of TEMPORAL_TLS_CLIENT_CERT_PATH")

	c, err = temporalConnection(t, map[string]string{"TEMPORAL_API_KEY": "key-1"}, "-temporal-tls=false")
	require.NoError(t, err)
	opts, err = c.ClientOptions(journey.Telemetry{})
	require.NoError(t, err)
	require.Nil(t, opts.ConnectionOptions.TLS)
	require.True(t, opts.ConnectionOptions.TLSDisabled, "-temporal-tls=false keeps TLS off even with an API key")
}

func TestTemporalPlaintextOffLoopbackIsRefusedUnlessInsecure(t *testing.T) {
	c := journey.DefaultTemporalConnection()
	c.PayloadKeysFile = "payload-keys.json"
	require.NoError(t, c.CheckPlaintext(false), "loopback")
	c.Address = "temporal.example:7233"
	err := c.CheckPlaintext(false)
	require.ErrorContains(t, err, `temporal-address "temporal.example:7233": refusing plaintext off loopback`)
	require.ErrorContains(t, err, "-insecure")
	require.NoError(t, c.CheckPlaintext(true), "-insecure")
	c.APIKey = "key-1"
	require.NoError(t, c.CheckPlaintext(false), "an API key turns TLS on")
}

func TestTemporalPayloadKeysAreRequiredUnlessInsecure(t *testing.T) {
	c := journey.DefaultTemporalConnection()
	err := c.CheckPlaintext(false)
	require.ErrorContains(t, err, "payload-keys-file: required")
	require.ErrorContains(t, err, journey.EnvPayloadKeysFile)
	require.ErrorContains(t, err, journey.EnvPayloadKeys)
	require.ErrorContains(t, err, "-insecure")
	require.NoError(t, c.CheckPlaintext(true), "-insecure: payloads in clear, for development")
	opts, err := c.ClientOptions(journey.Telemetry{})
	require.NoError(t, err)
	require.Nil(t, opts.DataConverter, "no keys (-insecure): the SDK's default converter")
}

func TestTemporalPayloadKeysFromTheFileOrTheVariable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payload-keys.json")
	k, err := payloadcrypt.EnsureFile(path)
	require.NoError(t, err)
	keysJSON, err := k.MarshalJSON()
	require.NoError(t, err)
	for name, env := range map[string]map[string]string{
		"PATHWAYS_PAYLOAD_KEYS_FILE": {journey.EnvPayloadKeysFile: path},
		"PATHWAYS_PAYLOAD_KEYS":      {journey.EnvPayloadKeys: string(keysJSON)},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := temporalConnection(t, env)
			require.NoError(t, err)
			require.NoError(t, c.CheckPlaintext(false))
			opts, err := c.ClientOptions(journey.Telemetry{})
			require.NoError(t, err)
			require.NotNil(t, opts.FailureConverter, "failure messages are encrypted too")
			p, err := opts.DataConverter.ToPayload(map[string]string{"nhsNumber": "9990000018"})
			require.NoError(t, err)
			require.Equal(t, payloadcrypt.EncodingEncrypted, string(p.GetMetadata()[payloadcrypt.MetadataEncoding]))
			require.Equal(t, "k1", string(p.GetMetadata()[payloadcrypt.MetadataKeyID]))
			require.NotContains(t, string(p.GetData()), "9990000018")
		})
	}
	c, err := temporalConnection(t, map[string]string{journey.EnvPayloadKeysFile: path}, "-payload-keys-file", "/nonexistent/keys.json")
	require.NoError(t, err)
	_, err = c.ClientOptions(journey.Telemetry{})
	require.ErrorContains(t, err, "payload-keys-file: payload key file", "the flag over the variable")

	_, err = temporalConnection(t, map[string]string{journey.EnvPayloadKeysFile: path, journey.EnvPayloadKeys: string(keysJSON)})
	require.ErrorContains(t, err, "set one or the other")
	c, err = temporalConnection(t, map[string]string{journey.EnvPayloadKeys: `{"primary":"k1"}`})
	require.NoError(t, err)
	_, err = c.ClientOptions(journey.Telemetry{})
	require.ErrorContains(t, err, journey.EnvPayloadKeys+": keys: at least one key")
}

// frontend is a Temporal frontend as far as a client's dial goes (GetSystemInfo), recording who
// called: the service of its verified client certificate and the authorization metadata.
type frontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
	mu            sync.Mutex
	services      []string
	authorization []string
}

func (f *frontend) GetSystemInfo(ctx context.Context, _ *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	svc, _ := tlsconf.PeerService(ctx)
	md, _ := metadata.FromIncomingContext(ctx)
	f.services, f.authorization = append(f.services, svc), append(f.authorization, md.Get("authorization")...)
	return &workflowservice.GetSystemInfoResponse{}, nil
}

// seen returns the calling services and the authorization values, in order.
func (f *frontend) seen() (services, authorization []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.services...), append([]string(nil), f.authorization...)
}

// startFrontend serves a frontend over TLS with the CA's "temporal" certificate.
func startFrontend(t *testing.T, ca *devca.Bundle, requireClientCert bool) (*frontend, string) {
	t.Helper()
	srvTLS := ca.Server("temporal")
	srvTLS.RequireClientCert = requireClientCert
	creds, err := srvTLS.GRPC()
	require.NoError(t, err)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &frontend{}
	srv := grpc.NewServer(creds)
	workflowservice.RegisterWorkflowServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return f, lis.Addr().String()
}

func dialTemporal(t *testing.T, c journey.TemporalConnection) error {
	t.Helper()
	opts, err := c.ClientOptions(journey.Telemetry{})
	require.NoError(t, err)
	cl, err := client.DialContext(t.Context(), opts)
	if err == nil {
		cl.Close()
	}
	return err
}

func TestTemporalClientConnectsWithMutualTLSOrAnAPIKey(t *testing.T) {
	ca := devcatest.New(t, "worker", "temporal")
	mtls, addr := startFrontend(t, ca, true)
	require.NoError(t, dialTemporal(t, journey.TemporalConnection{Address: addr, Namespace: "default", TLS: journey.TemporalTLS{
		ServerCACertPath: ca.CAFile, ClientCertPath: ca.Cert("worker"), ClientKeyPath: ca.Key("worker")}}))
	services, _ := mtls.seen()
	require.Equal(t, []string{"worker"}, services, "the frontend knows the caller by its certificate")

	keyed, addr := startFrontend(t, ca, false)
	require.NoError(t, dialTemporal(t, journey.TemporalConnection{Address: addr, Namespace: "default", APIKey: "key-1",
		TLS: journey.TemporalTLS{ServerCACertPath: ca.CAFile}}))
	_, authorization := keyed.seen()
	require.Equal(t, []string{"Bearer key-1"}, authorization, "the API key goes as a bearer token, over TLS")
}

func TestTemporalTLSVerifiesTheFrontend(t *testing.T) {
	ca, other := devcatest.New(t, "temporal"), devcatest.New(t, "temporal")
	_, addr := startFrontend(t, ca, false)
	handshake := func(t *testing.T, tt journey.TemporalTLS) error {
		t.Helper()
		opts, err := journey.TemporalConnection{Address: addr, Namespace: "default", TLS: tt}.ClientOptions(journey.Telemetry{})
		require.NoError(t, err)
		var d tls.Dialer
		d.Config = opts.ConnectionOptions.TLS
		conn, err := d.DialContext(t.Context(), "tcp", addr)
		if err == nil {
			_ = conn.Close()
		}
		return err
	}
	require.NoError(t, handshake(t, journey.TemporalTLS{ServerCACertPath: ca.CAFile}))
	require.Error(t, handshake(t, journey.TemporalTLS{ServerCACertPath: other.CAFile}), "a frontend signed by another CA")
	require.Error(t, handshake(t, journey.TemporalTLS{ServerCACertPath: ca.CAFile, ServerName: "temporal.elsewhere"}), "a name the certificate lacks")
	require.NoError(t, handshake(t, journey.TemporalTLS{ServerCACertPath: ca.CAFile, ServerName: "temporal.elsewhere", DisableHostVerification: true}),
		"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: the name is not checked")
	require.Error(t, handshake(t, journey.TemporalTLS{ServerCACertPath: other.CAFile, DisableHostVerification: true}),
		"the chain still is: a frontend signed by another CA is refused")
}

func pool(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(file) //nolint:gosec // G304: a test's own temporary file
	require.NoError(t, err)
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(pem))
	return p
}
