package grpcapi

import (
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// readPlan is a validated Read request.
type readPlan struct {
	all        bool
	stream     string
	dir        store.Direction
	streamFrom store.StreamFrom
	allFrom    store.AllFrom
	count      uint64
	subscribe  bool
	filter     *eventFilter
	interval   int // checkpoint interval of a filtered subscription
	uuidString bool
}

// parseRead validates a Read request. Every combination the real server
// rejects is InvalidArgument here.
func parseRead(req *api.ReadReq) (readPlan, *rpcError) {
	var p readPlan
	o := req.GetOptions()
	if o == nil {
		return p, invalidField("options", "read options are required")
	}
	switch o.ReadDirection {
	case api.ReadReq_Options_Forwards:
		p.dir = store.Forwards
	case api.ReadReq_Options_Backwards:
		p.dir = store.Backwards
	default:
		return p, invalidField("options.read_direction", "must be Forwards or Backwards")
	}
	if err := p.parseSource(o); err != nil {
		return p, err
	}
	if err := p.parseCount(o); err != nil {
		return p, err
	}
	if err := p.parseFilter(o); err != nil {
		return p, err
	}
	if _, ok := o.GetUuidOption().GetContent().(*api.ReadReq_Options_UUIDOption_String_); ok {
		p.uuidString = true
	}
	return p, nil
}

func (p *readPlan) parseSource(o *api.ReadReq_Options) *rpcError {
	switch v := o.StreamOption.(type) {
	case *api.ReadReq_Options_Stream:
		name, err := streamName("options.stream.stream_identifier", v.Stream.GetStreamIdentifier())
		if err != nil {
			return err
		}
		p.stream = name
		switch r := v.Stream.GetRevisionOption().(type) {
		case *api.ReadReq_Options_StreamOptions_Start:
			p.streamFrom = store.StreamFrom{Kind: store.FromStart}
		case *api.ReadReq_Options_StreamOptions_End:
			p.streamFrom = store.StreamFrom{Kind: store.FromEnd}
		case *api.ReadReq_Options_StreamOptions_Revision:
			p.streamFrom = store.StreamFrom{Kind: store.FromExact, Revision: r.Revision}
		default:
			return invalidField("options.stream.revision_option", "one of revision, start or end is required")
		}
	case *api.ReadReq_Options_All:
		p.all = true
		switch r := v.All.GetAllOption().(type) {
		case *api.ReadReq_Options_AllOptions_Start:
			p.allFrom = store.AllFrom{Kind: store.FromStart}
		case *api.ReadReq_Options_AllOptions_End:
			p.allFrom = store.AllFrom{Kind: store.FromEnd}
		case *api.ReadReq_Options_AllOptions_Position:
			if r.Position == nil {
				return invalidField("options.all.position", "a position is required")
			}
			if r.Position.CommitPosition != r.Position.PreparePosition {
				return invalidField("options.all.position", "commit and prepare positions must be equal on this server")
			}
			p.allFrom = store.AllFrom{Kind: store.FromExact, Position: r.Position.CommitPosition}
		default:
			return invalidField("options.all.all_option", "one of position, start or end is required")
		}
	default:
		return invalidField("options.stream_option", "one of stream or all is required")
	}
	return nil
}

func (p *readPlan) parseCount(o *api.ReadReq_Options) *rpcError {
	switch v := o.CountOption.(type) {
	case *api.ReadReq_Options_Count:
		p.count = v.Count
	case *api.ReadReq_Options_Subscription:
		if p.dir != store.Forwards {
			return invalidField("options.read_direction", "subscriptions read forwards only")
		}
		p.subscribe = true
	default:
		return invalidField("options.count_option", "one of count or subscription is required")
	}
	return nil
}

func (p *readPlan) parseFilter(o *api.ReadReq_Options) *rpcError {
	switch v := o.FilterOption.(type) {
	case *api.ReadReq_Options_NoFilter, nil:
		return nil
	case *api.ReadReq_Options_Filter:
		if !p.all {
			return invalidField("options.filter", "filters apply to $all only")
		}
		f, interval, err := parseFilter(v.Filter)
		if err != nil {
			return err
		}
		p.filter, p.interval = f, interval
		return nil
	default:
		return invalidField("options.filter_option", "unknown filter option")
	}
}
