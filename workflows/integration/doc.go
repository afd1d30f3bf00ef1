// Package integration runs the journey workflow on a real Temporal server (temporaltest, in
// process) with the embedded event store and in-test ingest servers. It links the Temporal
// server, so make test runs it without the race detector. The recordhistory build tag adds
// the helper that records the replay histories in ../journey/testdata.
package integration
