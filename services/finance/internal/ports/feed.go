package ports

import (
	"context"
	"errors"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
)

// Feed serves FinanceFeedService.
type Feed struct {
	financev1.UnimplementedFinanceFeedServiceServer
	app *app.App
}

// NewFeed serves a over FinanceFeedService.
func NewFeed(a *app.App) *Feed { return &Feed{app: a} }

// Follow streams the capitation events after the request's cursor: catch-up, then live. It
// sends its response header first, so a follower (stream.Header()) knows the feed is open before
// any event arrives, even when there is none yet.
func (s *Feed) Follow(req *financev1.FollowRequest, stream financev1.FinanceFeedService_FollowServer) error {
	ctx := stream.Context()
	if err := stream.SendHeader(nil); err != nil {
		return err
	}
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
