// Package integration drives the coordinator API over gRPC and REST against a real Temporal
// server in-process (temporaltest), a worker running the real journey workflow and activities,
// the embedded event store, an in-process governance service and in-test finance and dashboard
// ingest servers. It links the Temporal server, so make test runs it without the race detector.
package integration
