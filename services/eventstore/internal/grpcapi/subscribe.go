package grpcapi

import (
	"github.com/google/uuid"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// subscribe confirms the subscription, then streams catch-up and live
// events until the client goes away or the server stops.
func (s *Streams) subscribe(p readPlan, srv api.Streams_ReadServer) error {
	s.obs.SubscriptionStarted()
	defer s.obs.SubscriptionEnded()
	if err := srv.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{
		Confirmation: &api.ReadResp_SubscriptionConfirmation{SubscriptionId: uuid.NewString()},
	}}); err != nil {
		return err
	}
	send := func(d store.Delivery) error { return srv.Send(delivery(d, p.uuidString)) }
	ctx := srv.Context()
	if !p.all {
		// A revision is exclusive here: the subscription starts after it.
		return s.store.SubscribeStream(ctx, p.stream, p.streamFrom, send)
	}
	return s.store.SubscribeAll(ctx, store.AllSubscription{
		From: p.allFrom, Filter: filterOrNil(p.filter), CheckpointInterval: p.interval,
	}, send)
}

func filterOrNil(f *eventFilter) store.Filter {
	if f == nil {
		return nil
	}
	return f
}

func delivery(d store.Delivery, uuidString bool) *api.ReadResp {
	switch {
	case d.Event != nil:
		return readEvent(d.Event, uuidString)
	case d.CaughtUp:
		return &api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: &api.ReadResp_CaughtUp{}}}
	case d.FellBehind:
		return &api.ReadResp{Content: &api.ReadResp_FellBehind_{FellBehind: &api.ReadResp_FellBehind{}}}
	default:
		return &api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
			CommitPosition: d.Checkpoint, PreparePosition: d.Checkpoint,
		}}}
	}
}
