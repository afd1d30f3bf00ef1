package devoidc

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
)

// The endpoints the devstack, pathwayctl and the README rely on are where discovery says, and
// only RS256 is offered (never "none").
func TestDiscoveryNamesTheEndpointsAndOffersRS256Only(t *testing.T) {
	e := start(t, Options{})
	var doc struct {
		Issuer     string   `json:"issuer"`
		Authorize  string   `json:"authorization_endpoint"`
		Token      string   `json:"token_endpoint"`
		JWKS       string   `json:"jwks_uri"`
		Device     string   `json:"device_authorization_endpoint"`
		Algs       []string `json:"id_token_signing_alg_values_supported"`
		PKCE       []string `json:"code_challenge_methods_supported"`
		GrantTypes []string `json:"grant_types_supported"`
	}
	require.NoError(t, e.oidc.Claims(&doc))
	i := e.p.Issuer()
	require.Equal(t, e.srv.URL, i)
	require.Equal(t, i, doc.Issuer)
	require.Equal(t, i+"/authorize", doc.Authorize)
	require.Equal(t, i+"/oauth/token", doc.Token)
	require.Equal(t, i+"/keys", doc.JWKS)
	require.Equal(t, i+"/device_authorization", doc.Device)
	require.Equal(t, []string{"RS256"}, doc.Algs)
	require.Contains(t, doc.PKCE, "S256")
	for _, g := range []string{"authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"} {
		require.Contains(t, doc.GrantTypes, g)
	}
}

// The one command for curl users: username and password as client credentials give a token
// for that person that a service verifies, with the person's subject and claims.
func TestClientCredentialsCommandIssuesThePersonsToken(t *testing.T) {
	e := start(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}}
	tr := e.postForm(t, "/oauth/token", form, "coord-u90001", "demo")
	require.Equal(t, http.StatusOK, tr.status, tr.Error)
	c := e.verify(t, tr.AccessToken)
	requirePerson(t, e, c, "coord-u90001", "coord-u90001")
	require.Equal(t, []string{"U90001"}, c.ODS)
	lifetime := time.Duration(c.Expiry-c.IssuedAt) * time.Second
	require.InDelta(t, time.Hour.Seconds(), lifetime.Seconds(), 60, "an access token lives about an hour")
}

func TestWrongPasswordOrUnknownPersonGetsNoToken(t *testing.T) {
	e := start(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}}
	for _, cred := range [][2]string{{"coord-u90001", "wrong"}, {"coord-u90001", ""}, {"nobody", "demo"}, {dashboardID, dashboardSecret}} {
		tr := e.postForm(t, "/oauth/token", form, cred[0], cred[1])
		require.Equal(t, http.StatusUnauthorized, tr.status, "user %q", cred[0])
		require.Equal(t, "invalid_client", tr.Error)
		require.Empty(t, tr.AccessToken)
	}
	_, err := e.p.TokenFor(t.Context(), "nobody")
	require.Error(t, err)
}

// TokenFor gives every demo person a verifiable token with their claims, and the demo people
// hold every role the services know.
func TestTokenForEveryDemoPersonCarriesTheirClaims(t *testing.T) {
	e := start(t, Options{})
	var roles []string
	for _, p := range e.p.People() {
		token, err := e.p.TokenFor(t.Context(), p.Username)
		require.NoError(t, err)
		requirePerson(t, e, e.verify(t, token), p.Username, p.Username)
		roles = append(roles, p.Roles...)
	}
	for _, r := range []string{"coordinator", "author", "reviewer", "publisher", "finance-admin", "finance-reader", "board", "auditor", "information-governance"} {
		require.Contains(t, roles, r)
	}
}

// After a rotation new tokens are signed with the new key, and tokens issued before still verify
// (go-oidc fetches the key set again for the new key ID).
func TestRotateKeepsEarlierTokensValid(t *testing.T) {
	e := start(t, Options{})
	before, err := e.p.TokenFor(t.Context(), "publisher")
	require.NoError(t, err)
	e.verify(t, before)
	require.NoError(t, e.p.Rotate())
	after, err := e.p.TokenFor(t.Context(), "publisher")
	require.NoError(t, err)
	require.NotEqual(t, keyID(t, before), keyID(t, after), "signed with the new key")
	requirePerson(t, e, e.verify(t, after), "publisher", "publisher")
	requirePerson(t, e, e.verify(t, before), "publisher", "publisher")
}

// With SigningKeyDir the keys survive a restart: a token issued before still verifies, and the
// same key signs after.
func TestSigningKeysInADirectorySurviveARestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "oidc")
	e := start(t, Options{SigningKeyDir: dir})
	before, err := e.p.TokenFor(t.Context(), "auditor")
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(dir, keysFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "private keys are readable by their owner only")

	restarted, err := New(Options{Issuer: e.p.Issuer(), SigningKeyDir: dir, Clients: webClients()})
	require.NoError(t, err)
	e.current.Store(restarted)
	// A service that starts now (go-oidc with no keys cached) verifies the earlier token.
	discovered, err := oidc.NewProvider(e.ctx, e.p.Issuer())
	require.NoError(t, err)
	e.verifier = discovered.Verifier(&oidc.Config{ClientID: DefaultAudience})
	requirePerson(t, e, e.verify(t, before), "auditor", "auditor")
	after, err := restarted.TokenFor(t.Context(), "auditor")
	require.NoError(t, err)
	require.Equal(t, keyID(t, before), keyID(t, after), "the kept key still signs")
}
