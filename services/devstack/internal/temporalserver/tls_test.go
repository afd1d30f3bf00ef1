package temporalserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

const testNamespace = "journeys"

// startServer starts an embedded server with o (DataDir and Namespace filled in) and stops it
// when the test ends.
func startServer(t *testing.T, o Options) *Server {
	t.Helper()
	o.DataDir, o.Namespace = t.TempDir(), testNamespace
	s, err := Start(t.Context(), o)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Stop()) })
	return s
}

// describeNamespace dials addr with the SDK and describes the namespace. A refused client is
// given 3s to give up (the SDK retries an unavailable server until its deadline).
func describeNamespace(t *testing.T, addr string, tlsCfg *tls.Config) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: testNamespace, Logger: quietLogger{},
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg}})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: testNamespace})
	return err
}

func clientTLSConfig(t *testing.T, roots *x509.CertPool, cert *KeyPair) *tls.Config {
	t.Helper()
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if cert != nil {
		c, err := tls.LoadX509KeyPair(cert.CertFile, cert.KeyFile)
		require.NoError(t, err)
		cfg.Certificates = []tls.Certificate{c}
	}
	return cfg
}

func TestFrontendServesMutualTLS(t *testing.T) {
	ca, other := newTestCA(t, "local CA"), newTestCA(t, "another CA")
	opts := mutualTLS(t, ca)
	s := startServer(t, Options{TLS: opts, UI: true, UITLS: &KeyPair{opts.CertFile, opts.KeyFile}})
	roots, err := certPool("ca", ca.CAFile)
	require.NoError(t, err)
	worker := ca.issue(t, "worker", nil, x509.ExtKeyUsageClientAuth)
	stranger := other.issue(t, "stranger", nil, x509.ExtKeyUsageClientAuth)

	t.Run("a client with a certificate from the local CA describes the namespace", func(t *testing.T) {
		require.NoError(t, describeNamespace(t, s.FrontendAddr(), clientTLSConfig(t, roots, &worker)))
	})
	refused := map[string]*tls.Config{
		"a client without a certificate":              clientTLSConfig(t, roots, nil),
		"a client with a certificate from another CA": clientTLSConfig(t, roots, &stranger),
		"a client that does not trust the local CA":   clientTLSConfig(t, nil, &worker),
		"a plaintext client":                          nil,
	}
	for name, cfg := range refused {
		t.Run(name+" is refused", func(t *testing.T) {
			require.Error(t, describeNamespace(t, s.FrontendAddr(), cfg))
		})
	}
	t.Run("the Web UI serves HTTPS and reaches the frontend with its client certificate", func(t *testing.T) {
		require.True(t, strings.HasPrefix(s.UIURL(), "https://"), s.UIURL())
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLSConfig(t, roots, nil)}}
		status, body := get(t, hc, s.UIURL()+"/api/v1/namespaces/"+testNamespace)
		require.Equal(t, http.StatusOK, status, body)
		var described struct {
			NamespaceInfo struct{ Name string } `json:"namespaceInfo"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &described))
		require.Equal(t, testNamespace, described.NamespaceInfo.Name)
	})
}

func TestStartRefusesUnusableTLSFiles(t *testing.T) {
	ca := newTestCA(t, "local CA")
	good := mutualTLS(t, ca)
	noIP := ca.issue(t, "no-ip", nil, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	serverOnly := ca.issue(t, "server-only", loopback, x509.ExtKeyUsageServerAuth)
	cases := map[string]struct {
		edit func(*TLSOptions)
		want string
	}{
		"no client certificate with mutual TLS": {func(o *TLSOptions) { o.ClientCertFile, o.ClientKeyFile = "", "" },
			"temporal tls client cert file: is required"},
		"no client CA with mutual TLS": {func(o *TLSOptions) { o.ClientCAFile = "" }, "temporal tls client ca file: is required"},
		"a certificate that does not name the IP": {func(o *TLSOptions) { o.CertFile, o.KeyFile = noIP.CertFile, noIP.KeyFile },
			"temporal tls cert file: must be valid for 127.0.0.1"},
		"a certificate the services cannot present to each other": {
			func(o *TLSOptions) { o.CertFile, o.KeyFile = serverOnly.CertFile, serverOnly.KeyFile },
			"temporal tls cert file: must allow client authentication"},
		"a CA file without certificates": {func(o *TLSOptions) { o.ClientCAFile = good.KeyFile }, "holds no PEM certificate"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			o := *good
			c.edit(&o)
			// The deadline bounds a regression: a server started with such files never gets ready.
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			s, err := Start(ctx, Options{DataDir: t.TempDir(), Namespace: testNamespace, TLS: &o})
			if err == nil {
				require.NoError(t, s.Stop())
			}
			require.ErrorContains(t, err, c.want)
		})
	}
}

// get GETs url with hc without following redirects and returns the status and body.
func get(t *testing.T, hc *http.Client, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}
