package signin

import (
	"crypto/subtle"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Logout is POST /auth/logout: it forgets the browser's session, clears its cookie and sends
// the browser to the provider's sign-out (or to the page). The form must carry the session's
// CSRF token as "csrf"; cross-origin posts are refused before that.
func (f *Flow) Logout() http.Handler {
	return http.NewCrossOriginProtection().Handler(http.HandlerFunc(f.logout))
}

func (f *Flow) logout(w http.ResponseWriter, r *http.Request) {
	id, s, ok := f.session(r)
	if ok && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
		f.problem(w, http.StatusForbidden, "This sign-out form is out of date: reload the page and sign out again.")
		return
	}
	f.sessions.remove(id)
	f.setCookie(w, sessionCookie, "", -1)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, f.afterLogout(r, s, ok), http.StatusSeeOther) //nolint:gosec // "/" or the provider's end_session_endpoint from discovery, never from the request
}

// afterLogout is where the browser goes once signed out: the provider's end_session_endpoint
// (so its own session ends too), coming back to the page; the page itself without one.
func (f *Flow) afterLogout(r *http.Request, s session, ok bool) string {
	if !ok {
		return "/"
	}
	p, err := f.discover(r.Context())
	if err != nil || p.endSession == "" {
		return "/"
	}
	u, err := url.Parse(p.endSession)
	if err != nil {
		slog.WarnContext(r.Context(), "sign-out: the provider's end_session_endpoint is not a URL", "error", err)
		return "/"
	}
	q := u.Query()
	q.Set("id_token_hint", s.idToken)
	q.Set("client_id", f.cfg.ClientID)
	q.Set("post_logout_redirect_uri", f.cfg.PublicURL+"/")
	u.RawQuery = q.Encode()
	return u.String()
}

// session returns the browser's live session and its ID.
func (f *Flow) session(r *http.Request) (string, session, bool) {
	c, err := r.Cookie(f.cookieName(sessionCookie))
	if err != nil {
		return "", session{}, false
	}
	s, ok := f.sessions.get(c.Value)
	return c.Value, s, ok
}

// Token returns the access token of the browser's session, or "": for identity.TokenFrom, so
// the page's routes verify it as they would a bearer token.
func (f *Flow) Token(r *http.Request) string {
	_, s, _ := f.session(r)
	return s.token
}

// CSRF returns the token the page's sign-out form must carry, or "" without a session.
func (f *Flow) CSRF(r *http.Request) string {
	_, s, _ := f.session(r)
	return s.csrf
}

// Refused answers a refusal of the page's routes for a browser (identity.OnRefusal): without a
// valid identity, a redirect to sign in that comes back to the same page; signed in without a
// role the page needs, a page saying so with a sign-out button. API clients (an Authorization
// header, or no text/html in Accept) keep the plain 401 or 403.
func (f *Flow) Refused(w http.ResponseWriter, r *http.Request, err error) bool {
	if r.Header.Get("Authorization") != "" || !strings.Contains(r.Header.Get("Accept"), "text/html") {
		return false
	}
	switch status.Code(err) {
	case codes.Unauthenticated:
		if r.Method != http.MethodGet {
			return false
		}
		if id, _, _ := f.session(r); id != "" {
			f.sessions.remove(id) // a session whose token no longer verifies
		}
		http.Redirect(w, r, LoginPath+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return true
	case codes.PermissionDenied:
		f.render(w, http.StatusForbidden, problemPage{Title: "Not allowed", Message: status.Convert(err).Message(), CSRF: f.CSRF(r)})
		return true
	}
	return false
}

func (f *Flow) cookieName(base string) string {
	if f.cfg.Secure {
		return "__Host-" + base
	}
	return base
}

// setCookie sets (or, with a negative maxAge, clears) one of the sign-in's cookies.
func (f *Flow) setCookie(w http.ResponseWriter, base, value string, maxAge time.Duration) {
	age := int(maxAge / time.Second)
	if maxAge < 0 {
		age = -1
	}
	//nolint:gosec // HttpOnly and SameSite=Lax always; Secure whenever browsers reach the page over TLS (never over plain http on loopback)
	http.SetCookie(w, &http.Cookie{Name: f.cookieName(base), Value: value, Path: "/", MaxAge: age,
		HttpOnly: true, Secure: f.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// problemPage is a sign-in problem shown to a person, with a way on.
type problemPage struct {
	Title, Message string
	CSRF           string // with a session: a sign-out button
}

var problemTemplate = template.Must(template.New("problem").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – System Dashboard</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main class="wrap" id="main"><h1>{{.Title}}</h1><p id="problem">{{.Message}}</p>
{{if .CSRF}}<form method="post" action="` + LogoutPath + `"><input type="hidden" name="csrf" value="{{.CSRF}}"><button type="submit" id="sign-out">Sign out</button></form>
{{else}}<p><a class="button" id="sign-in" href="` + LoginPath + `">Sign in</a></p>{{end}}</main></body></html>
`))

func (f *Flow) problem(w http.ResponseWriter, code int, msg string) {
	f.render(w, code, problemPage{Title: "Sign-in", Message: msg})
}

func (f *Flow) render(w http.ResponseWriter, code int, p problemPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if err := problemTemplate.Execute(w, p); err != nil {
		slog.Error("render the sign-in problem page", "error", err)
	}
}
