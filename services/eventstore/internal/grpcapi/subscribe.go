package grpcapi

import (
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

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
	send := func(d store.Delivery) error { return srv.Send(delivery(d, p.uuidString, p.all)) }
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

// progressFields encodes the fields KurrentDB 24.x servers put in
// caught_up and fell_behind, which the v4 client's generated types predate
// (so they travel as unknown fields; clients that know them read them):
// timestamp = 1 (the server's time), stream_revision = 2 (stream
// subscriptions) or position = 3 ($all subscriptions), the checkpoint to
// resume from, left out when nothing has been seen yet. Newer clients
// (KurrentDB-Client-Go) report no caught-up signal without the timestamp.
func progressFields(now time.Time, resume *uint64, all bool) protoreflect.RawFields {
	ts, _ := proto.Marshal(timestamppb.New(now)) // a valid Timestamp always marshals
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, ts)
	switch {
	case resume == nil:
	case all:
		var pos []byte
		pos = protowire.AppendTag(pos, 1, protowire.VarintType)
		pos = protowire.AppendVarint(pos, *resume)
		pos = protowire.AppendTag(pos, 2, protowire.VarintType)
		pos = protowire.AppendVarint(pos, *resume)
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendBytes(b, pos)
	default:
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, *resume)
	}
	return b
}

func delivery(d store.Delivery, uuidString, all bool) *api.ReadResp {
	switch {
	case d.Event != nil:
		return readEvent(d.Event, uuidString)
	case d.CaughtUp:
		msg := &api.ReadResp_CaughtUp{}
		msg.ProtoReflect().SetUnknown(progressFields(time.Now(), d.Resume, all))
		return &api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: msg}}
	case d.FellBehind:
		msg := &api.ReadResp_FellBehind{}
		msg.ProtoReflect().SetUnknown(progressFields(time.Now(), d.Resume, all))
		return &api.ReadResp{Content: &api.ReadResp_FellBehind_{FellBehind: msg}}
	default:
		return &api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
			CommitPosition: d.Checkpoint, PreparePosition: d.Checkpoint,
		}}}
	}
}
