package events

import (
	"fmt"
	"strconv"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

type expectation uint8

const (
	expectAny expectation = iota
	expectNoStream
	expectStreamExists
	expectExact
)

// ExpectedRevision is the optimistic-concurrency condition of an Append: what the writer believes
// the stream's last revision to be. Build it with Any, NoStream, StreamExists or Exact; the zero
// value is Any. Values are comparable and safe to copy.
type ExpectedRevision struct {
	kind     expectation
	revision uint64
}

// Any appends whatever the state of the stream. The server does not guarantee idempotency of
// retried appends under Any; prefer NoStream or Exact for writes that may be retried.
func Any() ExpectedRevision { return ExpectedRevision{kind: expectAny} }

// NoStream appends only if the stream does not exist yet (creating it).
func NoStream() ExpectedRevision { return ExpectedRevision{kind: expectNoStream} }

// StreamExists appends only if the stream already has events.
func StreamExists() ExpectedRevision { return ExpectedRevision{kind: expectStreamExists} }

// Exact appends only if the stream's last event has revision rev (revisions start at 0).
func Exact(rev uint64) ExpectedRevision { return ExpectedRevision{kind: expectExact, revision: rev} }

// Revision returns the revision of an Exact expectation and whether it is one.
func (e ExpectedRevision) Revision() (uint64, bool) { return e.revision, e.kind == expectExact }

// String renders the expectation as "any", "no stream", "stream exists" or the revision.
func (e ExpectedRevision) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectStreamExists:
		return "stream exists"
	case expectExact:
		return strconv.FormatUint(e.revision, 10)
	default:
		return "any"
	}
}

func (e ExpectedRevision) toClient() esdb.ExpectedRevision {
	switch e.kind {
	case expectNoStream:
		return esdb.NoStream{}
	case expectStreamExists:
		return esdb.StreamExists{}
	case expectExact:
		return esdb.Revision(e.revision)
	default:
		return esdb.Any{}
	}
}

// Position is a place in the global log ($all). Positions grow strictly in commit order; a
// subscriber stores the Position of the last event it handled as its checkpoint.
type Position struct {
	Commit  uint64
	Prepare uint64
}

// Compare returns -1, 0 or +1 as p is before, equal to or after q in the log.
func (p Position) Compare(q Position) int {
	switch {
	case p.Commit != q.Commit:
		return cmpUint(p.Commit, q.Commit)
	default:
		return cmpUint(p.Prepare, q.Prepare)
	}
}

// String renders the position as "C:<commit>/P:<prepare>", the server UI's notation.
func (p Position) String() string { return fmt.Sprintf("C:%d/P:%d", p.Commit, p.Prepare) }

func (p Position) toClient() esdb.Position {
	return esdb.Position{Commit: p.Commit, Prepare: p.Prepare}
}

func positionFromClient(p esdb.Position) Position {
	return Position{Commit: p.Commit, Prepare: p.Prepare}
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	default:
		return 0
	}
}
