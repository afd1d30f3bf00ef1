// Package temporalserver runs a real Temporal server (go.temporal.io/server) inside the devstack
// process: every service (frontend, history, matching, worker) on loopback, persistence and
// visibility in one SQLite file in WAL mode so journeys and their timers survive a restart, the
// journey namespace registered with its search attributes, and optionally the Temporal Web UI.
//
// It is the devstack's stand-in for a Temporal cluster: clients reach it by address exactly as
// they would reach a cluster's frontend.
package temporalserver
