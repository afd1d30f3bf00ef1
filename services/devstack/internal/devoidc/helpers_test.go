package devoidc

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"
)

// env is a provider served over TLS by httptest, as the devstack serves it, with go-oidc
// pointed at it as a service would be.
type env struct {
	p        *Provider
	srv      *httptest.Server
	ctx      context.Context // carries the http.Client that trusts srv (go-oidc and oauth2 use it)
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier // access tokens: audience "pathways"
	current  *atomic.Pointer[Provider]
}

const (
	dashboardID       = "dashboard"
	dashboardSecret   = "dashboard-secret"
	dashboardRedirect = "https://dashboard.test/auth/callback"
	temporalUIID      = "temporal-ui"
	temporalRedirect  = "https://temporal-ui.test/auth/sso/callback"
)

func webClients() []Client {
	return []Client{
		{ID: dashboardID, Secret: dashboardSecret, RedirectURIs: []string{dashboardRedirect}},
		{ID: temporalUIID, Secret: "temporal-secret", RedirectURIs: []string{temporalRedirect}, PKCEOptional: true},
	}
}

func start(t *testing.T, o Options) *env {
	t.Helper()
	var current atomic.Pointer[Provider]
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { current.Load().ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	o.Issuer = srv.URL
	if o.Clients == nil {
		o.Clients = webClients()
	}
	p, err := New(o)
	require.NoError(t, err)
	current.Store(p)
	e := &env{p: p, srv: srv, ctx: oidc.ClientContext(t.Context(), srv.Client()), current: &current}
	e.oidc, err = oidc.NewProvider(e.ctx, srv.URL)
	require.NoError(t, err, "go-oidc discovers the provider")
	e.verifier = e.oidc.Verifier(&oidc.Config{ClientID: DefaultAudience, SupportedSigningAlgs: []string{oidc.RS256}})
	return e
}

// claims are the claims a service reads from a token.
type claims struct {
	Issuer            string   `json:"iss"`
	Subject           string   `json:"sub"`
	Audience          audience `json:"aud"`
	Expiry            int64    `json:"exp"`
	IssuedAt          int64    `json:"iat"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
	Roles             []string `json:"roles"`
	EOGs              []string `json:"eogs"`
	ODS               []string `json:"ods"`
}

// audience reads aud as a string or a list.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// verify checks the access token as a service does (go-oidc, audience "pathways") and returns
// its claims.
func (e *env) verify(t *testing.T, token string) claims {
	t.Helper()
	tok, err := e.verifier.Verify(e.ctx, token)
	require.NoError(t, err, "go-oidc verifies the access token")
	var c claims
	require.NoError(t, tok.Claims(&c))
	return c
}

// requirePerson checks that c are the claims of the demo person, issued to clientID.
func requirePerson(t *testing.T, e *env, c claims, username, clientID string) {
	t.Helper()
	p, ok := directory{demoPeople()}.byUsername(username)
	require.True(t, ok)
	require.Equal(t, e.p.Issuer(), c.Issuer)
	require.Equal(t, "demo-"+username, c.Subject)
	require.Contains(t, c.Audience, DefaultAudience)
	require.Contains(t, c.Audience, clientID)
	require.Equal(t, p.Name, c.Name)
	require.Equal(t, username, c.PreferredUsername)
	require.Equal(t, nonNil(p.Roles), c.Roles)
	require.Equal(t, nonNil(p.EOGs), c.EOGs)
	require.Equal(t, nonNil(p.ODS), c.ODS)
}

// keyID is the kid in the token's header.
func keyID(t *testing.T, token string) string {
	t.Helper()
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	return jws.Signatures[0].Header.KeyID
}

// browser is a client with a cookie jar that trusts the provider and stops at redirects that
// leave it (to a client's redirect URI).
func (e *env) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := *e.srv.Client()
	c.Jar = jar
	host := e.srv.Listener.Addr().String()
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != host {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return &c
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	Error        string `json:"error"`
	status       int
}

// postForm posts a form (with basic authentication when user is set) and decodes a JSON answer.
func (e *env) postForm(t *testing.T, path string, form url.Values, user, password string) tokenResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var tr tokenResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tr))
	tr.status = resp.StatusCode
	return tr
}
