package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
)

// webClient is an http.Client that acts as a browser: it keeps cookies, asks for HTML and trusts
// the dashboard's CA and the provider's certificate. It does not follow redirects by itself, so
// each step of the sign-in is checked.
type webClient struct {
	t *testing.T
	c *http.Client
}

// answer is an HTTP answer, its body read.
type answer struct {
	status   int
	location string // absolute
	body     string
	cookies  []*http.Cookie
}

func (a answer) cookie(name string) *http.Cookie {
	for _, c := range a.cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func newBrowser(t *testing.T, svc *service, p *provider) *webClient {
	t.Helper()
	pem, err := os.ReadFile(svc.ca.CAFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))
	pool.AddCert(p.srv.Certificate())
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &webClient{t: t, c: &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *webClient) do(req *http.Request) answer {
	b.t.Helper()
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	a := answer{status: resp.StatusCode, body: string(body), cookies: resp.Cookies()}
	if loc, err := resp.Location(); err == nil {
		a.location = loc.String()
	}
	return a
}

func (b *webClient) get(u string) answer {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodGet, u, http.NoBody)
	require.NoError(b.t, err)
	return b.do(req)
}

// post submits a form; header holds extra name, value pairs.
func (b *webClient) post(u string, form url.Values, header ...string) answer {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

// startSignInService is the dashboard over TLS signing people in with the test provider, the
// fixture's facts loaded.
func startSignInService(t *testing.T) (*service, *provider) {
	t.Helper()
	p := newProvider(t)
	svc := startServiceWith(t, fixtureNow, setup{issuer: p}, func(c *server.Config) {
		c.Web.ClientSecret, c.Web.Scopes = clientSecret, "pathways.read"
	})
	p.allow(svc.srv.WebURL() + "/auth/callback")
	svc.load(t, sevenJourneys())
	return svc, p
}

// toProvider follows the dashboard's redirects from a page to the provider's sign-in form and
// returns the form's sign-in request ID.
func toProvider(t *testing.T, b *webClient, svc *service, page string) string {
	t.Helper()
	a := b.get(svc.srv.WebURL() + page)
	require.Equal(t, http.StatusSeeOther, a.status, "a browser without a session is sent to sign in")
	require.Equal(t, svc.srv.WebURL()+"/auth/login?next="+url.QueryEscape(page), a.location)
	a = b.get(a.location)
	require.Equal(t, http.StatusFound, a.status, a.body)
	a = b.get(a.location) // the provider's /authorize
	require.Equal(t, http.StatusFound, a.status, a.body)
	a = b.get(a.location) // its sign-in form
	require.Equal(t, http.StatusOK, a.status, a.body)
	m := regexp.MustCompile(`name="authRequestID" value="([^"]+)"`).FindStringSubmatch(a.body)
	require.Len(t, m, 2, a.body)
	return m[1]
}

// signInAs goes through the whole sign-in as the demo person username from page, and returns
// the answer of the page it comes back to.
func signInAs(t *testing.T, b *webClient, svc *service, p *provider, username, page string) answer {
	t.Helper()
	id := toProvider(t, b, svc, page)
	a := b.post(p.URL()+"/login", url.Values{"authRequestID": {id}, "username": {username}, "password": {demoPassword}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	a = b.get(a.location) // the dashboard's /auth/callback
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	require.Equal(t, svc.srv.WebURL()+page, a.location, "back to the page asked for")
	return b.get(a.location)
}

// TestSignInWithTheCodeFlowAndPKCE: a browser asking for the page is sent to sign in; the
// dashboard sends it to the provider with PKCE (S256), a state and a nonce, keeping them in a
// sealed cookie; after signing in at the provider, the callback sets a session cookie
// (HttpOnly, Secure, SameSite=Lax) and the page shows the figures and who is signed in.
func TestSignInWithTheCodeFlowAndPKCE(t *testing.T) {
	svc, p := startSignInService(t)
	b := newBrowser(t, svc, p)
	page := "/?pcn=U12345&from=2026-01&to=2026-03"
	a := b.get(svc.srv.WebURL() + "/auth/login?next=" + url.QueryEscape(page))
	require.Equal(t, http.StatusFound, a.status)
	auth, err := url.Parse(a.location)
	require.NoError(t, err)
	require.Equal(t, p.URL()+"/authorize", auth.Scheme+"://"+auth.Host+auth.Path)
	q := auth.Query()
	require.Equal(t, "dashboard", q.Get("client_id"))
	require.Equal(t, svc.srv.WebURL()+"/auth/callback", q.Get("redirect_uri"))
	require.Equal(t, "code", q.Get("response_type"))
	require.Equal(t, "S256", q.Get("code_challenge_method"))
	require.Len(t, q.Get("code_challenge"), 43, "base64url of a SHA-256")
	require.NotEmpty(t, q.Get("state"))
	require.NotEmpty(t, q.Get("nonce"))
	require.Equal(t, []string{"openid", "profile", "pathways.read"}, strings.Fields(q.Get("scope")), "and -web-oidc-scopes")
	pending := a.cookie("__Host-dashboard_signin")
	require.NotNil(t, pending, "the sign-in under way is kept in a cookie")
	require.True(t, pending.HttpOnly && pending.Secure && pending.SameSite == http.SameSiteLaxMode, "%+v", pending)
	require.NotContains(t, pending.Value, q.Get("state"), "sealed: the state cannot be read from it")

	home := signInAs(t, b, svc, p, "board", page)
	require.Equal(t, http.StatusOK, home.status, home.body)
	svc.token = svc.board // as the page's board member sees them (under the disclosure rule)
	want := svc.system(t, &dashboardv1.Filter{PcnOdsCode: "U12345", FromMonth: "2026-01", ToMonth: "2026-03"})
	require.Equal(t, fmtInt(want.GetReferralsReceived()), attr(t, home.body, "fig-referrals-received", "data-value"))
	require.Equal(t, "Margaret Hale", attr(t, home.body, "signed-in", "data-user"))
	require.Contains(t, home.body, `<button type="submit" class="secondary" id="sign-out">Sign out</button>`)

	csv := b.get(svc.srv.WebURL() + "/export.csv?from=2026-01&to=2026-03")
	require.Equal(t, http.StatusOK, csv.status, "the session reaches the CSV too")
	require.Contains(t, csv.body, "lens,figure,key,month,value,count,total,percent")
}

// TestSessionCookieIsHttpOnlySecureAndLax checks the session cookie the callback sets.
func TestSessionCookieIsHttpOnlySecureAndLax(t *testing.T) {
	svc, p := startSignInService(t)
	b := newBrowser(t, svc, p)
	id := toProvider(t, b, svc, "/")
	a := b.post(p.URL()+"/login", url.Values{"authRequestID": {id}, "username": {"board"}, "password": {demoPassword}})
	a = b.get(a.location)
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	s := a.cookie("__Host-dashboard_session")
	require.NotNil(t, s, "the callback sets the session cookie")
	require.True(t, s.HttpOnly, "HttpOnly")
	require.True(t, s.Secure, "Secure over TLS")
	require.Equal(t, http.SameSiteLaxMode, s.SameSite)
	require.Equal(t, "/", s.Path)
	require.Positive(t, s.MaxAge, "it lasts as long as the access token")
	require.LessOrEqual(t, s.MaxAge, 3600)
	require.GreaterOrEqual(t, len(s.Value), 43, "a random 256-bit session ID")
	cleared := a.cookie("__Host-dashboard_signin")
	require.NotNil(t, cleared)
	require.Negative(t, cleared.MaxAge, "the sign-in's cookie is used once")
}

// TestCallbackRefusesAWrongState: a callback whose state is not the one this browser started
// (a forged link) is refused and signs nobody in, while the sign-in under way still completes;
// a callback in a browser that started no sign-in is refused.
func TestCallbackRefusesAWrongState(t *testing.T) {
	svc, p := startSignInService(t)
	b := newBrowser(t, svc, p)
	id := toProvider(t, b, svc, "/")
	back := b.post(p.URL()+"/login", url.Values{"authRequestID": {id}, "username": {"board"}, "password": {demoPassword}})
	require.Equal(t, http.StatusSeeOther, back.status)
	cb, err := url.Parse(back.location)
	require.NoError(t, err)

	forged := *cb
	q := forged.Query()
	q.Set("state", "not-the-state-this-browser-started")
	forged.RawQuery = q.Encode()
	a := b.get(forged.String())
	require.Equal(t, http.StatusBadRequest, a.status)
	require.Contains(t, a.body, "does not match")
	require.Nil(t, a.cookie("__Host-dashboard_session"))
	require.Equal(t, http.StatusSeeOther, b.get(svc.srv.WebURL()+"/").status, "still not signed in")

	stranger := newBrowser(t, svc, p)
	a = stranger.get(cb.String())
	require.Equal(t, http.StatusBadRequest, a.status, "a browser that started no sign-in")
	require.Nil(t, a.cookie("__Host-dashboard_session"))

	a = b.get(cb.String())
	require.Equal(t, http.StatusSeeOther, a.status, "the real callback still completes: %s", a.body)
	require.Equal(t, http.StatusOK, b.get(svc.srv.WebURL()+"/").status)
}

// TestSignOutEndsTheSession: sign-out needs the page's CSRF token and a same-origin post; then
// the session is forgotten on the server (its cookie replayed is no session), the cookie is
// cleared and the browser goes to the provider's sign-out, which returns it to the page.
func TestSignOutEndsTheSession(t *testing.T) {
	svc, p := startSignInService(t)
	b := newBrowser(t, svc, p)
	home := signInAs(t, b, svc, p, "board", "/")
	require.Equal(t, http.StatusOK, home.status)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(home.body)
	require.Len(t, m, 2, "the sign-out form carries a CSRF token")
	base, err := url.Parse(svc.srv.WebURL())
	require.NoError(t, err)
	session := ""
	for _, c := range b.c.Jar.Cookies(base) {
		if c.Name == "__Host-dashboard_session" {
			session = c.Value
		}
	}
	require.NotEmpty(t, session)
	logout := svc.srv.WebURL() + "/auth/logout"

	a := b.post(logout, url.Values{"csrf": {"wrong"}})
	require.Equal(t, http.StatusForbidden, a.status, "without the page's CSRF token")
	a = b.post(logout, url.Values{"csrf": {m[1]}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, a.status, "a cross-origin post")
	require.Equal(t, http.StatusOK, b.get(svc.srv.WebURL()+"/").status, "still signed in")

	a = b.post(logout, url.Values{"csrf": {m[1]}}, "Origin", svc.srv.WebURL(), "Sec-Fetch-Site", "same-origin")
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	end, err := url.Parse(a.location)
	require.NoError(t, err)
	require.Equal(t, p.URL()+"/end_session", end.Scheme+"://"+end.Host+end.Path)
	require.Equal(t, svc.srv.WebURL()+"/", end.Query().Get("post_logout_redirect_uri"))
	require.NotEmpty(t, end.Query().Get("id_token_hint"))
	require.Negative(t, a.cookie("__Host-dashboard_session").MaxAge, "the cookie is cleared")
	a = b.get(a.location)
	require.Equal(t, svc.srv.WebURL()+"/", a.location, "the provider sends the browser back to the page")
	require.Equal(t, http.StatusSeeOther, b.get(svc.srv.WebURL()+"/").status, "signed out: sent to sign in again")

	replay, err := http.NewRequestWithContext(t.Context(), http.MethodGet, svc.srv.WebURL()+"/", http.NoBody)
	require.NoError(t, err)
	replay.AddCookie(&http.Cookie{Name: "__Host-dashboard_session", Value: session}) //nolint:gosec // a request's cookie: the attributes are the server's to set
	a = newBrowser(t, svc, p).do(replay)
	require.Equal(t, http.StatusSeeOther, a.status, "the old session cookie is no session any more")
}

// TestSignedInWithoutARoleIsToldWhy: a person whose token carries no role that reads the
// figures (an author) is signed in but refused the page, with the reason and a sign-out button.
func TestSignedInWithoutARoleIsToldWhy(t *testing.T) {
	svc, p := startSignInService(t)
	b := newBrowser(t, svc, p)
	a := signInAs(t, b, svc, p, "author", "/")
	require.Equal(t, http.StatusForbidden, a.status)
	require.Contains(t, a.body, `Grace Adeyemi may not call GET /{$}`)
	require.Contains(t, a.body, `id="sign-out"`)
	require.NotContains(t, a.body, "fig-referrals-received")
}

func fmtInt(v int64) string { return strconv.FormatInt(v, 10) }
