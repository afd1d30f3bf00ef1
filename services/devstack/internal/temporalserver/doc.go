// Package temporalserver runs a real Temporal server (go.temporal.io/server) inside the devstack
// process: every service (frontend, history, matching, worker) on loopback, persistence and
// visibility in one SQLite file in WAL mode so journeys and their timers survive a restart, the
// journey namespace registered with its search attributes, and optionally the Temporal Web UI.
// cmd/temporal runs the same server as a process of its own.
//
// It is the devstack's stand-in for a Temporal cluster: clients reach it by address exactly as
// they would reach a cluster's frontend.
//
// With Options.Postgres the server runs on PostgreSQL instead, as Temporal documents for
// self-hosting: persistence in one database, SQL visibility in another (pgx driver). Start
// brings both schemas to the versions the server needs from the schema files embedded in
// go.temporal.io/server, as temporal-sql-tool's setup-schema and update-schema do, doing nothing
// when they are current; servers starting together take turns on an advisory lock. The
// namespace is registered through Temporal's metadata store when missing.
//
// With Options.TLS every gRPC listener of the server serves TLS from the given PEM files, and
// with TLSOptions.RequireClientCert mutual TLS: a client connects only with a certificate signed
// by TLSOptions.ClientCAFile. The services behind the frontend present the server certificate
// to each other; the server's system worker, its readiness check and the Web UI reach the
// frontend with TLSOptions.ClientCertFile. Certificates are read and checked (they name
// Options.IP, chain to the CA, allow client authentication where needed) before anything
// starts. An SDK client connects with client.ConnectionOptions.TLS trusting the CA and
// presenting its own certificate from the same CA. Without Options.TLS everything is plaintext.
//
// The Web UI serves HTTPS with Options.UITLS and signs people in with an OpenID Connect provider
// with Options.UIAuth (ui-server's own OIDC support: its login route redirects to the provider,
// its API refuses calls without a valid token). ui-server fetches from the provider with Go's
// default HTTP client, so UIAuthOptions.CAFile is trusted process-wide. Without UIAuth the UI is
// open to anyone who can reach it. The frontend itself does not check the UI's bearer tokens (no
// authorizer is configured): the client certificate is what lets the UI in. With
// Options.UICodec the UI decodes the payloads it shows through a remote codec server (the
// coordinator's /codec), sending the signed-in person's access token.
//
// Options.Retention is the namespace's retention of closed workflows, set when the namespace is
// registered and updated at start when it differs.
package temporalserver
