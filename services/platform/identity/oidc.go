package identity

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// SigningAlgorithms are the token signatures accepted: asymmetric only. "none" and the HMAC
// family (a key the verifier would have to share) are never accepted.
var SigningAlgorithms = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA,
}

// Claims names the token claims a Principal is read from. A name may be a dotted path into
// nested objects ("realm_access.roles" for Keycloak's realm roles). Each of Roles, EOGs and Orgs
// may hold a string or a list of strings.
type Claims struct {
	Subject string // default "sub"
	Name    string // display name; default "name", then preferred_username, then the subject
	Roles   string // default "roles" (Entra ID app roles; Keycloak: "realm_access.roles")
	EOGs    string // Expert Oversight Group membership; default "eogs"
	Orgs    string // ODS codes of the organisations the person works for; default "ods"
	// RolePrefix, when set, keeps only roles that start with it and strips it
	// ("pathways-coordinator" -> "coordinator" with prefix "pathways-").
	RolePrefix string
}

func (c Claims) withDefaults() Claims {
	if c.Subject == "" {
		c.Subject = "sub"
	}
	if c.Name == "" {
		c.Name = "name"
	}
	if c.Roles == "" {
		c.Roles = "roles"
	}
	if c.EOGs == "" {
		c.EOGs = "eogs"
	}
	if c.Orgs == "" {
		c.Orgs = "ods"
	}
	return c
}

// OIDC configures the verification of bearer access tokens from an OpenID Connect provider.
type OIDC struct {
	Issuer   string // the provider's issuer URL; tokens must carry it as iss
	Audience string // tokens must list it in aud (the API's client ID or application ID URI)
	// JWKSURL, when set, is where the signing keys are read; otherwise discovery
	// (Issuer + /.well-known/openid-configuration) says.
	JWKSURL string
	CAFile  string // PEM bundle trusted for the provider's TLS besides the system roots
	Claims  Claims
	// HTTPClient, when set, reaches the provider (tests); CAFile is then ignored.
	HTTPClient *http.Client
	// Now, when set, is the clock tokens are checked against (tests).
	Now func() time.Time
}

// Enabled reports whether an issuer is configured.
func (c OIDC) Enabled() bool { return c.Issuer != "" }

// Check returns what is wrong with the configuration, naming the flag.
func (c OIDC) Check() error {
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("oidc-issuer: the OpenID Connect issuer URL is required"))
	} else if !strings.HasPrefix(c.Issuer, "https://") && !strings.HasPrefix(c.Issuer, "http://127.0.0.1") && !strings.HasPrefix(c.Issuer, "http://localhost") {
		errs = append(errs, fmt.Errorf("oidc-issuer: must be an https:// URL (plain http only on loopback), not %q", c.Issuer))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("oidc-audience: the audience access tokens must carry is required"))
	}
	if c.CAFile != "" {
		if _, err := os.Stat(c.CAFile); err != nil {
			errs = append(errs, fmt.Errorf("oidc-ca-file: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Verifier turns a bearer token into the Principal it vouches for.
type Verifier interface {
	Verify(ctx context.Context, rawToken string) (Principal, error)
}

// TokenError says why a token was refused; callers answer Unauthenticated with it.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return "access token refused: " + e.Reason }

// ProviderError says the identity provider could not be reached to fetch its keys; callers
// answer Unavailable.
type ProviderError struct{ Err error }

func (e *ProviderError) Error() string { return "identity provider unavailable: " + e.Err.Error() }
func (e *ProviderError) Unwrap() error { return e.Err }

// TokenVerifier verifies access tokens with go-oidc: signature against the provider's JWKS
// (refetched when a token names a key it has not seen, so key rotation needs no restart),
// issuer, audience, expiry and not-before, asymmetric algorithms only. Discovery happens at the
// first token, and is retried until it succeeds, so a service may start before its provider.
type TokenVerifier struct {
	cfg    OIDC
	claims Claims

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
}

// NewVerifier returns a verifier for cfg; it reaches the provider only when the first token
// arrives.
func NewVerifier(cfg OIDC) (*TokenVerifier, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.HTTPClient == nil {
		client, err := httpClient(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.HTTPClient = client
	}
	return &TokenVerifier{cfg: cfg, claims: cfg.Claims.withDefaults()}, nil
}

// httpClient trusts the system roots plus the PEM bundle in caFile.
func httpClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return &http.Client{Timeout: 10 * time.Second}, nil
	}
	pem, err := os.ReadFile(caFile) //nolint:gosec // the operator's -oidc-ca-file
	if err != nil {
		return nil, fmt.Errorf("oidc-ca-file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("oidc-ca-file: %s holds no PEM certificate", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}, nil
}

// discoveryTimeout bounds one attempt to read the provider's discovery document.
const discoveryTimeout = 10 * time.Second

func (v *TokenVerifier) idTokenVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	// The key set outlives this call: it fetches keys again when they rotate.
	keyCtx := oidc.ClientContext(context.Background(), v.cfg.HTTPClient)
	conf := &oidc.Config{ClientID: v.cfg.Audience, SupportedSigningAlgs: SigningAlgorithms, Now: v.cfg.Now}
	if v.cfg.JWKSURL != "" {
		v.verifier = oidc.NewVerifier(v.cfg.Issuer, oidc.NewRemoteKeySet(keyCtx, v.cfg.JWKSURL), conf) //nolint:contextcheck // the key set outlives the call
		return v.verifier, nil
	}
	dctx, cancel := context.WithTimeout(oidc.ClientContext(context.WithoutCancel(ctx), v.cfg.HTTPClient), discoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(dctx, v.cfg.Issuer)
	if err != nil {
		return nil, &ProviderError{Err: err}
	}
	var meta struct {
		JWKSURL string `json:"jwks_uri"`
	}
	if err := p.Claims(&meta); err != nil || meta.JWKSURL == "" {
		return nil, &ProviderError{Err: fmt.Errorf("discovery document of %s names no jwks_uri", v.cfg.Issuer)}
	}
	v.verifier = oidc.NewVerifier(v.cfg.Issuer, oidc.NewRemoteKeySet(keyCtx, meta.JWKSURL), conf) //nolint:contextcheck // the key set outlives the call
	return v.verifier, nil
}

// Verify checks rawToken and maps its claims to a Principal: a *TokenError when the token is
// not acceptable, a *ProviderError when the keys cannot be had.
func (v *TokenVerifier) Verify(ctx context.Context, rawToken string) (Principal, error) {
	idv, err := v.idTokenVerifier(ctx)
	if err != nil {
		return Principal{}, err
	}
	tok, err := idv.Verify(ctx, rawToken)
	if err != nil {
		return Principal{}, refusal(err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return Principal{}, &TokenError{Reason: "its claims are not a JSON object"}
	}
	return v.claims.principal(claims)
}

// refusal turns go-oidc's error into a reason a caller can act on, without echoing the token.
func refusal(err error) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return &TokenError{Reason: "it expired at " + expired.Expiry.UTC().Format(time.RFC3339)}
	case strings.Contains(msg, "id token issued by a different provider"):
		return &TokenError{Reason: "it was issued by another issuer"}
	case strings.Contains(msg, "expected audience"):
		return &TokenError{Reason: "it is not meant for this API (audience)"}
	case strings.Contains(msg, "unsupported signing algorithm"), strings.Contains(msg, "malformed jwt"):
		return &TokenError{Reason: "it is not a JWT signed with an accepted algorithm"}
	case strings.Contains(msg, "failed to verify signature"):
		var pe *ProviderError
		if errors.As(err, &pe) {
			return pe
		}
		if strings.Contains(msg, "fetching keys") {
			return &ProviderError{Err: err}
		}
		return &TokenError{Reason: "its signature does not verify against the provider's keys"}
	case strings.Contains(msg, "before"):
		return &TokenError{Reason: "it is not valid yet"}
	}
	return &TokenError{Reason: "it does not verify"}
}

// principal maps verified claims to a Principal; a token without a subject is refused.
func (c Claims) principal(claims map[string]any) (Principal, error) {
	var p Principal
	p.Subject, _ = lookup(claims, c.Subject).(string)
	if strings.TrimSpace(p.Subject) == "" {
		return Principal{}, &TokenError{Reason: fmt.Sprintf("it has no %q claim naming the subject", c.Subject)}
	}
	for _, name := range []string{c.Name, "preferred_username"} {
		if s, ok := lookup(claims, name).(string); ok && strings.TrimSpace(s) != "" {
			p.Actor = strings.TrimSpace(s)
			break
		}
	}
	if p.Actor == "" {
		p.Actor = p.Subject
	}
	for _, r := range stringList(lookup(claims, c.Roles)) {
		r = strings.ToLower(r)
		if c.RolePrefix != "" {
			var ok bool
			if r, ok = strings.CutPrefix(r, strings.ToLower(c.RolePrefix)); !ok {
				continue
			}
		}
		p.Roles = append(p.Roles, r)
	}
	p.EOGs = stringList(lookup(claims, c.EOGs))
	p.Orgs = stringList(lookup(claims, c.Orgs))
	return p, nil
}

// lookup follows a dotted path into nested claim objects; nil when absent.
func lookup(claims map[string]any, path string) any {
	var cur any = claims
	for part := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// stringList reads a claim holding a string (space- or comma-separated) or a list of strings.
func stringList(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = list([]string{strings.ReplaceAll(v, " ", ",")})
	case []any:
		for _, item := range v {
			if s, ok := item.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
	}
	return out
}

// MapClaims maps verified claims to a Principal as a TokenVerifier configured with c does.
func MapClaims(c Claims, claims map[string]any) (Principal, error) {
	return c.withDefaults().principal(claims)
}
