// Package eventstoretest is the conformance suite for event store endpoints: what the pathways
// services rely on, pinned down as the real EventStoreDB/KurrentDB server behaves, exercised only
// through the official client (github.com/EventStore/EventStore-Client-Go/v4).
//
// Run it against any endpoint, a real server included: every stream and event type it creates
// carries a random run id, so runs never collide and it does not assume an empty database.
package eventstoretest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// opTimeout bounds every single call to the server; waitTimeout bounds waiting for a
// subscription to deliver.
const (
	opTimeout   = 10 * time.Second
	waitTimeout = 15 * time.Second
)

// Run runs the suite against the server at connectionString (for example
// "esdb://127.0.0.1:2113?tls=false"), one subtest per behaviour.
func Run(t *testing.T, connectionString string) {
	t.Helper()
	conf, err := esdb.ParseConnectionString(connectionString)
	require.NoError(t, err, "parse connection string")
	conf.Logger = esdb.NoopLogging() // expected errors would otherwise be logged as failures
	client, err := esdb.NewClient(conf)
	require.NoError(t, err, "create client")
	t.Cleanup(func() { _ = client.Close() })

	s := &suite{client: client, run: strings.ReplaceAll(uuid.NewString(), "-", "")[:12]}
	t.Run("ServerFeatures", s.testServerFeatures)
	t.Run("Append", s.testAppend)
	t.Run("ReadStream", s.testReadStream)
	t.Run("ReadAll", s.testReadAll)
	t.Run("RecordedEvent", s.testRecordedEvent)
	t.Run("SubscribeToStream", s.testSubscribeToStream)
	t.Run("SubscribeToAll", s.testSubscribeToAll)
	t.Run("Filters", s.testFilters)
	t.Run("ConcurrentSubscribers", s.testConcurrentSubscribers)
	t.Run("Delete", s.testDelete)
	t.Run("StreamMetadata", s.testStreamMetadata)
}

// suite holds the client shared by the subtests and the id that makes this run's names unique.
type suite struct {
	client *esdb.Client
	run    string
}

// stream returns a fresh stream name "<kind><run>-<uuid>"; the category part is unique to the
// run and kind, so prefix filters on it see only this test's streams.
func (s *suite) stream(kind string) string {
	return s.category(kind) + "-" + uuid.NewString()
}

func (s *suite) category(kind string) string { return kind + s.run }

// eventType returns an event type unique to this run.
func (s *suite) eventType(name string) string { return "Conformance" + name + s.run }

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), opTimeout)
	t.Cleanup(cancel)
	return c
}

// jsonEvent returns a JSON event of type typ whose data records n.
func jsonEvent(typ string, n int) esdb.EventData {
	return esdb.EventData{
		EventID:     uuid.New(),
		EventType:   typ,
		ContentType: esdb.ContentTypeJson,
		Data:        fmt.Appendf(nil, `{"n":%d}`, n),
		Metadata:    fmt.Appendf(nil, `{"schemaVersion":1,"n":%d}`, n),
	}
}

func jsonEvents(typ string, from, count int) []esdb.EventData {
	evs := make([]esdb.EventData, count)
	for i := range evs {
		evs[i] = jsonEvent(typ, from+i)
	}
	return evs
}

// appendEvents appends evs with expected and requires success.
func (s *suite) appendEvents(t *testing.T, stream string, expected esdb.ExpectedRevision, evs ...esdb.EventData) *esdb.WriteResult {
	t.Helper()
	res, err := s.client.AppendToStream(ctx(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: expected}, evs...)
	require.NoError(t, err, "append %d events to %s expecting %#v", len(evs), stream, expected)
	return res
}

// readStream reads up to count events of stream; the error is the first Recv error other than EOF.
func (s *suite) readStream(t *testing.T, stream string, opts esdb.ReadStreamOptions, count uint64) ([]*esdb.RecordedEvent, error) {
	t.Helper()
	rs, err := s.client.ReadStream(ctx(t), stream, opts, count)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return collect(rs)
}

func (s *suite) readAll(t *testing.T, opts esdb.ReadAllOptions, count uint64) []*esdb.RecordedEvent {
	t.Helper()
	rs, err := s.client.ReadAll(ctx(t), opts, count)
	require.NoError(t, err, "read $all")
	defer rs.Close()
	evs, err := collect(rs)
	require.NoError(t, err, "read $all")
	return evs
}

func collect(rs *esdb.ReadStream) ([]*esdb.RecordedEvent, error) {
	var out []*esdb.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ev.OriginalEvent())
	}
}

// requireCode requires err to be an *esdb.Error with code want.
func requireCode(t *testing.T, err error, want esdb.ErrorCode, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	var e *esdb.Error
	require.ErrorAs(t, err, &e, msgAndArgs...)
	require.Equal(t, want, e.Code(), append([]any{"error %v"}, err)...)
}

func revisions(evs []*esdb.RecordedEvent) []uint64 {
	out := make([]uint64, len(evs))
	for i, ev := range evs {
		out[i] = ev.EventNumber
	}
	return out
}

func ids(evs []*esdb.RecordedEvent) []uuid.UUID {
	out := make([]uuid.UUID, len(evs))
	for i, ev := range evs {
		out[i] = ev.EventID
	}
	return out
}

func dataIDs(evs []esdb.EventData) []uuid.UUID {
	out := make([]uuid.UUID, len(evs))
	for i, ev := range evs {
		out[i] = ev.EventID
	}
	return out
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for r := from; r <= to; r++ {
		out = append(out, r)
	}
	return out
}

func less(a, b esdb.Position) bool {
	return a.Commit < b.Commit || (a.Commit == b.Commit && a.Prepare < b.Prepare)
}

// requireIncreasing requires positions strictly increasing in slice order.
func requireIncreasing(t *testing.T, evs []*esdb.RecordedEvent) {
	t.Helper()
	for i := 1; i < len(evs); i++ {
		require.True(t, less(evs[i-1].Position, evs[i].Position),
			"position of %s@%d (%v) must be after %s@%d (%v)", evs[i].StreamID, evs[i].EventNumber,
			evs[i].Position, evs[i-1].StreamID, evs[i-1].EventNumber, evs[i-1].Position)
	}
}
