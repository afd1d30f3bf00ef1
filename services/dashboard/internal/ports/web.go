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
	"github.com/nhs-pathways/pathways/services/platform/metrics"
)

//go:embed web
var webFS embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"pct": pct, "pence": pounds, "num": num, "segment": segmentName,
}).ParseFS(webFS, "web/page.html"))

// NewWeb serves the dashboard page (/), its embedded assets (/static/), the CSV export
// (/export.csv), /metrics and /healthz.
func NewWeb(a *app.App, m *Metrics) http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFS, "web/static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.Handle("GET "+metrics.Path, metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /export.csv", func(w http.ResponseWriter, r *http.Request) {
		m.PageView(r.Context(), "/export.csv")
		f, err := filterFromQuery(a, r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b, err := a.ExportCSV(r.Context(), f)
		if err != nil {
			http.Error(w, "export failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="system-dashboard.csv"`)
		_, _ = w.Write(b) //nolint:gosec // CSV served as an attachment, never rendered as HTML
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		m.PageView(r.Context(), "/")
		servePage(a, w, r)
	})
	return securityHeaders(mux)
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

func servePage(a *app.App, w http.ResponseWriter, r *http.Request) {
	v := &view{Query: r.URL.RawQuery, Segments: segments}
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
	w.WriteHeader(status)
	if err := page.Execute(w, v); err != nil {
		slog.ErrorContext(r.Context(), "render dashboard page", "error", err)
	}
}

func pct(s *dashboardv1.Share) string {
	p, ok := (domain.Share{Count: s.GetCount(), Total: s.GetTotal()}).Percent()
	if !ok {
		return "no data"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
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
