// Package adapters connects the coordinator application to the outside: the journeys in Temporal
// (start, query, update, visibility list), the journey streams in the event store, and the
// pathway versions in the governance service.
package adapters
