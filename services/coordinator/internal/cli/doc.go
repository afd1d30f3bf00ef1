// Package cli is pathwayctl: a command-line client of the coordinator API (referrals,
// worklists, journeys and their transitions) and the governance API (pathway versions). It prints
// tables for people and JSON (-o json) for scripts; cmd/pathwayctl only calls RunWithStdin.
//
// # Signing in
//
// login gets an OpenID Connect access token from the provider the services trust (endpoints from
// its discovery document): by default with the device authorization grant (RFC 8628), as any
// production provider offers it; with -username and -password-stdin through the client
// credentials grant, the person's username and password acting as client ID and secret, which only
// the devstack's development provider accepts. The token (with the refresh token, issuer and
// client ID) is kept as JSON in credentials.json in PATHWAYS_CONFIG_DIR, else the pathways
// directory of the user's configuration directory: the directory 0700, the file 0600, written to a
// temporary file and renamed into place. Every other command sends it as "authorization: Bearer
// ..." (refreshed with the refresh token when it has expired, and saved back); without it they
// fail with exit code ExitUnauthorised and "not signed in: run pathwayctl login". token prints it
// for curl, whoami decodes its claims locally (unverified, and says so), logout deletes the file.
//
// The connections to the services are TLS, verified against the system's roots plus -ca-file
// (the devstack's local CA); -insecure (plaintext) is only for a development server on loopback.
package cli
