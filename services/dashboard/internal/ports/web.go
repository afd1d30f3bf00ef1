package ports

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/signin"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

//go:embed web
var webFS embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"pct": pct, "pence": pounds, "num": num, "segment": segmentName,
	"n": count, "count": shareCount, "total": shareTotal, "mean": meanOf, "hidden": withheld,
}).ParseFS(webFS, "web/page.html"))

// WebOptions say how the web routes are guarded.
type WebOptions struct {
	// Guard decides every route by its row in the access table (identity.Interceptor.Handle,
	// the route's pattern as its key; a calling service known by its client certificate):
	// /{$} and /export.csv for people with a role that reads the figures, /metrics for the
	// prometheus service, /static/, /healthz and the sign-in routes for anyone (whatever
	// Authorization header they bring).
	Guard identity.Interceptor
	// SignIn, when set, signs people in to the page with OpenID Connect and serves its routes;
	// the page and the CSV then take the token of the browser's session. Nil leaves them to
	// bearer tokens (or, with an insecure Guard, to anyone).
	SignIn *signin.Flow
}

// Web is the dashboard's web handler (safe for concurrent use) and the routes it serves, each
// pattern being the route's key in the access table.
type Web struct {
	http.Handler
	Routes []string
}

// NewWeb serves the dashboard page (/), its embedded assets (/static/), the CSV export
// (/export.csv), /metrics, /healthz and, with o.SignIn, /auth/login, /auth/callback and
// /auth/logout, every one behind o.Guard.
func NewWeb(a *app.App, m *Metrics, o WebOptions) *Web {
	web := &Web{}
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler, opts ...identity.HTTPOption) {
		guarded := o.Guard.Handle(pattern, h, append(opts, identity.ServiceFrom(tlsconf.RequestService))...)
		if o.Guard.Policy[pattern].Public {
			guarded = withoutCredentials(guarded)
		}
		mux.Handle(pattern, guarded)
		web.Routes = append(web.Routes, pattern)
	}
	var pageOpts []identity.HTTPOption
	csrf := func(*http.Request) string { return "" }
	if o.SignIn != nil {
		pageOpts = []identity.HTTPOption{identity.TokenFrom(o.SignIn.Token), identity.OnRefusal(o.SignIn.Refused)}
		csrf = o.SignIn.CSRF
		handle("GET "+signin.LoginPath, o.SignIn.Login())
		handle("GET "+signin.CallbackPath, o.SignIn.Callback())
		handle("POST "+signin.LogoutPath, o.SignIn.Logout())
	}
	static, _ := fs.Sub(webFS, "web/static")
	handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	handle("GET "+metrics.Path, metrics.Handler())
	handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) }))
	handle("GET /export.csv", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.PageView(r.Context(), "/export.csv")
		serveCSV(a, w, r)
	}), pageOpts...)
	handle("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.PageView(r.Context(), "/")
		servePage(a, w, r, csrf(r))
	}), pageOpts...)
	web.Handler = securityHeaders(mux)
	return web
}

// withoutCredentials serves a route the table opens to anyone without its Authorization
// header, so a stale or broken token cannot get a public route (an asset, the sign-in) refused.
func withoutCredentials(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			r = r.Clone(r.Context())
			r.Header.Del("Authorization")
		}
		h.ServeHTTP(w, r)
	})
}

func serveCSV(a *app.App, w http.ResponseWriter, r *http.Request) {
	f, err := filterFromQuery(a, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b, err := a.ExportCSV(r.Context(), f, viewer(r.Context()))
	if err != nil {
		http.Error(w, "export failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="system-dashboard.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b) //nolint:gosec // CSV served as an attachment, never rendered as HTML
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func filterFromQuery(a *app.App, r *http.Request) (domain.Filter, error) {
	q := r.URL.Query()
	seg, err := strconv.ParseInt(q.Get("segment"), 10, 32)
	if q.Get("segment") == "" {
		seg, err = 0, nil
	}
	if err != nil {
		return domain.Filter{}, &domain.ValidationError{Violations: []domain.FieldViolation{{Field: "segment", Description: "must be a segment number"}}}
	}
	return domain.NewFilter(domain.FilterInput{PathwayID: q.Get("pathway"), PCN: q.Get("pcn"), Segment: int32(seg),
		FromMonth: q.Get("from"), ToMonth: q.Get("to")}, a.Now())
}

func servePage(a *app.App, w http.ResponseWriter, r *http.Request, csrf string) {
	v := &view{Query: r.URL.RawQuery, Segments: segments, CSRF: csrf}
	if p, ok := identity.FromContext(r.Context()); ok {
		v.User = p.Actor
	}
	q := r.URL.Query()
	v.Pathway, v.PCN, v.Segment = q.Get("pathway"), q.Get("pcn"), q.Get("segment")
	status := http.StatusOK
	f, err := filterFromQuery(a, r)
	var ve *domain.ValidationError
	switch {
	case errors.As(err, &ve):
		status, v.Problems = http.StatusBadRequest, ve.Violations
		f, _ = domain.NewFilter(domain.FilterInput{}, a.Now())
	case err != nil:
		http.Error(w, "bad filter", http.StatusBadRequest)
		return
	}
	v.From, v.To = f.Period.From.String(), f.Period.To.String()
	if err := v.load(r, a, f); err != nil {
		slog.ErrorContext(r.Context(), "dashboard page", "error", err)
		http.Error(w, "the dashboard could not be built", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := page.Execute(w, v); err != nil {
		slog.ErrorContext(r.Context(), "render dashboard page", "error", err)
	}
}

// pct is a share's percentage, from the true counts: "no data" without any, the suppressed
// mark when withheld.
func pct(s *dashboardv1.Share) template.HTML {
	switch {
	case s.GetHasPercent():
		return template.HTML(strconv.FormatFloat(s.GetPercent(), 'f', 1, 64) + "%") //nolint:gosec // a number
	case withheld(s):
		return suppressed
	}
	return "no data"
}

// withheld reports whether a share's count or total is withheld under the disclosure rule.
func withheld(s *dashboardv1.Share) bool { return s.GetCountSuppressed() || s.GetTotalSuppressed() }

// suppressedMark is how a withheld figure is shown (app.Suppressed, as in CSV).
const suppressedMark = app.Suppressed

// suppressed marks a withheld figure on the page; the footnote says why.
const suppressed = template.HTML(`<abbr class="suppressed" title="not shown: a small number (see the note at the foot of the page)">` + //nolint:gosec // constant markup
	suppressedMark + `</abbr>`)

// count is a count as shown: the suppressed mark when withheld.
func count(v int64, hidden bool) template.HTML {
	if hidden {
		return suppressed
	}
	return template.HTML(strconv.FormatInt(v, 10)) //nolint:gosec // a number
}

func shareCount(s *dashboardv1.Share) template.HTML {
	return count(s.GetCount(), s.GetCountSuppressed())
}

func shareTotal(s *dashboardv1.Share) template.HTML {
	return count(s.GetTotal(), s.GetTotalSuppressed())
}

// meanOf is a mean as shown: the suppressed mark when its base is withheld.
func meanOf(v float64, hidden bool) template.HTML {
	if hidden {
		return suppressed
	}
	return template.HTML(num(v)) //nolint:gosec // a number
}

func pounds(p int64) string {
	return "£" + strconv.FormatFloat(float64(p)/100, 'f', 2, 64)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

var segments = []struct {
	Value int
	Name  string
}{{1, "Generally healthy"}, {2, "Long-term conditions"}, {3, "Complex"}}

func segmentName(v string) string {
	for _, s := range segments {
		if strconv.Itoa(s.Value) == v {
			return s.Name
		}
	}
	return "All segments"
}
