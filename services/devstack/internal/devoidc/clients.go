package devoidc

import (
	"crypto/subtle"
	"net/url"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// PathwayctlClientID is the public client of the pathwayctl command line: device flow (or the
// code flow with a loopback redirect), PKCE, refresh tokens.
const PathwayctlClientID = "pathwayctl"

// pathwayctlRedirects are the loopback redirect URIs pathwayctl may use with the code flow; any
// port is accepted for them (RFC 8252, section 7.3).
var pathwayctlRedirects = []string{"http://127.0.0.1/callback", "http://localhost/callback"}

// Client is a confidential web client (the dashboard, the Temporal Web UI): it signs people in
// with the authorization code flow, authenticating with its secret, and may refresh tokens.
type Client struct {
	ID           string
	Secret       string
	RedirectURIs []string // exact, absolute http(s) URLs
	// PostLogoutRedirectURIs are where /end_session may send the browser back to.
	PostLogoutRedirectURIs []string
	// PKCEOptional lets the client sign people in without a PKCE code_challenge (the Temporal
	// Web UI's server sends state and nonce but no PKCE). A challenge it does send must be S256
	// and is checked. Every other client must use PKCE with S256.
	PKCEOptional bool
}

func (c Client) check(field string) []error {
	var errs []error
	if c.ID == "" {
		errs = append(errs, fieldError(field+".ID", "is required"))
	}
	if c.Secret == "" {
		errs = append(errs, fieldError(field+".Secret", "is required (a confidential client authenticates with it)"))
	}
	if len(c.RedirectURIs) == 0 {
		errs = append(errs, fieldError(field+".RedirectURIs", "needs at least one redirect URI"))
	}
	for _, u := range append(append([]string(nil), c.RedirectURIs...), c.PostLogoutRedirectURIs...) {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.Fragment != "" {
			errs = append(errs, fieldError(field+".RedirectURIs", "%q must be an absolute http(s) URL without a fragment", u))
		}
	}
	return errs
}

// client is an op.Client: an application (pathwayctl, a web client) or, for the
// client-credentials command, a demo person. It is never changed after it is made.
type client struct {
	id            string
	secret        string // empty for a public client
	redirects     []string
	postLogout    []string
	appType       op.ApplicationType
	authMethod    oidc.AuthMethod
	grants        []oidc.GrantType
	pkceOptional  bool
	responseTypes []oidc.ResponseType
}

func webClient(c Client) *client {
	return &client{id: c.ID, secret: c.Secret, redirects: c.RedirectURIs, postLogout: c.PostLogoutRedirectURIs,
		appType: op.ApplicationTypeWeb, authMethod: oidc.AuthMethodBasic, pkceOptional: c.PKCEOptional,
		grants: []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}, responseTypes: []oidc.ResponseType{oidc.ResponseTypeCode}}
}

func pathwayctlClient() *client {
	return &client{id: PathwayctlClientID, redirects: pathwayctlRedirects, appType: op.ApplicationTypeNative,
		authMethod: oidc.AuthMethodNone, responseTypes: []oidc.ResponseType{oidc.ResponseTypeCode},
		grants: []oidc.GrantType{oidc.GrantTypeDeviceCode, oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}}
}

// personClient is the client a demo person is for the client-credentials command.
func personClient(p Person) *client {
	return &client{id: p.Username, appType: op.ApplicationTypeWeb, authMethod: oidc.AuthMethodBasic,
		grants: []oidc.GrantType{oidc.GrantTypeClientCredentials}}
}

func (c *client) secretIs(secret string) bool {
	return c.secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) == 1
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirects }
func (c *client) PostLogoutRedirectURIs() []string    { return c.postLogout }
func (c *client) ApplicationType() op.ApplicationType { return c.appType }
func (c *client) AuthMethod() oidc.AuthMethod         { return c.authMethod }
func (c *client) ResponseTypes() []oidc.ResponseType  { return c.responseTypes }
func (c *client) GrantTypes() []oidc.GrantType        { return c.grants }
func (c *client) LoginURL(id string) string {
	return loginPath + "?" + authRequestField + "=" + url.QueryEscape(id)
}
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *client) IDTokenLifetime() time.Duration       { return tokenLifetime }
func (c *client) DevMode() bool                        { return false }
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string { //nolint:revive // the name is op.Client's
	return func(s []string) []string { return s }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
