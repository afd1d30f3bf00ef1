package ports

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Feed serves FinanceFeedService.
type Feed struct {
	financev1.UnimplementedFinanceFeedServiceServer
	app *app.App
}

// NewFeed serves a over FinanceFeedService.
func NewFeed(a *app.App) *Feed { return &Feed{app: a} }

// Follow streams the capitation events after the request's cursor: catch-up, then live.
func (s *Feed) Follow(req *financev1.FollowRequest, stream financev1.FinanceFeedService_FollowServer) error {
	ctx := stream.Context()
	err := s.app.Follow(ctx, req.GetAfterCursor(), func(e app.OutboxEvent) error {
		resp, err := followResponse(e)
		if err != nil {
			return err
		}
		return stream.Send(resp)
	})
	if clientCanceled(ctx, err) {
		// The client cancelled its own call: the feed ended as asked, which is not a failure.
		return nil
	}
	return toStatus(ctx, err)
}

// clientCanceled reports whether err is the cancellation of the call's own context by the
// client, rather than a failure or a deadline.
func clientCanceled(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.Canceled)
}

// ExportHandler serves GET /export.csv?contract=<id>&month=YYYY-MM.
func ExportHandler(a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
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
			http.Error(w, "export failed; see the service log", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", id+"-"+month+".csv"))
		_, _ = w.Write(b) //nolint:gosec // a CSV download (text/csv, nosniff, attachment), never rendered as HTML
	})
}
