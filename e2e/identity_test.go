package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// The devstack's demo people the tests act as (services/devstack/internal/devoidc; password
// "demo"): a coordinator of the PCN the tests' own referrals use, and finance people.
const (
	coordinatorPerson   = "coord-u90001"
	coordinatorPCN      = "U90001"
	financeAdminPerson  = "finance-admin"
	financeReaderPerson = "finance-reader"
	demoPassword        = "demo"
)

// caFile is the devstack's local CA (made in its data dir at first start).
func (d *devstack) caFile() string { return filepath.Join(d.dataDir, "tls", "ca.crt") }

// issuer is the devstack's OpenID Connect provider.
func (d *devstack) issuer() string { return "https://" + d.addr.oidc }

// tlsConfig trusts the devstack's CA (and presents no certificate: the tests are people).
func (d *devstack) tlsConfig(t testing.TB) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(d.caFile())
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem), "CA %s", d.caFile())
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// httpClient is an HTTPS client trusting the devstack's CA.
func (d *devstack) httpClient(t testing.TB) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = d.tlsConfig(t)
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// dial connects to one of the devstack's gRPC services over TLS.
func (d *devstack) dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(d.tlsConfig(t))))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// tokens caches each devstack's access tokens per person (an hour's validity is plenty).
var tokens sync.Map // issuer + " " + username -> string

// token gets a demo person's access token from the devstack's provider with the one command
// the README shows for curl users: the client-credentials grant with the person's username and
// password.
func (d *devstack) token(t testing.TB, username string) string {
	t.Helper()
	key := d.issuer() + " " + username
	if tok, ok := tokens.Load(key); ok {
		return tok.(string)
	}
	tok, err := fetchToken(context.Background(), d.issuer(), username, d.tlsConfig(t))
	require.NoError(t, err)
	tokens.Store(key, tok)
	return tok
}

// fetchToken is the client-credentials request for a demo person.
func fetchToken(ctx context.Context, issuer, username string, tlsConf *tls.Config) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, issuer+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(username, demoPassword)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	resp, err := (&http.Client{Transport: tr, Timeout: time.Minute}).Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("token for %s: %s: %w", username, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return "", fmt.Errorf("token for %s: %s %s", username, resp.Status, body.Error)
	}
	return body.AccessToken, nil
}

// as is a call context of a demo person.
func (d *devstack) as(t *testing.T, username string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+d.token(t, username))
}

// coordinating is a call context of the coordinator the tests act as.
func (d *devstack) coordinating(t *testing.T) context.Context { return d.as(t, coordinatorPerson) }

// financeAdmin is a call context of the finance administrator.
func (d *devstack) financeAdmin(t *testing.T) context.Context { return d.as(t, financeAdminPerson) }

// financeReading is a call context of a finance reader.
func (d *devstack) financeReading(t *testing.T) context.Context { return d.as(t, financeReaderPerson) }

// scraper is an HTTPS client with the devstack's "prometheus" certificate: /metrics is for the
// metrics scraper's service identity only.
func (d *devstack) scraper(t testing.TB) *http.Client {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(filepath.Join(d.dataDir, "tls", "prometheus.crt"), filepath.Join(d.dataDir, "tls", "prometheus.key"))
	require.NoError(t, err)
	c := d.httpClient(t)
	c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{cert}
	return c
}

// coordinatorAs is a coordinator client whose every call carries username's token.
func (d *devstack) coordinatorAs(t *testing.T, username string) coordinatorv1.CoordinatorServiceClient {
	t.Helper()
	conn, err := grpc.NewClient(d.addr.coordinator, grpc.WithTransportCredentials(credentials.NewTLS(d.tlsConfig(t))),
		grpc.WithPerRPCCredentials(identity.StaticBearer(d.token(t, username))))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return coordinatorv1.NewCoordinatorServiceClient(conn)
}
