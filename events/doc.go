// Package events is the journal every pathways service uses to store and read its domain events.
//
// Events are protobuf messages appended to one stream per aggregate ("journey-<id>",
// "pathway-<id>"), through the official EventStoreDB client
// (github.com/EventStore/EventStore-Client-Go/v4). The same code runs against a
// KurrentDB/EventStoreDB cluster in production and against services/eventstore locally: only
// the connection string changes.
//
// On the wire an event is stored as:
//   - event type: the payload's full protobuf name (for example "google.protobuf.StringValue");
//   - data: the payload encoded with protojson, content type application/json, so it is readable
//     in the server's UI;
//   - metadata: a JSON object with schemaVersion, actor, $correlationId, $causationId and
//     occurredAt (see Metadata).
//
// The Journal appends with optimistic concurrency (ExpectedRevision), reads whole streams, and
// runs catch-up subscriptions that resubscribe by themselves after a drop without redelivering or
// skipping an event. Package eventstoretest holds the conformance suite any event store endpoint
// must pass for this package to work on it.
package events
