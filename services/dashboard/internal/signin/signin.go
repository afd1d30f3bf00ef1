// Package signin signs people in to the dashboard's web page with OpenID Connect: the
// authorization code flow with PKCE (S256) against the configured provider, found by discovery
// from its issuer URL.
//
//   - GET /auth/login starts a sign-in: a random state, PKCE code verifier and nonce go into a
//     short-lived cookie sealed with AES-GCM (a key made at start), and the browser goes to the
//     provider.
//   - GET /auth/callback checks the state against that cookie, exchanges the code with the
//     verifier (and the client secret, for a confidential client), verifies the ID token (its
//     signature, issuer, audience and the nonce) and the access token through the same verifier
//     every API call goes through, then keeps a session and sets its cookie.
//   - POST /auth/logout forgets the session. It needs the session's CSRF token (the page's
//     sign-out form carries it) and refuses cross-origin posts (net/http.CrossOriginProtection);
//     then, when the provider offers one, the browser goes to its end_session_endpoint.
//
// Sessions are kept in memory, by a random 256-bit ID that the session cookie carries (HttpOnly,
// SameSite=Lax, Secure when the page is served over TLS, with the __Host- prefix then), until
// the access token expires; nothing refreshes it, so the person signs in again then (with the
// provider's own single sign-on, usually without typing anything). A restart signs everyone
// out, and replicas behind a load balancer need sticky sessions.
package signin

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// The sign-in routes.
const (
	LoginPath    = "/auth/login"
	CallbackPath = "/auth/callback"
	LogoutPath   = "/auth/logout"
)

// The cookies' names; over TLS they carry the __Host- prefix (Secure, Path=/, no Domain).
const (
	sessionCookie = "dashboard_session"
	pendingCookie = "dashboard_signin"
)

// discoveryTimeout bounds one attempt to read the provider's discovery document.
const discoveryTimeout = 10 * time.Second

// Config is what the sign-in needs.
type Config struct {
	// ClientID and ClientSecret are the page's client at the provider. An empty secret is a
	// public client (PKCE alone).
	ClientID     string
	ClientSecret string
	// PublicURL is the page's base URL as browsers reach it (https://dashboard.example.nhs.uk);
	// the redirect URI is PublicURL + CallbackPath.
	PublicURL string
	// OIDC is the provider: its issuer, the CA its TLS is verified with (or HTTPClient, in
	// tests) and the clock (Now, in tests).
	OIDC identity.OIDC
	// Scopes are asked for besides openid and profile (Entra ID needs the API's scope,
	// api://pathways/.default, to issue an access token for it).
	Scopes []string
	// Secure marks the cookies Secure: browsers reach the page over TLS.
	Secure bool
}

// Flow is the page's sign-in: its handlers, the sessions, and what the page's routes need from
// them (Token, Refused, CSRF). Safe for concurrent use.
type Flow struct {
	cfg      Config
	tokens   identity.Verifier
	client   *http.Client
	sessions *sessions
	sealer   sealer
	now      func() time.Time

	mu       sync.Mutex
	provider *provider
}

// provider is what discovery found.
type provider struct {
	oauth      *oauth2.Config
	idTokens   *oidc.IDTokenVerifier
	endSession string
}

// New returns the sign-in for cfg; tokens verifies the access tokens it receives (the service's
// identity verifier). It reaches the provider at the first sign-in, and again until discovery
// succeeds, so the page may start before its provider.
func New(cfg Config, tokens identity.Verifier) (*Flow, error) {
	if cfg.ClientID == "" || cfg.PublicURL == "" || cfg.OIDC.Issuer == "" || tokens == nil {
		return nil, errors.New("sign-in: a client ID, a public URL, an issuer and a token verifier are required")
	}
	client := cfg.OIDC.HTTPClient
	if client == nil {
		var err error
		if client, err = providerClient(cfg.OIDC.CAFile); err != nil {
			return nil, err
		}
	}
	s, err := newSealer()
	if err != nil {
		return nil, err
	}
	now := cfg.OIDC.Now
	if now == nil {
		now = time.Now
	}
	return &Flow{cfg: cfg, tokens: tokens, client: client, sessions: newSessions(now), sealer: s, now: now}, nil
}

// providerClient reaches the provider trusting the system roots and the PEM bundle caFile (as
// identity's verifier does for -oidc-ca-file).
func providerClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile) //nolint:gosec // the operator's own -oidc-ca-file
		if err != nil {
			return nil, fmt.Errorf("oidc-ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("oidc-ca-file: %s holds no PEM certificate", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: discoveryTimeout}, nil
}

// discover reads the provider's discovery document once it can.
func (f *Flow) discover(ctx context.Context) (*provider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.provider != nil {
		return f.provider, nil
	}
	dctx, cancel := context.WithTimeout(oidc.ClientContext(context.WithoutCancel(ctx), f.client), discoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(dctx, f.cfg.OIDC.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", f.cfg.OIDC.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&meta) // the document parsed once already
	f.provider = &provider{
		oauth: &oauth2.Config{ClientID: f.cfg.ClientID, ClientSecret: f.cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: f.cfg.PublicURL + CallbackPath, Scopes: append([]string{oidc.ScopeOpenID, "profile"}, f.cfg.Scopes...)},
		idTokens: p.Verifier(&oidc.Config{ClientID: f.cfg.ClientID, SupportedSigningAlgs: identity.SigningAlgorithms,
			Now: f.cfg.OIDC.Now}),
		endSession: meta.EndSession,
	}
	return f.provider, nil
}

// Login is GET /auth/login[?next=/path]: it sends the browser to the provider to sign in.
func (f *Flow) Login() http.Handler { return http.HandlerFunc(f.login) }

func (f *Flow) login(w http.ResponseWriter, r *http.Request) {
	p, err := f.discover(r.Context())
	if err != nil {
		slog.WarnContext(r.Context(), "sign-in: identity provider unavailable", "error", err)
		f.problem(w, http.StatusServiceUnavailable, "The sign-in service cannot be reached just now. Try again in a minute.")
		return
	}
	st := pending{State: randomID(), Verifier: oauth2.GenerateVerifier(), Nonce: randomID(),
		Next: localPath(r.URL.Query().Get("next")), Expires: f.now().Add(pendingLifetime)}
	f.setCookie(w, pendingCookie, f.sealer.seal(f.cookieName(pendingCookie), st), pendingLifetime)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, p.oauth.AuthCodeURL(st.State, oauth2.S256ChallengeOption(st.Verifier), oidc.Nonce(st.Nonce)), http.StatusFound)
}

// Callback is GET /auth/callback, where the provider sends the browser back with a code.
func (f *Flow) Callback() http.Handler { return http.HandlerFunc(f.callback) }

func (f *Flow) callback(w http.ResponseWriter, r *http.Request) {
	st, ok := f.pendingOf(r)
	q := r.URL.Query()
	switch {
	case !ok:
		f.problem(w, http.StatusBadRequest, "This sign-in was not started here or took too long.")
		return
	case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1:
		// Not this browser's sign-in (a forged or stale link): the one under way stays.
		f.problem(w, http.StatusBadRequest, "This sign-in does not match the one started here (state).")
		return
	}
	f.setCookie(w, pendingCookie, "", -1) // the state matched: this sign-in is used up, however it ends
	if q.Get("error") != "" {
		f.problem(w, http.StatusUnauthorized, "The sign-in service did not sign you in: "+q.Get("error")+" "+q.Get("error_description"))
		return
	}
	s, err := f.complete(r.Context(), q.Get("code"), st)
	if err != nil {
		slog.WarnContext(r.Context(), "sign-in refused", "error", err)
		f.problem(w, http.StatusUnauthorized, "The sign-in could not be completed.")
		return
	}
	f.setCookie(w, sessionCookie, f.sessions.add(s), s.expires.Sub(f.now()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, st.Next, http.StatusSeeOther)
}

// complete exchanges the code for the person's tokens and checks them.
func (f *Flow) complete(ctx context.Context, code string, st pending) (session, error) {
	p, err := f.discover(ctx)
	if err != nil {
		return session{}, err
	}
	ctx = oidc.ClientContext(ctx, f.client)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return session{}, fmt.Errorf("exchange the code: %w", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return session{}, errors.New("the provider sent no ID token")
	}
	idt, err := p.idTokens.Verify(ctx, rawID)
	if err != nil {
		return session{}, fmt.Errorf("ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return session{}, errors.New("ID token: its nonce is not this sign-in's")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return session{}, fmt.Errorf("ID token: at_hash: %w", err)
		}
	}
	if _, err := f.tokens.Verify(ctx, tok.AccessToken); err != nil {
		return session{}, fmt.Errorf("access token: %w", err)
	}
	expires := tok.Expiry
	if expires.IsZero() {
		expires = idt.Expiry
	}
	return session{token: tok.AccessToken, idToken: rawID, csrf: randomID(), expires: expires}, nil
}

func (f *Flow) pendingOf(r *http.Request) (pending, bool) {
	c, err := r.Cookie(f.cookieName(pendingCookie))
	if err != nil {
		return pending{}, false
	}
	return f.sealer.open(f.cookieName(pendingCookie), c.Value, f.now())
}
