package devoidc

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// The sign-in pages' paths and form fields.
const (
	loginPath        = "/login"      // the code flow's sign-in page
	devicePath       = "/device"     // the device flow's page: user code and sign-in
	loggedOutPath    = "/logged-out" // where /end_session lands without a redirect URI
	authRequestField = "authRequestID"
	userCodeField    = "user_code"
	maxFormBytes     = 16 << 10
)

// page is what the sign-in template shows.
type page struct {
	Title         string
	ClientID      string // who asks for the sign-in
	AuthRequestID string // the code flow: posted back, nothing else but the credentials
	Device        bool   // the device flow: a user code field
	UserCode      string
	Username      string
	Error         string
	Done          string // a message instead of the form
	People        []Person
}

// signInPages serves /login, /device and /logged-out.
type signInPages struct {
	store    *storage
	people   []Person
	callback func(context.Context, string) string // the op's /authorize/callback URL for a request ID
}

func (l *signInPages) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+loginPath, l.loginForm)
	mux.HandleFunc("POST "+loginPath, l.login)
	mux.HandleFunc("GET "+devicePath, l.deviceForm)
	mux.HandleFunc("POST "+devicePath, l.deviceLogin)
	mux.HandleFunc("GET "+loggedOutPath, func(w http.ResponseWriter, _ *http.Request) {
		l.render(w, http.StatusOK, page{Title: "Signed out", Done: "You are signed out."})
	})
}

func (l *signInPages) loginForm(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get(authRequestField)
	clientID, ok := l.store.requestClient(id)
	if !ok {
		l.render(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: "Unknown, used or expired sign-in request: start again from the application."})
		return
	}
	l.render(w, http.StatusOK, page{Title: "Sign in", ClientID: clientID, AuthRequestID: id})
}

func (l *signInPages) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	id, user := r.PostFormValue(authRequestField), r.PostFormValue("username")
	clientID, ok := l.store.requestClient(id)
	if !ok {
		l.render(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: "Unknown, used or expired sign-in request: start again from the application."})
		return
	}
	p, ok := l.store.people.authenticate(user, r.PostFormValue("password"))
	if !ok {
		l.render(w, http.StatusUnauthorized, page{Title: "Sign in", ClientID: clientID, AuthRequestID: id, Username: user, Error: "Wrong username or password."})
		return
	}
	if err := l.store.signIn(id, p); err != nil {
		l.render(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: err.Error()})
		return
	}
	http.Redirect(w, r, l.callback(r.Context(), id), http.StatusSeeOther)
}

func (l *signInPages) deviceForm(w http.ResponseWriter, r *http.Request) {
	l.render(w, http.StatusOK, page{Title: "Sign in on your device", Device: true, UserCode: r.URL.Query().Get(userCodeField)})
}

func (l *signInPages) deviceLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	code, user := r.PostFormValue(userCodeField), r.PostFormValue("username")
	retry := page{Title: "Sign in on your device", Device: true, UserCode: code, Username: user}
	p, ok := l.store.people.authenticate(user, r.PostFormValue("password"))
	if !ok {
		retry.Error = "Wrong username or password."
		l.render(w, http.StatusUnauthorized, retry)
		return
	}
	clientID, err := l.store.completeDevice(code, p)
	if err != nil {
		retry.Error = err.Error()
		l.render(w, http.StatusBadRequest, retry)
		return
	}
	l.render(w, http.StatusOK, page{Title: "Signed in", Done: "Signed in as " + p.Name + " (" + p.Username + ") for " + clientID + ". You can go back to your device."})
}

func (l *signInPages) render(w http.ResponseWriter, status int, pg page) {
	pg.People = l.people
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := pageTemplate.Execute(w, pg); err != nil {
		slog.Error("render the sign-in page", "error", err)
	}
}

// callbackURL is the op's /authorize/callback URL for a sign-in request.
func callbackURL(o *op.Provider, issuer string) func(context.Context, string) string {
	cb := op.AuthCallbackURL(o)
	return func(ctx context.Context, id string) string { return cb(op.ContextWithIssuer(ctx, issuer), id) }
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · pathways dev sign-in</title>
<style>body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{font-size:1rem;padding:.3rem}.error{color:#a00}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}</style>
</head><body>
<h1>{{.Title}}</h1>
<p><strong>Development identity provider</strong> of the pathways devstack: demo people only.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Done}}<p>{{.Done}}</p>
{{else if or .AuthRequestID .Device}}
{{if .ClientID}}<p>Sign in to <strong>{{.ClientID}}</strong>.</p>{{end}}
<form method="post" action="{{if .Device}}/device{{else}}/login{{end}}">
{{if .Device}}<label>Code shown on your device <input name="user_code" value="{{.UserCode}}" required autocomplete="off"></label>
{{else}}<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">{{end}}
<label>Username <input name="username" value="{{.Username}}" required autocomplete="username"></label>
<label>Password <input name="password" type="password" required autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<h2>Demo people</h2><p>Every password is <code>demo</code>.</p>
<table><tr><th>username</th><th>name</th><th>roles</th><th>Expert Oversight Groups</th><th>organisations</th></tr>
{{range .People}}<tr><td><code>{{.Username}}</code></td><td>{{.Name}}</td><td>{{range $i, $r := .Roles}}{{if $i}}, {{end}}{{$r}}{{end}}</td><td>{{range $i, $e := .EOGs}}{{if $i}}, {{end}}{{$e}}{{end}}</td><td>{{range $i, $o := .ODS}}{{if $i}}, {{end}}{{$o}}{{end}}</td></tr>
{{end}}</table>
{{end}}
</body></html>
`))
