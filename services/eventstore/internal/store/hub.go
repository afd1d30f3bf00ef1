package store

import (
	"sync"
	"sync/atomic"
)

// maxFeedBytes bounds the event data one subscriber's live buffer may
// hold, whatever the number of batches.
const maxFeedBytes = 16 << 20

// hub hands committed batches to live subscribers. Publishing never
// blocks: a subscriber whose bounded buffer is full is cut off from the live
// feed (its channel is closed with lagged set) and catches up from disk.
type hub struct {
	mu     sync.Mutex
	last   uint64
	closed bool
	subs   map[*liveFeed]struct{}
}

// liveFeed is one subscriber's bounded view of the live feed.
type liveFeed struct {
	ch     chan []*Event
	bytes  atomic.Int64 // event data buffered in ch
	lagged bool         // set (under hub.mu) before ch is closed for lagging
}

// received releases the buffer space of a batch taken from ch.
func (f *liveFeed) received(events []*Event) { f.bytes.Add(-batchBytes(events)) }

func batchBytes(events []*Event) int64 {
	var n int64
	for _, ev := range events {
		n += int64(len(ev.Data) + len(ev.Metadata))
	}
	return n
}

func newHub(last uint64) *hub {
	return &hub{last: last, subs: map[*liveFeed]struct{}{}}
}

func (h *hub) lastPosition() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

func (h *hub) publish(events []*Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = events[len(events)-1].Position
	size := batchBytes(events)
	for f := range h.subs {
		if f.bytes.Load()+size <= maxFeedBytes || len(f.ch) == 0 {
			select {
			case f.ch <- events:
				f.bytes.Add(size)
				continue
			default:
			}
		}
		f.lagged = true
		delete(h.subs, f)
		close(f.ch)
	}
}

// join registers a live feed if nothing was committed after position seen;
// otherwise the caller must read from disk again first. ok is false with a
// nil feed when the hub is closed.
func (h *hub) join(seen uint64, capacity int) (f *liveFeed, ok bool, closed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false, true
	}
	if h.last > seen {
		return nil, false, false
	}
	f = &liveFeed{ch: make(chan []*Event, capacity)}
	h.subs[f] = struct{}{}
	return f, true, false
}

func (h *hub) leave(f *liveFeed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[f]; ok {
		delete(h.subs, f)
		close(f.ch)
	}
}

// isLagged reports whether f was cut off for lagging (vs. the hub closing).
func (h *hub) isLagged(f *liveFeed) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return f.lagged
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for f := range h.subs {
		delete(h.subs, f)
		close(f.ch)
	}
}

// subscribers is the number of live feeds.
func (h *hub) subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
