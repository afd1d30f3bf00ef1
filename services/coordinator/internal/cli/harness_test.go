package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// testToken is the access token a harness signs in with unless a test says otherwise.
const testToken = "access-token-for-tests"

// harness is pathwayctl's environment in a test: its own configuration directory (never the
// user's), a CA file trusting the test servers, and what standard input holds.
type harness struct {
	env    map[string]string
	dir    string
	cert   tls.Certificate // the test servers' certificate (127.0.0.1), signed by caFile
	caFile string
	stdin  string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ts := httptest.NewTLSServer(nil) // only for its certificate: itself a CA, for 127.0.0.1
	ts.Close()
	h := &harness{dir: t.TempDir(), cert: ts.TLS.Certificates[0], caFile: writeCA(t, ts)}
	h.env = map[string]string{"PATHWAYS_CONFIG_DIR": h.dir, "PATHWAYS_CA_FILE": h.caFile}
	return h
}

// run runs pathwayctl with the harness's environment and standard input.
func (h *harness) run(args ...string) (int, string, string) {
	var out, errs bytes.Buffer
	code := RunWithStdin(context.Background(), args, strings.NewReader(h.stdin), &out, &errs, func(k string) string { return h.env[k] })
	return code, out.String(), errs.String()
}

func (h *harness) credentialsPath() string { return filepath.Join(h.dir, CredentialsFile) }

// signIn stores cr as pathwayctl login would.
func (h *harness) signIn(t *testing.T, cr Credentials) {
	t.Helper()
	require.NoError(t, SaveCredentials(h.dir, cr))
}

// stored reads the stored credentials.
func (h *harness) stored(t *testing.T) Credentials {
	t.Helper()
	cr, err := loadCredentials(h.credentialsPath())
	require.NoError(t, err)
	return cr
}

// serveCoordinator serves f on a loopback port, over TLS with the harness's certificate or in
// plaintext, and returns its address.
func (h *harness) serveCoordinator(t *testing.T, f *fakeCoordinator, overTLS bool) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var opts []grpc.ServerOption
	if overTLS {
		opts = append(opts, grpc.Creds(credentials.NewServerTLSFromCert(&h.cert)))
	}
	srv := grpc.NewServer(opts...)
	coordinatorv1.RegisterCoordinatorServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}
