package ports

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Web is finance's HTTP handler and the routes it serves, each pattern being the route's key in
// the access table (access.FinancePolicy).
type Web struct {
	http.Handler
	Routes []string
}

// NewWeb serves GET /export.csv (one month's charges, for people with a finance role) and
// GET /metrics (for the prometheus service's client certificate), each behind guard, which
// decides the route by its pattern's row in the access table. A nil a serves the routes'
// list only (for tests that check every route has a row).
func NewWeb(a *app.App, guard identity.Interceptor) *Web {
	web := &Web{}
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) {
		// A calling service is known by its verified client certificate on every route, so a
		// service the row does not name is refused as itself (403), not as nobody (401).
		mux.Handle(pattern, guard.Handle(pattern, h, identity.ServiceFrom(tlsconf.RequestService)))
		web.Routes = append(web.Routes, pattern)
	}
	handle("GET /export.csv", exportHandler(a))
	handle("GET "+metrics.Path, metrics.Handler())
	web.Handler = mux
	return web
}

// exportHandler serves GET /export.csv?contract=<id>&month=YYYY-MM.
func exportHandler(a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, month := r.URL.Query().Get("contract"), r.URL.Query().Get("month")
		b, err := a.ExportMonth(r.Context(), id, month)
		var ve *domain.ValidationError
		var de *domain.Error
		switch {
		case errors.As(err, &ve):
			http.Error(w, ve.Error(), http.StatusBadRequest)
			return
		case errors.As(err, &de) && de.Kind == domain.KindNotFound:
			http.Error(w, de.Error(), http.StatusNotFound)
			return
		case err != nil:
			slog.ErrorContext(r.Context(), "export.csv", "contract", id, "month", month, "err", err)
			http.Error(w, "export failed; see the service log", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", id+"-"+month+".csv"))
		_, _ = w.Write(b) //nolint:gosec // a CSV download (text/csv, nosniff, attachment), never rendered as HTML
	})
}
