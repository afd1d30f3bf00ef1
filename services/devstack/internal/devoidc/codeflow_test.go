package devoidc

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func (e *env) dashboard() *oauth2.Config {
	return &oauth2.Config{ClientID: dashboardID, ClientSecret: dashboardSecret, Endpoint: e.oidc.Endpoint(),
		RedirectURL: dashboardRedirect, Scopes: []string{oidc.ScopeOpenID, "profile", oidc.ScopeOfflineAccess}}
}

// openLogin follows the authorization URL as a browser does to the sign-in page and returns the
// sign-in request ID the page's form carries.
func openLogin(t *testing.T, browser *http.Client, authURL string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, authURL, http.NoBody)
	require.NoError(t, err)
	resp, err := browser.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, loginPath, resp.Request.URL.Path)
	id := resp.Request.URL.Query().Get(authRequestField)
	require.NotEmpty(t, id)
	require.Contains(t, string(body), `name="authRequestID" value="`+id+`"`, "the form posts the request ID back")
	return id
}

// answer is an HTTP answer, its body read.
type answer struct {
	status   int
	location string
	body     string
}

// submitLogin posts the sign-in form (with the extra headers given as name, value pairs); on
// success the answer is a redirect to the client with a code.
func submitLogin(t *testing.T, e *env, browser *http.Client, id, username, password string, header ...string) answer {
	t.Helper()
	form := url.Values{authRequestField: {id}, "username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+loginPath, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, browser, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body)}
}

// navigate is a browser's GET.
func navigate(t *testing.T, browser *http.Client, u string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, http.NoBody)
	require.NoError(t, err)
	return do(t, browser, req)
}

// codeFrom reads the code from the redirect to the client, checking the state came back.
func codeFrom(t *testing.T, a answer, redirect, state string) string {
	t.Helper()
	require.Equal(t, http.StatusFound, a.status, a.body)
	loc, err := url.Parse(a.location)
	require.NoError(t, err)
	require.Equal(t, redirect, loc.Scheme+"://"+loc.Host+loc.Path)
	require.Empty(t, loc.Query().Get("error"), loc.Query().Get("error_description"))
	require.Equal(t, state, loc.Query().Get("state"))
	require.NotEmpty(t, loc.Query().Get("code"))
	return loc.Query().Get("code")
}

// The dashboard's sign-in: authorize with PKCE, the sign-in page, the code, the exchange with
// the code_verifier: the access token and the ID token carry the person's claims, and the
// refresh token gives a new access token once.
func TestCodeFlowWithPKCEGivesThePersonsTokens(t *testing.T) {
	e := start(t, Options{})
	cfg, verifier := e.dashboard(), oauth2.GenerateVerifier()
	browser := e.browser(t)
	id := openLogin(t, browser, cfg.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier)))
	code := codeFrom(t, submitLogin(t, e, browser, id, "msk-reviewer-1", "demo"), dashboardRedirect, "state-1")

	tok, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	requirePerson(t, e, e.verify(t, tok.AccessToken), "msk-reviewer-1", dashboardID)
	rawID, ok := tok.Extra("id_token").(string)
	require.True(t, ok, "an ID token comes with the access token")
	idToken, err := e.oidc.Verifier(&oidc.Config{ClientID: dashboardID}).Verify(e.ctx, rawID)
	require.NoError(t, err)
	var idClaims claims
	require.NoError(t, idToken.Claims(&idClaims))
	requirePerson(t, e, idClaims, "msk-reviewer-1", dashboardID)

	_, err = cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	require.Error(t, err, "a code is used once")

	refreshed, err := cfg.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.NoError(t, err)
	requirePerson(t, e, e.verify(t, refreshed.AccessToken), "msk-reviewer-1", dashboardID)
	_, err = cfg.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.Error(t, err, "a refresh token is used once")
}

// A code exchanged with the wrong code_verifier gives nothing; the right one still works, so
// the verifier is what was refused.
func TestCodeFlowRefusesTheWrongCodeVerifier(t *testing.T) {
	e := start(t, Options{})
	cfg, verifier := e.dashboard(), oauth2.GenerateVerifier()
	browser := e.browser(t)
	id := openLogin(t, browser, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
	code := codeFrom(t, submitLogin(t, e, browser, id, "author", "demo"), dashboardRedirect, "s")

	_, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	require.ErrorContains(t, err, "invalid_grant")
	_, err = cfg.Exchange(e.ctx, code)
	require.ErrorContains(t, err, "invalid_request", "no verifier at all")
	tok, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	requirePerson(t, e, e.verify(t, tok.AccessToken), "author", dashboardID)
}

// Without a PKCE challenge (or with "plain") the dashboard's sign-in is refused before the
// sign-in page; only a client marked PKCEOptional (the Temporal Web UI) may omit it.
func TestCodeFlowRequiresPKCE(t *testing.T) {
	e := start(t, Options{})
	cfg, browser := e.dashboard(), e.browser(t)
	for _, opts := range [][]oauth2.AuthCodeOption{nil, {oauth2.SetAuthURLParam("code_challenge", "abc"), oauth2.SetAuthURLParam("code_challenge_method", "plain")}} {
		a := navigate(t, browser, cfg.AuthCodeURL("s", opts...))
		require.Equal(t, http.StatusFound, a.status)
		loc, err := url.Parse(a.location)
		require.NoError(t, err)
		require.Equal(t, "invalid_request", loc.Query().Get("error"))
	}

	ui := &oauth2.Config{ClientID: temporalUIID, ClientSecret: "temporal-secret", Endpoint: e.oidc.Endpoint(),
		RedirectURL: temporalRedirect, Scopes: []string{oidc.ScopeOpenID, "profile"}}
	id := openLogin(t, browser, ui.AuthCodeURL("ui-state"))
	code := codeFrom(t, submitLogin(t, e, browser, id, "board", "demo"), temporalRedirect, "ui-state")
	tok, err := ui.Exchange(e.ctx, code)
	require.NoError(t, err)
	requirePerson(t, e, e.verify(t, tok.AccessToken), "board", temporalUIID)
}

// The sign-in page refuses a wrong password and a cross-origin post, and neither uses up the
// sign-in request: the person can still sign in.
func TestSignInPageRefusesWrongPasswordAndCrossOriginPosts(t *testing.T) {
	e := start(t, Options{})
	cfg, verifier, browser := e.dashboard(), oauth2.GenerateVerifier(), e.browser(t)
	id := openLogin(t, browser, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))

	wrong := submitLogin(t, e, browser, id, "finance-admin", "not-demo")
	require.Equal(t, http.StatusUnauthorized, wrong.status)
	require.Contains(t, wrong.body, "Wrong username or password")

	forged := submitLogin(t, e, browser, id, "finance-admin", "demo", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.test")
	require.Equal(t, http.StatusForbidden, forged.status)
	require.Empty(t, forged.location)

	code := codeFrom(t, submitLogin(t, e, browser, id, "finance-admin", "demo"), dashboardRedirect, "s")
	tok, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	requirePerson(t, e, e.verify(t, tok.AccessToken), "finance-admin", dashboardID)
}
