// Package integration runs the journey workflow on a real Temporal server (temporaltest, in
// process) with the embedded event store and in-test ingest servers. It is a separate module so
// the heavy server dependency stays out of the workflows module. The recordhistory build tag adds
// the helper that records the replay histories in ../journey/testdata.
package integration
