package eventstoretest

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

func (s *suite) testAppend(t *testing.T) {
	t.Run("ExpectedRevision", s.testExpectedRevision)
	t.Run("ConsecutiveRevisionsAndPositions", s.testConsecutiveRevisions)
	t.Run("IdempotentRetry", s.testIdempotentRetry)
}

// testExpectedRevision pins each expected-revision kind against a missing and an existing stream
// (two events, last revision 1). A refusal is ErrorCodeWrongExpectedVersion whose message carries
// the actual state ("but got '1'" or "but got 'no_stream'"), and writes nothing.
func (s *suite) testExpectedRevision(t *testing.T) {
	tests := []struct {
		name     string
		existing bool
		expected esdb.ExpectedRevision
		actual   string // "" when the append succeeds
		next     uint64
	}{
		{"any on missing stream", false, esdb.Any{}, "", 0},
		{"any on existing stream", true, esdb.Any{}, "", 2},
		{"no stream on missing stream", false, esdb.NoStream{}, "", 0},
		{"no stream on existing stream", true, esdb.NoStream{}, "1", 0},
		{"stream exists on missing stream", false, esdb.StreamExists{}, "no_stream", 0},
		{"stream exists on existing stream", true, esdb.StreamExists{}, "", 2},
		{"exact last revision", true, esdb.Revision(1), "", 2},
		{"exact stale revision", true, esdb.Revision(0), "1", 0},
		{"exact future revision", true, esdb.Revision(5), "1", 0},
		{"exact revision on missing stream", false, esdb.Revision(0), "no_stream", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := s.stream("append")
			if tt.existing {
				s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Seed", 0, 2)...)
			}
			opts := esdb.AppendToStreamOptions{ExpectedRevision: tt.expected}
			res, err := s.client.AppendToStream(ctx(t), stream, opts, jsonEvent("Probe", 9))
			if tt.actual == "" {
				require.NoError(t, err)
				require.Equal(t, tt.next, res.NextExpectedVersion, "next expected version")
				return
			}
			requireCode(t, err, esdb.ErrorCodeWrongExpectedVersion)
			require.ErrorContains(t, err, "but got '"+tt.actual+"'", "the error names the actual revision")
			evs, _ := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
			for _, ev := range evs {
				require.NotEqual(t, "Probe", ev.EventType, "a refused append must write nothing")
			}
		})
	}
}

// testConsecutiveRevisions: a multi-event append gets consecutive revisions in order, and every
// append's position is after the previous one's.
func (s *suite) testConsecutiveRevisions(t *testing.T) {
	stream := s.stream("append")
	first := s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Batch", 0, 3)...)
	require.Equal(t, uint64(2), first.NextExpectedVersion)
	second := s.appendEvents(t, stream, esdb.Revision(2), jsonEvents("Batch", 3, 2)...)
	require.Equal(t, uint64(4), second.NextExpectedVersion)
	require.True(t, less(esdb.Position{Commit: first.CommitPosition, Prepare: first.PreparePosition},
		esdb.Position{Commit: second.CommitPosition, Prepare: second.PreparePosition}),
		"append positions must grow: %+v then %+v", first, second)

	evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 100)
	require.NoError(t, err)
	require.Equal(t, seq(0, 4), revisions(evs))
	requireIncreasing(t, evs)
}

// testIdempotentRetry: appending the same event IDs again at the same expected revision succeeds
// with the same result and stores one copy (the server's idempotency on event IDs).
func (s *suite) testIdempotentRetry(t *testing.T) {
	tests := []struct {
		name    string
		prefill int
		exp     func() esdb.ExpectedRevision
	}{
		{"no stream", 0, func() esdb.ExpectedRevision { return esdb.NoStream{} }},
		{"exact revision", 2, func() esdb.ExpectedRevision { return esdb.Revision(1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := s.stream("idem")
			if tt.prefill > 0 {
				s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Seed", 0, tt.prefill)...)
			}
			batch := jsonEvents("Retried", 10, 3)
			first := s.appendEvents(t, stream, tt.exp(), batch...)
			retry := s.appendEvents(t, stream, tt.exp(), batch...)
			require.Equal(t, first.NextExpectedVersion, retry.NextExpectedVersion, "the retry reports the same revision")

			evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 100)
			require.NoError(t, err)
			require.Len(t, evs, tt.prefill+len(batch), "one copy of the batch")
			require.Equal(t, dataIDs(batch), ids(evs[tt.prefill:]))
		})
	}
}
