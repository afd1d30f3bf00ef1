package grpcapi

import (
	"regexp"
	"strings"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// defaultSearchWindow is the real server's window when the client asks
// for "count" instead of a maximum (its ReadBatchSize).
const defaultSearchWindow = 32

// maxRegexLen bounds server-side filter regexes.
const maxRegexLen = 4096

// eventFilter matches a stream name or an event type by prefixes or by an
// (unanchored) regular expression, like the real server's EventFilter.
type eventFilter struct {
	onType   bool
	prefixes []string
	re       *regexp.Regexp
}

func (f *eventFilter) Match(ev *store.Event) bool {
	subject := ev.Stream
	if f.onType {
		subject = ev.Type
	}
	if f.re != nil {
		return f.re.MatchString(subject)
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(subject, p) {
			return true
		}
	}
	return false
}

// parseFilter validates filter options and returns the filter and the
// checkpoint interval (window × multiplier).
func parseFilter(fo *api.ReadReq_Options_FilterOptions) (*eventFilter, int, *rpcError) {
	f := &eventFilter{}
	var expr *api.ReadReq_Options_FilterOptions_Expression
	switch v := fo.GetFilter().(type) {
	case *api.ReadReq_Options_FilterOptions_StreamIdentifier:
		expr = v.StreamIdentifier
	case *api.ReadReq_Options_FilterOptions_EventType:
		expr, f.onType = v.EventType, true
	default:
		return nil, 0, invalidField("options.filter.filter", "one of stream_identifier or event_type is required")
	}
	if err := f.compile(expr); err != nil {
		return nil, 0, err
	}
	window := uint32(defaultSearchWindow)
	switch v := fo.GetWindow().(type) {
	case *api.ReadReq_Options_FilterOptions_Max:
		if v.Max == 0 {
			return nil, 0, invalidField("options.filter.max", "must be greater than zero")
		}
		window = v.Max
	case *api.ReadReq_Options_FilterOptions_Count:
	default:
		return nil, 0, invalidField("options.filter.window", "one of max or count is required")
	}
	if fo.CheckpointIntervalMultiplier == 0 {
		return nil, 0, invalidField("options.filter.checkpointIntervalMultiplier", "must be greater than zero")
	}
	interval := uint64(window) * uint64(fo.CheckpointIntervalMultiplier)
	if interval > 1<<31 {
		interval = 1 << 31
	}
	return f, int(interval), nil
}

func (f *eventFilter) compile(expr *api.ReadReq_Options_FilterOptions_Expression) *rpcError {
	if expr.GetRegex() != "" {
		if len(expr.Regex) > maxRegexLen {
			return invalidField("options.filter.regex", "must be at most 4096 bytes")
		}
		re, err := regexp.Compile(expr.Regex)
		if err != nil {
			return invalidField("options.filter.regex", "must be a valid regular expression: "+err.Error())
		}
		f.re = re
		return nil
	}
	if len(expr.GetPrefix()) == 0 {
		return invalidField("options.filter.prefix", "a regex or at least one prefix is required")
	}
	f.prefixes = expr.Prefix
	return nil
}
