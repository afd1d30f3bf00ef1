package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// provider is an OpenID Connect provider over TLS for the sign-in tests, made to answer as the
// devstack's (services/devstack/internal/devoidc, which Go's internal rule keeps out of reach of
// this package): discovery, JWKS, /authorize with PKCE S256 required and redirect URIs checked
// exactly, the sign-in form at /login (fields authRequestID, username, password; every password
// "demo"), /oauth/token for the authorization code grant (client secret by HTTP Basic, the code
// once, the code_verifier checked), /end_session. Access tokens are RS256 JWTs for the audience
// "pathways" and the client; ID tokens for the client, with the nonce.
type provider struct {
	srv    *httptest.Server
	signer jose.Signer
	key    *rsa.PrivateKey

	mu        sync.Mutex
	redirects []string
	requests  map[string]authRequest // by authRequestID
	codes     map[string]authRequest // by code
}

const (
	clientID     = "dashboard"
	clientSecret = "dashboard-test-secret"
	demoPassword = "demo"
)

// people are the provider's demo people, by username.
var people = map[string]identitytest.Person{
	"board":  {Subject: "demo-board", Name: "Margaret Hale", Roles: []string{"board"}},
	"author": {Subject: "demo-author", Name: "Grace Adeyemi", Roles: []string{"author"}},
}

type authRequest struct {
	redirect, state, nonce, challenge string
	person                            identitytest.Person
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	require.NoError(t, err)
	p := &provider{signer: signer, key: key, requests: map[string]authRequest{}, codes: map[string]authRequest{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("POST /oauth/token", p.token)
	mux.HandleFunc("GET /end_session", p.endSession)
	p.srv = httptest.NewTLSServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// allow registers a redirect URI of the dashboard client (<page>/auth/callback) and the page
// itself as where sign-out returns.
func (p *provider) allow(redirect string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirects = append(p.redirects, redirect)
}

func (p *provider) URL() string { return p.srv.URL }

// Config is the dashboard's OIDC configuration for this provider.
func (p *provider) Config() identity.OIDC {
	return identity.OIDC{Issuer: p.URL(), Audience: identitytest.Audience, HTTPClient: p.srv.Client()}
}

// Token is an access token for the person, as the token endpoint issues (for API clients).
func (p *provider) Token(t testing.TB, who identitytest.Person) string {
	t.Helper()
	tok, err := p.sign(map[string]any{"sub": who.Subject, "aud": []string{identitytest.Audience, clientID}, "name": who.Name,
		"roles": who.Roles, "eogs": who.EOGs, "ods": who.Orgs})
	require.NoError(t, err)
	return tok
}

func (p *provider) sign(claims map[string]any) (string, error) {
	now := time.Now()
	claims["iss"], claims["iat"], claims["exp"] = p.URL(), now.Unix(), now.Add(time.Hour).Unix()
	return jwt.Signed(p.signer).Claims(claims).Serialize()
}

func (p *provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"issuer": p.URL(), "authorization_endpoint": p.URL() + "/authorize",
		"token_endpoint": p.URL() + "/oauth/token", "jwks_uri": p.URL() + "/keys", "end_session_endpoint": p.URL() + "/end_session",
		"response_types_supported": []string{"code"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported": []string{"S256"}, "token_endpoint_auth_methods_supported": []string{"client_secret_basic"}})
}

func (p *provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	known := slices.Contains(p.redirects, q.Get("redirect_uri"))
	p.mu.Unlock()
	if q.Get("client_id") != clientID || !known {
		http.Error(w, "unknown client or redirect URI", http.StatusBadRequest)
		return
	}
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
		!slices.Contains(strings.Fields(q.Get("scope")), "openid") {
		back(w, r, q.Get("redirect_uri"), url.Values{"error": {"invalid_request"}, "state": {q.Get("state")}})
		return
	}
	id := rand.Text()
	p.mu.Lock()
	p.requests[id] = authRequest{redirect: q.Get("redirect_uri"), state: q.Get("state"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	p.mu.Unlock()
	http.Redirect(w, r, "/login?authRequestID="+id, http.StatusFound)
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><h1>Sign in</h1>{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}<form method="post" action="/login">
<input type="hidden" name="authRequestID" value="{{.ID}}">
<label>Username <input name="username" required></label><label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button></form></body></html>`))

func (p *provider) loginForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
}

func (p *provider) login(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("authRequestID")
	who, ok := people[r.PostFormValue("username")]
	p.mu.Lock()
	req, known := p.requests[id]
	p.mu.Unlock()
	switch {
	case !known:
		http.Error(w, "unknown sign-in request", http.StatusBadRequest)
		return
	case !ok || r.PostFormValue("password") != demoPassword:
		w.WriteHeader(http.StatusUnauthorized)
		_ = loginPage.Execute(w, map[string]string{"ID": id, "Error": "Wrong username or password."})
		return
	}
	code := rand.Text()
	req.person = who
	p.mu.Lock()
	delete(p.requests, id)
	p.codes[code] = req
	p.mu.Unlock()
	back(w, r, req.redirect, url.Values{"code": {code}, "state": {req.state}})
}

// back redirects the browser to the client's redirect URI with the values.
func back(w http.ResponseWriter, r *http.Request, redirect string, v url.Values) {
	http.Redirect(w, r, redirect+"?"+v.Encode(), http.StatusSeeOther) //nolint:gosec // a registered redirect URI (authorize checked it)
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, _ := r.BasicAuth()
	if id != clientID || secret != clientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	req, ok := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code")) // a code is used once
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if !ok || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != req.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	access, err := p.sign(map[string]any{"sub": req.person.Subject, "aud": []string{identitytest.Audience, clientID},
		"name": req.person.Name, "roles": req.person.Roles})
	if err == nil {
		var idt string
		if idt, err = p.sign(map[string]any{"sub": req.person.Subject, "aud": clientID, "nonce": req.nonce, "name": req.person.Name}); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "id_token": idt, "token_type": "Bearer", "expires_in": 3600})
			return
		}
	}
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

func (p *provider) endSession(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("post_logout_redirect_uri")
	p.mu.Lock()
	known := slices.Contains(p.redirects, to+"auth/callback")
	p.mu.Unlock()
	if !known {
		_, _ = w.Write([]byte("signed out\n"))
		return
	}
	http.Redirect(w, r, to, http.StatusFound) //nolint:gosec // checked against the registered page above
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
