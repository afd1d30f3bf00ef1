// Package adapters connects the coordinator application to the outside: the journeys in Temporal
// (start, query, update, visibility list, the PCN a journey was started in), the journey streams
// in the event store, the access audit trail's day streams (audit-<yyyy-mm-dd>) in the event
// store, and the pathway versions in the governance service.
package adapters
