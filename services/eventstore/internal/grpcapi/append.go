package grpcapi

import (
	"errors"
	"io"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// Append handles the client-streaming append: options first, then the
// proposed events. Nothing is written unless the whole request arrived and
// is valid.
func (s *Streams) Append(srv api.Streams_AppendServer) error {
	start := time.Now()
	defer func() { s.obs.ObserveAppend(time.Since(start)) }()
	first, err := srv.Recv()
	if err != nil {
		return streamError(srv, recvError(err))
	}
	stream, exp, verr := appendOptions(first)
	if verr != nil {
		return streamError(srv, verr)
	}
	// The whole (size-bounded) request is read before authorising it: a refusal that ended the
	// call while the client was still sending its events would reach the official clients as
	// the EOF of their send, not as the refusal.
	events, verr := receiveEvents(srv)
	if verr != nil {
		return streamError(srv, verr)
	}
	if verr := s.authorize(srv.Context(), stream, auth.Write); verr != nil {
		return streamError(srv, verr)
	}
	res, err := s.store.Append(srv.Context(), stream, exp, events)
	var wev *store.WrongExpectedVersionError
	if errors.As(err, &wev) {
		return srv.SendAndClose(&api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{
			WrongExpectedVersion: wrongVersionResp(wev),
		}})
	}
	if err != nil {
		return streamError(srv, err)
	}
	return srv.SendAndClose(&api.AppendResp{Result: &api.AppendResp_Success_{Success: appendSuccess(res)}})
}

func recvError(err error) *rpcError {
	if errors.Is(err, io.EOF) {
		return invalidField("options", "an append must start with its options")
	}
	return toStatus(err)
}

// receiveEvents reads every proposed event, failing as soon as the append
// is invalid or too large so a bad client cannot make the server buffer
// without limit.
func receiveEvents(srv api.Streams_AppendServer) ([]store.ProposedEvent, *rpcError) {
	var events []store.ProposedEvent
	size := 0
	for i := 0; ; i++ {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			return events, nil
		}
		if err != nil {
			return nil, toStatus(err)
		}
		ev, n, verr := proposedEvent(i, req)
		if verr != nil {
			return nil, verr
		}
		size += n
		if size > MaxAppendSize {
			return nil, appendTooLarge()
		}
		events = append(events, ev)
	}
}

func appendSuccess(res store.WriteResult) *api.AppendResp_Success {
	out := &api.AppendResp_Success{}
	if res.Revision < 0 {
		out.CurrentRevisionOption = &api.AppendResp_Success_NoStream{NoStream: &shared.Empty{}}
	} else {
		out.CurrentRevisionOption = &api.AppendResp_Success_CurrentRevision{CurrentRevision: uint64(res.Revision)}
	}
	if res.Position == 0 {
		out.PositionOption = &api.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}}
	} else {
		out.PositionOption = &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
			CommitPosition: res.Position, PreparePosition: res.Position,
		}}
	}
	return out
}

// wrongVersionResp fills both the current and the 20.6.0 fields, as the
// real server does.
func wrongVersionResp(e *store.WrongExpectedVersionError) *api.AppendResp_WrongExpectedVersion {
	out := &api.AppendResp_WrongExpectedVersion{}
	empty := &shared.Empty{}
	switch e.Expected.Kind {
	case store.ExpectAny:
		out.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: empty}
		out.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_Any_20_6_0{Any_20_6_0: empty}
	case store.ExpectStreamExists:
		out.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: empty}
		out.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_StreamExists_20_6_0{StreamExists_20_6_0: empty}
	case store.ExpectNoStream:
		out.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: empty}
		out.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: ^uint64(0)}
	default:
		out.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: e.Expected.Revision}
		out.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: e.Expected.Revision}
	}
	if e.Current < 0 {
		out.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: empty}
		out.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_NoStream_20_6_0{NoStream_20_6_0: empty}
	} else {
		out.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(e.Current)}
		out.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_CurrentRevision_20_6_0{CurrentRevision_20_6_0: uint64(e.Current)}
	}
	return out
}
