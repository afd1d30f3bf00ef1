package eventstore_test

import (
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// progress is what a caught_up message carries in the KurrentDB 24.x
// protocol (fields the v4 generated type lacks: timestamp = 1,
// stream_revision = 2, position = 3).
type progress struct {
	timestamp      *time.Time
	streamRevision *uint64
	position       *uint64 // commit position; prepare must equal it
}

func decodeProgress(t *testing.T, raw []byte) progress {
	t.Helper()
	var p progress
	for len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		require.GreaterOrEqual(t, n, 0, "bad tag")
		raw = raw[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			b, n := protowire.ConsumeBytes(raw)
			require.GreaterOrEqual(t, n, 0)
			raw = raw[n:]
			var ts timestamppb.Timestamp
			require.NoError(t, proto.Unmarshal(b, &ts))
			at := ts.AsTime()
			p.timestamp = &at
		case num == 2 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(raw)
			require.GreaterOrEqual(t, n, 0)
			raw = raw[n:]
			p.streamRevision = &v
		case num == 3 && typ == protowire.BytesType:
			b, n := protowire.ConsumeBytes(raw)
			require.GreaterOrEqual(t, n, 0)
			raw = raw[n:]
			var pos api.ReadReq_Options_Position // the same wire shape: commit = 1, prepare = 2
			require.NoError(t, proto.Unmarshal(b, &pos))
			require.Equal(t, pos.CommitPosition, pos.PreparePosition)
			p.position = &pos.CommitPosition
		default:
			t.Fatalf("unexpected field %d (wire type %d) in caught_up", num, typ)
		}
	}
	return p
}

// TestCaughtUpCarriesTimestampAndCheckpoint pins the caught_up message of
// KurrentDB 24.x, found by KurrentDB-Client-Go's TestSubscriptionToStreamCaughtUp
// (see clientsuite): without a timestamp that client reports no CaughtUp.
func TestCaughtUpCarriesTimestampAndCheckpoint(t *testing.T) {
	srv, c := startServer(t, "")
	streams := api.NewStreamsClient(rawConn(t, srv.Addr()))
	written := newStream("caught-up")
	res, err := c.AppendToStream(ctxT(t), written, esdb.AppendToStreamOptions{}, events(3, "T")...)
	require.NoError(t, err)

	streamSub := func(name string) *api.ReadReq_Options {
		return &api.ReadReq_Options{StreamOption: &api.ReadReq_Options_Stream{Stream: &api.ReadReq_Options_StreamOptions{
			StreamIdentifier: sid(name), RevisionOption: &api.ReadReq_Options_StreamOptions_Start{Start: &shared.Empty{}},
		}}}
	}
	u64 := func(v uint64) *uint64 { return &v }
	tests := []struct {
		name         string
		opts         *api.ReadReq_Options
		wantRevision *uint64
		wantPosition *uint64
	}{
		{"stream: the last revision", streamSub(written), u64(2), nil},
		{"empty stream: no revision", streamSub(newStream("never-written")), nil, nil},
		{"$all: the last position", &api.ReadReq_Options{StreamOption: &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{
			AllOption: &api.ReadReq_Options_AllOptions_Start{Start: &shared.Empty{}},
		}}}, nil, u64(res.CommitPosition)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.CountOption = &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}}
			o.FilterOption = &api.ReadReq_Options_NoFilter{NoFilter: &shared.Empty{}}
			o.UuidOption = &api.ReadReq_Options_UUIDOption{Content: &api.ReadReq_Options_UUIDOption_String_{String_: &shared.Empty{}}}
			before := time.Now().Add(-time.Second)
			rd, err := streams.Read(ctxT(t), &api.ReadReq{Options: o})
			require.NoError(t, err)
			for {
				resp, err := rd.Recv()
				require.NoError(t, err)
				cu := resp.GetCaughtUp()
				if cu == nil {
					continue
				}
				p := decodeProgress(t, cu.ProtoReflect().GetUnknown())
				require.NotNil(t, p.timestamp, "caught_up without a timestamp")
				require.WithinRange(t, *p.timestamp, before, time.Now().Add(time.Second))
				require.Equal(t, tt.wantRevision, p.streamRevision)
				require.Equal(t, tt.wantPosition, p.position)
				return
			}
		})
	}
}
