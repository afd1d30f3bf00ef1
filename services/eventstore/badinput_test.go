package eventstore_test

import (
	"context"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func rawConn(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// requireBadField asserts InvalidArgument naming field in a BadRequest.
func requireBadField(t *testing.T, err error, field string) {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code(), "status: %v", err)
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			require.NotEmpty(t, br.FieldViolations)
			require.Contains(t, br.FieldViolations[0].Field, field)
			require.NotEmpty(t, br.FieldViolations[0].Description)
			return
		}
	}
	t.Fatalf("no BadRequest detail in %v", err)
}

func sid(name string) *shared.StreamIdentifier {
	return &shared.StreamIdentifier{StreamName: []byte(name)}
}

func proposed(typ string) *api.AppendReq {
	return &api.AppendReq{Content: &api.AppendReq_ProposedMessage_{ProposedMessage: &api.AppendReq_ProposedMessage{
		Id:       &shared.UUID{Value: &shared.UUID_String_{String_: "6f2a0c9e-8e59-4b8e-9d0c-2f0b8f1c2a11"}},
		Metadata: map[string]string{"type": typ, "content-type": "application/json"},
		Data:     []byte("{}"),
	}}}
}

func appendOpts(stream string) *api.AppendReq {
	return &api.AppendReq{Content: &api.AppendReq_Options_{Options: &api.AppendReq_Options{
		StreamIdentifier: sid(stream), ExpectedStreamRevision: &api.AppendReq_Options_Any{Any: &shared.Empty{}},
	}}}
}

func TestBadAppendRequests(t *testing.T) {
	srv, c := startServer(t, "")
	streams := api.NewStreamsClient(rawConn(t, srv.Addr()))
	noType := proposed("")
	noID := proposed("T")
	noID.GetProposedMessage().Id = nil
	nilUUID := proposed("T")
	nilUUID.GetProposedMessage().Id = &shared.UUID{Value: &shared.UUID_String_{String_: "00000000-0000-0000-0000-000000000000"}}
	noOptions := appendOpts("x")
	noOptions.GetOptions().ExpectedStreamRevision = nil
	tests := []struct {
		name  string
		msgs  []*api.AppendReq
		field string
	}{
		{"events before options", []*api.AppendReq{proposed("T")}, "options"},
		{"no messages", nil, "options"},
		{"empty stream name", []*api.AppendReq{appendOpts("")}, "options.stream_identifier"},
		{"$all as a stream", []*api.AppendReq{appendOpts("$all")}, "options.stream_identifier"},
		{"no expected revision", []*api.AppendReq{noOptions}, "options.expected_stream_revision"},
		{"options twice", []*api.AppendReq{appendOpts("bad-a"), appendOpts("bad-a")}, "proposed_message[0]"},
		{"event without type", []*api.AppendReq{appendOpts("bad-b"), noType}, "proposed_message[0].metadata.type"},
		{"event without id", []*api.AppendReq{appendOpts("bad-c"), proposed("T"), noID}, "proposed_message[1].id"},
		{"nil event id", []*api.AppendReq{appendOpts("bad-d"), nilUUID}, "proposed_message[0].id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream, err := streams.Append(ctxT(t))
			require.NoError(t, err)
			for _, m := range tt.msgs {
				if err := stream.Send(m); err != nil {
					break // the server may already have answered
				}
			}
			_, err = stream.CloseAndRecv()
			requireBadField(t, err, tt.field)
		})
	}
	for _, s := range []string{"bad-a", "bad-b", "bad-c", "bad-d"} {
		_, err := readStream(t, c, s, esdb.ReadStreamOptions{}, 1)
		require.Equal(t, esdb.ErrorCodeResourceNotFound, errCode(err), "bad appends write nothing")
	}
}

func TestBadReadRequests(t *testing.T) {
	srv, _ := startServer(t, "")
	streams := api.NewStreamsClient(rawConn(t, srv.Addr()))
	valid := func() *api.ReadReq_Options {
		return &api.ReadReq_Options{
			StreamOption: &api.ReadReq_Options_Stream{Stream: &api.ReadReq_Options_StreamOptions{
				StreamIdentifier: sid("s"), RevisionOption: &api.ReadReq_Options_StreamOptions_Start{Start: &shared.Empty{}},
			}},
			CountOption: &api.ReadReq_Options_Count{Count: 10},
		}
	}
	allWithFilter := func(f *api.ReadReq_Options_FilterOptions) *api.ReadReq_Options {
		o := valid()
		o.StreamOption = &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{AllOption: &api.ReadReq_Options_AllOptions_Start{Start: &shared.Empty{}}}}
		o.CountOption = &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}}
		o.FilterOption = &api.ReadReq_Options_Filter{Filter: f}
		return o
	}
	regex := func(re string) *api.ReadReq_Options_FilterOptions {
		return &api.ReadReq_Options_FilterOptions{
			Filter: &api.ReadReq_Options_FilterOptions_StreamIdentifier{StreamIdentifier: &api.ReadReq_Options_FilterOptions_Expression{Regex: re}},
			Window: &api.ReadReq_Options_FilterOptions_Count{Count: &shared.Empty{}}, CheckpointIntervalMultiplier: 1,
		}
	}
	tests := []struct {
		name   string
		mutate func(*api.ReadReq_Options) *api.ReadReq_Options
		field  string
	}{
		{"no options", func(*api.ReadReq_Options) *api.ReadReq_Options { return nil }, "options"},
		{"unknown direction", func(o *api.ReadReq_Options) *api.ReadReq_Options { o.ReadDirection = 7; return o }, "options.read_direction"},
		{"no source", func(o *api.ReadReq_Options) *api.ReadReq_Options { o.StreamOption = nil; return o }, "options.stream_option"},
		{"empty stream", func(o *api.ReadReq_Options) *api.ReadReq_Options {
			o.GetStream().StreamIdentifier = sid("")
			return o
		}, "options.stream.stream_identifier"},
		{"no revision option", func(o *api.ReadReq_Options) *api.ReadReq_Options {
			o.GetStream().RevisionOption = nil
			return o
		}, "options.stream.revision_option"},
		{"no count option", func(o *api.ReadReq_Options) *api.ReadReq_Options { o.CountOption = nil; return o }, "options.count_option"},
		{"backwards subscription", func(o *api.ReadReq_Options) *api.ReadReq_Options {
			o.ReadDirection = api.ReadReq_Options_Backwards
			o.CountOption = &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}}
			return o
		}, "options.read_direction"},
		{"filter on a stream", func(o *api.ReadReq_Options) *api.ReadReq_Options {
			o.FilterOption = &api.ReadReq_Options_Filter{Filter: regex("x")}
			return o
		}, "options.filter"},
		{"invalid regex", func(*api.ReadReq_Options) *api.ReadReq_Options { return allWithFilter(regex("(")) }, "options.filter.regex"},
		{"empty filter", func(*api.ReadReq_Options) *api.ReadReq_Options { return allWithFilter(regex("")) }, "options.filter.prefix"},
		{"zero checkpoint multiplier", func(*api.ReadReq_Options) *api.ReadReq_Options {
			f := regex("x")
			f.CheckpointIntervalMultiplier = 0
			return allWithFilter(f)
		}, "options.filter.checkpointIntervalMultiplier"},
		{"no window", func(*api.ReadReq_Options) *api.ReadReq_Options {
			f := regex("x")
			f.Window = nil
			return allWithFilter(f)
		}, "options.filter.window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := streams.Read(ctxT(t), &api.ReadReq{Options: tt.mutate(valid())})
			require.NoError(t, err)
			_, err = rs.Recv()
			requireBadField(t, err, tt.field)
		})
	}
}

func TestBadDeleteRequests(t *testing.T) {
	srv, _ := startServer(t, "")
	streams := api.NewStreamsClient(rawConn(t, srv.Addr()))
	_, err := streams.Delete(ctxT(t), &api.DeleteReq{Options: &api.DeleteReq_Options{StreamIdentifier: sid("")}})
	requireBadField(t, err, "options.stream_identifier")
	_, err = streams.Tombstone(ctxT(t), &api.TombstoneReq{Options: &api.TombstoneReq_Options{StreamIdentifier: sid("t")}})
	requireBadField(t, err, "options.expected_stream_revision")
	_, err = streams.Delete(ctxT(t), &api.DeleteReq{})
	requireBadField(t, err, "options.stream_identifier")
}

// rawCodec sends bytes as they are, to feed the server garbage.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error)   { return v.([]byte), nil }
func (rawCodec) Unmarshal(b []byte, v any) error { *(v.(*[]byte)) = b; return nil }
func (rawCodec) Name() string                    { return "proto" }

func TestGarbageBytes(t *testing.T) {
	srv, c := startServer(t, "")
	conn := rawConn(t, srv.Addr())
	garbage := [][]byte{{0xff, 0xff, 0xff}, {0x0a, 0x80}, []byte("not a protobuf at all")}
	methods := []string{"Delete", "Tombstone"}
	for _, m := range methods {
		for _, g := range garbage {
			var out []byte
			err := conn.Invoke(ctxT(t), "/event_store.client.streams.Streams/"+m, g, &out, grpc.ForceCodec(rawCodec{}))
			require.Error(t, err)
			require.NotEqual(t, codes.Unavailable, status.Code(err), "the server is still up")
		}
	}
	desc := &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}
	for _, m := range []string{"Append", "Read"} {
		for _, g := range garbage {
			cs, err := conn.NewStream(ctxT(t), desc, "/event_store.client.streams.Streams/"+m, grpc.ForceCodec(rawCodec{}))
			require.NoError(t, err)
			_ = cs.SendMsg(g)
			_ = cs.CloseSend()
			var out []byte
			require.Error(t, cs.RecvMsg(&out))
		}
	}
	_, err := c.AppendToStream(ctxT(t), newStream("alive"), esdb.AppendToStreamOptions{}, event("Alive", "{}"))
	require.NoError(t, err, "the server still serves")
}

func TestAppendAbandonedMidStreamWritesNothing(t *testing.T) {
	srv, c := startServer(t, "")
	streams := api.NewStreamsClient(rawConn(t, srv.Addr()))
	stream := newStream("abandoned")
	ctx, cancel := context.WithCancel(ctxT(t))
	call, err := streams.Append(ctx)
	require.NoError(t, err)
	require.NoError(t, call.Send(appendOpts(stream)))
	require.NoError(t, call.Send(proposed("Half")))
	cancel()
	_, err = call.CloseAndRecv()
	require.Equal(t, codes.Canceled, status.Code(err))
	res, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, event("Whole", "{}"))
	require.NoError(t, err, "the abandoned append left no event behind")
	require.Equal(t, uint64(0), res.NextExpectedVersion)
}
