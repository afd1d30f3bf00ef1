// Package integration drives the coordinator API over gRPC and REST against a real Temporal
// server in-process (temporaltest), a worker running the real journey workflow and activities,
// the embedded event store, an in-process governance service and in-test finance and dashboard
// ingest servers. It is its own module so the Temporal server's dependencies stay out of the
// coordinator's build.
package integration
