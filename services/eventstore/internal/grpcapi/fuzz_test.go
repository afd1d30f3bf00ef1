package grpcapi

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// fakeStream is an in-process grpc.ServerStream: requests come from a
// slice, responses are counted.
type fakeStream struct {
	ctx      context.Context
	requests []*api.AppendReq
	sent     int
	trailer  metadata.MD
}

func (f *fakeStream) SetHeader(metadata.MD) error  { return nil }
func (f *fakeStream) SendHeader(metadata.MD) error { return nil }
func (f *fakeStream) SetTrailer(md metadata.MD)    { f.trailer = md }
func (f *fakeStream) Context() context.Context     { return f.ctx }
func (f *fakeStream) SendMsg(any) error            { f.sent++; return nil }
func (f *fakeStream) RecvMsg(any) error            { return errors.New("unused") }

func (f *fakeStream) Recv() (*api.AppendReq, error) {
	if len(f.requests) == 0 {
		return nil, io.EOF
	}
	r := f.requests[0]
	f.requests = f.requests[1:]
	return r, nil
}

func (f *fakeStream) SendAndClose(*api.AppendResp) error { f.sent++; return nil }

func (f *fakeStream) Send(*api.ReadResp) error { f.sent++; return nil }

var _ grpc.ClientStreamingServer[api.AppendReq, api.AppendResp] = (*fakeStream)(nil)
var _ grpc.ServerStreamingServer[api.ReadResp] = (*fakeStream)(nil)

var (
	fuzzOnce    sync.Once
	fuzzStreams *Streams
	fuzzStore   *store.Store
)

// fuzzServer is one in-memory store with a few streams, shared by every
// fuzz iteration of the process.
func fuzzServer(t testing.TB) (*Streams, *store.Store) {
	fuzzOnce.Do(func() {
		st, err := store.Open(store.Options{InMemory: true})
		require.NoError(t, err)
		for i, name := range []string{"a", "b", "$$a"} {
			ev := store.ProposedEvent{ID: [16]byte{byte(i + 1)}, Type: "T", ContentType: "application/json", Data: []byte(`{"$maxCount":2}`)}
			_, err := st.Append(context.Background(), name, store.Expected{Kind: store.ExpectAny}, []store.ProposedEvent{ev, {ID: [16]byte{byte(i + 1), 1}, Type: "U"}})
			require.NoError(t, err)
		}
		fuzzStore, fuzzStreams = st, NewStreams(st, nil, Open)
	})
	return fuzzStreams, fuzzStore
}

func seedAppend(f *testing.F) {
	opts, _ := proto.Marshal(&api.AppendReq{Content: &api.AppendReq_Options_{Options: &api.AppendReq_Options{
		StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte("a")}, ExpectedStreamRevision: &api.AppendReq_Options_Revision{Revision: 1},
	}}})
	ev, _ := proto.Marshal(&api.AppendReq{Content: &api.AppendReq_ProposedMessage_{ProposedMessage: &api.AppendReq_ProposedMessage{
		Id:       &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{MostSignificantBits: 1, LeastSignificantBits: 2}}},
		Metadata: map[string]string{"type": "T", "content-type": "application/json"}, Data: []byte("{}"),
	}}})
	f.Add(opts, ev, ev)
	f.Add(opts, []byte{}, []byte{0x12, 0x00})
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00}, ev, []byte{})
}

// FuzzAppend feeds arbitrary bytes, decoded as append messages, to the
// Append handler: it must never panic, must answer a success, a wrong
// version or a gRPC error, and a failed append must write nothing.
func FuzzAppend(f *testing.F) {
	seedAppend(f)
	f.Fuzz(func(t *testing.T, header, ev1, ev2 []byte) {
		s, st := fuzzServer(t)
		fs := &fakeStream{ctx: context.Background()}
		for _, b := range [][]byte{header, ev1, ev2} {
			req := &api.AppendReq{}
			if proto.Unmarshal(b, req) != nil {
				return
			}
			fs.requests = append(fs.requests, req)
		}
		before := st.LastPosition()
		err := s.Append(fs)
		if err == nil {
			require.Equal(t, 1, fs.sent)
			return
		}
		code := status.Code(err)
		require.Contains(t, []codes.Code{codes.InvalidArgument, codes.FailedPrecondition}, code, "unexpected error %v", err)
		require.Equal(t, before, st.LastPosition(), "a failed append writes nothing")
	})
}

// FuzzRead feeds arbitrary bytes, decoded as a read request, to the Read
// handler (subscriptions get an already-ended context so they return).
func FuzzRead(f *testing.F) {
	for _, req := range []*api.ReadReq{
		{Options: &api.ReadReq_Options{
			StreamOption: &api.ReadReq_Options_Stream{Stream: &api.ReadReq_Options_StreamOptions{
				StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte("a")}, RevisionOption: &api.ReadReq_Options_StreamOptions_End{End: &shared.Empty{}},
			}},
			ReadDirection: api.ReadReq_Options_Backwards, CountOption: &api.ReadReq_Options_Count{Count: 5},
		}},
		{Options: &api.ReadReq_Options{
			StreamOption: &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{AllOption: &api.ReadReq_Options_AllOptions_Start{Start: &shared.Empty{}}}},
			CountOption:  &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}},
			FilterOption: &api.ReadReq_Options_Filter{Filter: &api.ReadReq_Options_FilterOptions{
				Filter: &api.ReadReq_Options_FilterOptions_EventType{EventType: &api.ReadReq_Options_FilterOptions_Expression{Regex: "^T"}},
				Window: &api.ReadReq_Options_FilterOptions_Max{Max: 3}, CheckpointIntervalMultiplier: 2,
			}},
		}},
	} {
		b, _ := proto.Marshal(req)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, _ := fuzzServer(t)
		req := &api.ReadReq{}
		if proto.Unmarshal(b, req) != nil {
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		if req.GetOptions().GetSubscription() != nil {
			cancel()
		}
		defer cancel()
		err := s.Read(req, &fakeStream{ctx: ctx})
		if err != nil {
			code := status.Code(err)
			require.Contains(t, []codes.Code{codes.InvalidArgument, codes.FailedPrecondition, codes.Canceled}, code, "unexpected error %v", err)
		}
	})
}
