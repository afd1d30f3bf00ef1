// Package prodshape runs the production shape of pathways on one machine, as separate OS
// processes on loopback, for the end-to-end test that kills them under load
// (e2e/production_test.go): PostgreSQL (services/platform/pgserver) with the temporal,
// temporal_visibility, finance and dashboard databases; the Temporal server on PostgreSQL
// (services/devstack/cmd/temporal); the event store; two coordinators; two workers; governance;
// two finance and two dashboard replicas on PostgreSQL. Every process serves and calls with
// mutual TLS from a test CA (services/platform/devca) and verifies people's access tokens from an
// OpenID Connect issuer the harness serves in the test process (Issuer).
//
// Each process writes its own log file in the run directory, keeps its ports across restarts,
// and can be killed with SIGKILL and restarted; Restart returns once its health service answers
// and a probe request through it succeeds. The workers reach finance through TCP proxies the
// test controls (Proxy), so finance can be made unreachable while it stays up.
//
// It is test support: nothing here is how production runs (deploy/ is).
package prodshape
