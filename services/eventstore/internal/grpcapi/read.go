package grpcapi

import (
	"errors"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

const readPage = 512

// Read serves stream and $all reads and subscriptions.
func (s *Streams) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	p, verr := parseRead(req)
	if verr != nil {
		return streamError(srv, verr)
	}
	target := p.stream
	if p.all {
		target = auth.AllStream
	}
	if verr := s.authorize(srv.Context(), target, auth.Read); verr != nil {
		return streamError(srv, verr)
	}
	var err error
	switch {
	case p.subscribe:
		err = s.subscribe(p, srv)
	case p.all:
		err = s.timedRead(func() error { return s.readAll(p, srv) })
	default:
		err = s.timedRead(func() error { return s.readStream(p, srv) })
	}
	if err != nil {
		return streamError(srv, err)
	}
	return nil
}

func (s *Streams) timedRead(read func() error) error {
	start := time.Now()
	defer func() { s.obs.ObserveRead(time.Since(start)) }()
	return read()
}

func (s *Streams) readStream(p readPlan, srv api.Streams_ReadServer) error {
	from, remaining := p.streamFrom, p.count
	for first := true; remaining > 0; first = false {
		want := pageSize(remaining)
		events, err := s.store.ReadStream(p.stream, p.dir, from, want)
		if errors.Is(err, store.ErrStreamNotFound) {
			if !first {
				return nil
			}
			return srv.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
				StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(p.stream)},
			}}})
		}
		if err != nil {
			return err
		}
		for _, ev := range events {
			if err := srv.Send(readEvent(ev, p.uuidString)); err != nil {
				return err
			}
		}
		remaining -= uint64(len(events))
		if len(events) == 0 {
			return nil
		}
		last := events[len(events)-1].Revision
		if p.dir == store.Backwards && last == 0 {
			return nil
		}
		from = nextStreamFrom(p.dir, last)
	}
	return nil
}

func nextStreamFrom(dir store.Direction, last uint64) store.StreamFrom {
	if dir == store.Forwards {
		return store.StreamFrom{Kind: store.FromExact, Revision: last + 1}
	}
	return store.StreamFrom{Kind: store.FromExact, Revision: last - 1}
}

func pageSize(remaining uint64) int {
	if remaining > readPage {
		return readPage
	}
	return int(remaining)
}

func (s *Streams) readAll(p readPlan, srv api.Streams_ReadServer) error {
	from, remaining := p.allFrom, p.count
	for remaining > 0 {
		events, err := s.store.ReadAll(p.dir, from, readPage)
		if err != nil {
			return err
		}
		for _, ev := range events {
			if p.filter != nil && !p.filter.Match(ev) {
				continue
			}
			if err := srv.Send(readEvent(ev, p.uuidString)); err != nil {
				return err
			}
			if remaining--; remaining == 0 {
				return nil
			}
		}
		if len(events) == 0 {
			return nil
		}
		last := events[len(events)-1].Position
		from = store.AllFrom{Kind: store.FromExact, Position: last + 1}
		if p.dir == store.Backwards {
			from.Position = last
		}
	}
	return nil
}
