package grpcapi

import (
	"context"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// Delete soft-deletes a stream.
func (s *Streams) Delete(ctx context.Context, req *api.DeleteReq) (*api.DeleteResp, error) {
	opts := req.GetOptions()
	stream, exp, verr := deleteOptions(opts.GetStreamIdentifier(), deleteExpected(opts))
	if verr != nil {
		return nil, verr.st.Err()
	}
	if verr := s.authorize(ctx, stream, auth.Delete); verr != nil {
		return nil, unaryError(ctx, verr)
	}
	res, err := s.store.Delete(ctx, stream, exp)
	if err != nil {
		return nil, unaryError(ctx, err)
	}
	out := &api.DeleteResp{PositionOption: &api.DeleteResp_NoPosition{NoPosition: &shared.Empty{}}}
	if res.Position > 0 {
		out.PositionOption = &api.DeleteResp_Position_{Position: &api.DeleteResp_Position{
			CommitPosition: res.Position, PreparePosition: res.Position,
		}}
	}
	return out, nil
}

// Tombstone hard-deletes a stream.
func (s *Streams) Tombstone(ctx context.Context, req *api.TombstoneReq) (*api.TombstoneResp, error) {
	opts := req.GetOptions()
	stream, exp, verr := deleteOptions(opts.GetStreamIdentifier(), tombstoneExpected(opts))
	if verr != nil {
		return nil, verr.st.Err()
	}
	if verr := s.authorize(ctx, stream, auth.Delete); verr != nil {
		return nil, unaryError(ctx, verr)
	}
	res, err := s.store.Tombstone(ctx, stream, exp)
	if err != nil {
		return nil, unaryError(ctx, err)
	}
	out := &api.TombstoneResp{PositionOption: &api.TombstoneResp_NoPosition{NoPosition: &shared.Empty{}}}
	if res.Position > 0 {
		out.PositionOption = &api.TombstoneResp_Position_{Position: &api.TombstoneResp_Position{
			CommitPosition: res.Position, PreparePosition: res.Position,
		}}
	}
	return out, nil
}

// expectation is an expected revision as decoded from a delete request;
// ok is false when none was given.
type expectation struct {
	exp store.Expected
	ok  bool
}

func deleteExpected(o *api.DeleteReq_Options) expectation {
	switch v := o.GetExpectedStreamRevision().(type) {
	case *api.DeleteReq_Options_Any:
		return expectation{store.Expected{Kind: store.ExpectAny}, true}
	case *api.DeleteReq_Options_NoStream:
		return expectation{store.Expected{Kind: store.ExpectNoStream}, true}
	case *api.DeleteReq_Options_StreamExists:
		return expectation{store.Expected{Kind: store.ExpectStreamExists}, true}
	case *api.DeleteReq_Options_Revision:
		return expectation{store.Expected{Kind: store.ExpectRevision, Revision: v.Revision}, true}
	}
	return expectation{}
}

func tombstoneExpected(o *api.TombstoneReq_Options) expectation {
	switch v := o.GetExpectedStreamRevision().(type) {
	case *api.TombstoneReq_Options_Any:
		return expectation{store.Expected{Kind: store.ExpectAny}, true}
	case *api.TombstoneReq_Options_NoStream:
		return expectation{store.Expected{Kind: store.ExpectNoStream}, true}
	case *api.TombstoneReq_Options_StreamExists:
		return expectation{store.Expected{Kind: store.ExpectStreamExists}, true}
	case *api.TombstoneReq_Options_Revision:
		return expectation{store.Expected{Kind: store.ExpectRevision, Revision: v.Revision}, true}
	}
	return expectation{}
}

func deleteOptions(id *shared.StreamIdentifier, e expectation) (string, store.Expected, *rpcError) {
	name, verr := streamName("options.stream_identifier", id)
	if verr != nil {
		return "", store.Expected{}, verr
	}
	if !e.ok {
		return "", store.Expected{}, invalidField("options.expected_stream_revision", "one of revision, no_stream, any or stream_exists is required")
	}
	if e.exp.Kind == store.ExpectRevision && e.exp.Revision > maxRevision {
		return "", store.Expected{}, invalidField("options.expected_stream_revision.revision", "must be at most 2^63-2")
	}
	return name, e.exp, nil
}
