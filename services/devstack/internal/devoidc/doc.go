// Package devoidc is the devstack's OpenID Connect provider: a real one, built on
// github.com/zitadel/oidc/v3/pkg/op and served in-process, so that `make run` needs nothing
// else and every service verifies bearer tokens exactly as it would in production.
//
// It is for development only. Its people are the demo people of People (every role, both
// demo PCNs, both Expert Oversight Groups), all with the password DemoPassword ("demo"), and it
// keeps its state (sign-in requests, codes, refresh tokens) in memory. Production points the
// services at the organisation's own provider instead (NHS CIS2, Microsoft Entra ID, Keycloak):
// only the issuer URL, the audience and the claim mapping change, never the services' code.
//
// # Tokens
//
// Access tokens and ID tokens are JWTs signed with RS256 (no other algorithm is offered, never
// "none"). They carry iss, sub ("demo-" + username, stable; never the display name), aud (the
// audience, "pathways" by default, and the client ID), iat, exp (one hour) and the private claims
// name, preferred_username, roles, eogs (Expert Oversight Groups) and ods (ODS codes of the
// organisations the person works for). Rotate makes a new signing key active and keeps the old
// ones in the key set, so tokens already issued still verify; with Options.SigningKeyDir the keys
// survive a restart.
//
// # Endpoints
//
// Relative to the issuer (which has no path):
//
//	/.well-known/openid-configuration   discovery
//	/keys                               JWKS (public keys, current and previous)
//	/authorize                          authorization code flow; PKCE S256 required
//	/authorize/callback                 where the sign-in page returns to (op internal)
//	/login                              the sign-in page (GET ?authRequestID=..., POST)
//	/device_authorization               device authorization (RFC 8628)
//	/device                             the sign-in page for a device's user code (GET, POST)
//	/oauth/token                        token endpoint (authorization_code, refresh_token,
//	                                    device_code, client_credentials)
//	/userinfo, /oauth/introspect, /revoke, /end_session, /healthz, /ready
//
// # Clients
//
//   - pathwayctl: public; device flow (and the code flow with a loopback redirect), refresh
//     tokens; request "offline_access" for a refresh token.
//   - the web clients of Options.Clients (the dashboard, the Temporal Web UI): confidential
//     (client secret), authorization code flow with PKCE and refresh tokens.
//   - every demo person, for scripts: see below.
//
// # A token with one command
//
// The client-credentials grant with a demo person's username as client ID and their password as
// client secret issues a token for that person (their subject and claims), for curl and scripts:
//
//	curl -s --cacert ca.crt -u coord-u90001:demo -d grant_type=client_credentials \
//	  https://127.0.0.1:9096/oauth/token | jq -r .access_token
//
// A wrong password or an unknown username is refused (401, invalid_client). Provider.TokenFor
// issues the same token without HTTP.
//
// The sign-in pages post back only the sign-in request's ID (or the user code) with the
// credentials; cross-origin posts are refused (net/http.CrossOriginProtection) and the pages may
// not be framed.
package devoidc
