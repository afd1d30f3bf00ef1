package devoidc

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// DefaultAudience is the audience of every token unless Options.Audience says otherwise.
const DefaultAudience = "pathways"

// Options configure the provider.
type Options struct {
	// Issuer is the URL the provider is served at (the caller serves it there): https, or http
	// on a loopback address only; no path. E.g. "https://127.0.0.1:9096".
	Issuer string
	// Audience is in the aud claim of every token (with the client ID); default "pathways".
	Audience string
	// Clients are the confidential web clients (the dashboard, the Temporal Web UI).
	Clients []Client
	// SigningKeyDir, when set, keeps the signing keys there (created 0700, the file 0600) so
	// tokens survive a restart; otherwise the keys live in memory.
	SigningKeyDir string
}

// Provider is the development OpenID Connect provider; an http.Handler to serve at the issuer
// URL. Safe for concurrent use.
type Provider struct {
	issuer   string
	store    *storage
	op       *op.Provider
	handler  http.Handler
	keys     *keyRing
	people   []Person
	audience string
}

func fieldError(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

// check lists every problem of the options, naming the field.
func (o Options) check() error {
	var errs []error
	u, err := url.Parse(o.Issuer)
	switch {
	case o.Issuer == "":
		errs = append(errs, fieldError("Issuer", "is required"))
	case err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		errs = append(errs, fieldError("Issuer", "must be an absolute URL with no path, query or fragment, not %q", o.Issuer))
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		errs = append(errs, fieldError("Issuer", "must be https (plain http only on a loopback address), not %q", o.Issuer))
	}
	ids := []string{PathwayctlClientID}
	for _, p := range demoPeople() {
		ids = append(ids, p.Username)
	}
	for i, c := range o.Clients {
		field := fmt.Sprintf("Clients[%d]", i)
		errs = append(errs, c.check(field)...)
		if c.ID != "" && slices.Contains(ids, c.ID) {
			errs = append(errs, fieldError(field+".ID", "%q is taken (pathwayctl, a demo person or another client)", c.ID))
		}
		ids = append(ids, c.ID)
	}
	return errors.Join(errs...)
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// New makes the provider: its signing keys (loaded from SigningKeyDir, or new), its clients
// and the demo people.
func New(o Options) (*Provider, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("devoidc: %w", err)
	}
	if o.Audience == "" {
		o.Audience = DefaultAudience
	}
	issuer := strings.TrimSuffix(o.Issuer, "/")
	keys, err := openKeyRing(o.SigningKeyDir)
	if err != nil {
		return nil, fmt.Errorf("devoidc: %w", err)
	}
	clients := map[string]*client{PathwayctlClientID: pathwayctlClient()}
	for _, c := range o.Clients {
		clients[c.ID] = webClient(c)
	}
	people := directory{people: demoPeople()}
	store := newStorage(o.Audience, people, clients, keys)
	provider, err := newOP(issuer, store)
	if err != nil {
		return nil, fmt.Errorf("devoidc: %w", err)
	}
	pages := &signInPages{store: store, people: people.people, callback: callbackURL(provider, issuer)}
	pageMux := http.NewServeMux()
	pages.routes(pageMux)
	// The sign-in pages refuse cross-origin form posts (CSRF); the op's endpoints are called
	// by clients' servers and by pathwayctl, and answer CORS themselves.
	protected := http.NewCrossOriginProtection().Handler(pageMux)
	mux := http.NewServeMux()
	for _, path := range []string{loginPath, devicePath, loggedOutPath} {
		mux.Handle(path, protected)
	}
	mux.Handle("/", provider)
	return &Provider{issuer: issuer, store: store, op: provider, keys: keys, people: people.people, audience: o.Audience,
		handler: mux}, nil
}

func newOP(issuer string, store *storage) (*op.Provider, error) {
	var cryptoKey [32]byte // encrypts authorization codes; new at every start (codes live minutes)
	_, _ = rand.Read(cryptoKey[:])
	config := &op.Config{
		CryptoKey:                cryptoKey,
		DefaultLogoutRedirectURI: loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedScopes:          []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeOfflineAccess},
		SupportedClaims:          append(slices.Clone(op.DefaultSupportedClaims), "roles", "eogs", "ods"),
		DeviceAuthorization: op.DeviceAuthorizationConfig{Lifetime: deviceLifetime, PollInterval: devicePollInterval,
			UserFormPath: devicePath, UserCode: op.UserCodeBase20},
	}
	var opts []op.Option
	if strings.HasPrefix(issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure()) // checked above: loopback only
	}
	return op.NewProvider(config, store, op.StaticIssuer(issuer), opts...)
}

// ServeHTTP serves the provider's endpoints and sign-in pages (see the package doc).
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

// Issuer returns the issuer URL (the iss of every token), without a trailing slash.
func (p *Provider) Issuer() string { return p.issuer }

// Audience returns the audience every token carries.
func (p *Provider) Audience() string { return p.audience }

// Rotate makes a new signing key active. The previous keys stay in the key set (the two most
// recent ones), so tokens already issued still verify; with SigningKeyDir the change is kept.
func (p *Provider) Rotate() error { return p.keys.rotate() }

// People returns the demo people (each with the password DemoPassword).
func (p *Provider) People() []Person {
	out := make([]Person, len(p.people))
	for i, x := range p.people {
		out[i] = x.clone()
	}
	return out
}

// TokenFor issues a signed access token for a demo person through the client-credentials
// command's own code path (the person's username and password as client credentials), without
// HTTP: for tests and the devstack's demo loader.
func (p *Provider) TokenFor(ctx context.Context, username string) (string, error) {
	ctx = op.ContextWithIssuer(ctx, p.issuer)
	req := &oidc.ClientCredentialsRequest{GrantType: oidc.GrantTypeClientCredentials, ClientID: username,
		ClientSecret: DemoPassword, Scope: oidc.SpaceDelimitedArray{oidc.ScopeOpenID}}
	tr, c, err := op.ValidateClientCredentialsRequest(ctx, req, p.op)
	if err != nil {
		return "", fmt.Errorf("token for %q: %w", username, err)
	}
	resp, err := op.CreateClientCredentialsTokenResponse(ctx, tr, p.op, c)
	if err != nil {
		return "", fmt.Errorf("token for %q: %w", username, err)
	}
	return resp.AccessToken, nil
}
