package identity

import "github.com/nhs-pathways/pathways/services/platform/config"

// Register defines the OpenID Connect flags on fs, each with an environment variable
// envPrefix + "_OIDC_..." (COORDINATOR_OIDC_ISSUER, say).
func (c *OIDC) Register(fs *config.FlagSet, envPrefix string) {
	env := func(s string) string { return envPrefix + "_OIDC_" + s }
	fs.String(&c.Issuer, "oidc-issuer", env("ISSUER"), "OpenID Connect issuer URL whose access tokens are accepted (NHS CIS2, Entra ID, Keycloak, the devstack's provider)")
	fs.String(&c.Audience, "oidc-audience", env("AUDIENCE"), "audience access tokens must carry (the API's client ID or application ID URI)")
	fs.String(&c.CAFile, "oidc-ca-file", env("CA_FILE"), "PEM certificates trusted for the provider's TLS, besides the system roots")
	fs.String(&c.JWKSURL, "oidc-jwks-url", env("JWKS_URL"), "signing keys URL (default: from the provider's discovery document)")
	fs.String(&c.Claims.Subject, "oidc-claim-subject", env("CLAIM_SUBJECT"), "claim naming the person (default sub; Entra ID: oid)")
	fs.String(&c.Claims.Name, "oidc-claim-name", env("CLAIM_NAME"), "claim with the display name (default name, then preferred_username)")
	fs.String(&c.Claims.Roles, "oidc-claim-roles", env("CLAIM_ROLES"), "claim with the roles, a dotted path for nested claims (default roles; Keycloak: realm_access.roles)")
	fs.String(&c.Claims.EOGs, "oidc-claim-eogs", env("CLAIM_EOGS"), "claim with the Expert Oversight Groups (default eogs)")
	fs.String(&c.Claims.Orgs, "oidc-claim-orgs", env("CLAIM_ORGS"), "claim with the ODS codes of the person's organisations (default ods)")
	fs.String(&c.Claims.RolePrefix, "oidc-role-prefix", env("ROLE_PREFIX"), "keep only roles with this prefix, without it (e.g. pathways-)")
}
