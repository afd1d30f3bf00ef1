// Package secure is what every pathways service configures to know its callers and be known
// to its upstreams, in one place: TLS on its listeners and to the services it calls
// (platform/tlsconf, mutual TLS with one certificate per service), OpenID Connect access tokens
// for people (platform/identity) and its access table (platform/access) deciding every call.
//
// A service is secure by default: it needs -oidc-issuer and -oidc-audience, and a non-loopback
// listener needs -tls-cert and -tls-key. -insecure (development on loopback, as KurrentDB's flag
// of that name) turns TLS, token verification and the access table off: callers are then named
// by the interim x-actor, x-roles, x-eog and x-orgs metadata, and only the handlers' own checks
// apply.
package secure

import (
	"context"
	"errors"
	"fmt"
	"net"

	"google.golang.org/grpc"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Config is a service's security settings.
type Config struct {
	TLS  tlsconf.Settings
	OIDC identity.OIDC
	// Limits caps gRPC messages, streams and keepalives and rate limits each caller
	// (platform/limits); the zero value leaves gRPC's defaults and no rate limit.
	Limits limits.Config
}

// Default is a secure configuration waiting for its certificates and issuer, with the default
// limits.
func Default() Config { return Config{Limits: limits.DefaultConfig()} }

// Insecure is the configuration of a development server on loopback (and of tests that are
// not about security): plaintext, no tokens, no access table, the default limits.
func Insecure() Config {
	c := Default()
	c.TLS.Insecure = true
	return c
}

// RegisterFlags defines the TLS flags (-tls-cert, -tls-key, -tls-client-ca, -tls-ca,
// -insecure, ...) and the OpenID Connect flags (-oidc-issuer, -oidc-audience, the claim
// mapping), each with its envPrefix_ variable.
func (c *Config) RegisterFlags(fs *config.FlagSet, envPrefix string) {
	c.TLS.RegisterFlags(fs, envPrefix)
	c.OIDC.Register(fs, envPrefix)
	c.Limits.Register(fs, envPrefix)
}

// Validate reports every problem at once, naming the flags: TLS files, the OpenID Connect
// settings (required unless -insecure) and each listener address (a non-loopback one needs TLS
// unless -insecure).
func (c Config) Validate(listens ...string) error {
	errs := []error{c.TLS.Validate(), c.Limits.Validate()}
	if !c.TLS.Insecure || c.OIDC.Enabled() {
		if err := c.OIDC.Check(); err != nil {
			errs = append(errs, errors.New(err.Error()+" (or -insecure for a development server on loopback)"))
		}
	}
	for _, addr := range listens {
		errs = append(errs, c.TLS.CheckBind(addr))
	}
	return errors.Join(errs...)
}

// Authenticating reports whether callers must prove who they are (not -insecure).
func (c Config) Authenticating() bool { return !c.TLS.Insecure || c.OIDC.Enabled() }

// Interceptor returns the identity interceptor enforcing policy: tokens verified against the
// configured provider, services known by their client certificate. With -insecure and no
// issuer, it reads the interim metadata and enforces no table: a caller must still name
// themselves (x-actor), except on the methods the table opens to anyone or to services (which
// have no certificate to show over plaintext).
func (c Config) Interceptor(policy identity.Policy) (identity.Interceptor, error) {
	i := identity.Interceptor{Services: tlsconf.PeerService}
	if !c.Authenticating() {
		i.Anonymous = servicesOpen(policy)
		return i, nil
	}
	v, err := identity.NewVerifier(c.OIDC)
	if err != nil {
		return identity.Interceptor{}, err
	}
	i.Verifier, i.Policy = v, policy
	if c.TLS.Insecure {
		// Tokens over plaintext on loopback: services cannot show a certificate, so what the
		// table opens to them is open to anyone here.
		i.Anonymous = servicesOpen(policy)
	}
	return i, nil
}

// ServerOptions returns what every gRPC server of the service needs besides its stats handler:
// its TLS credentials (client certificates verified when given), the limits, and the
// interceptor chains: panic recovery, identity and the access table, then the per-caller rate
// limit (people only: a service carries many people's work). Options added after these append
// to the chains.
func (c Config) ServerOptions(i identity.Interceptor) ([]grpc.ServerOption, error) {
	creds, err := c.TLS.Server.GRPC()
	if err != nil {
		return nil, err
	}
	unary := []grpc.UnaryServerInterceptor{rpcerr.RecoverUnary, i.Unary}
	stream := []grpc.StreamServerInterceptor{rpcerr.RecoverStream, i.Stream}
	// No rate limit with -insecure: services cannot show who they are there, so the journey
	// worker's pushes would count as one anonymous caller.
	if c.Limits.Rate.PerSecond > 0 && !c.TLS.Insecure {
		rate := c.Limits.Rate
		rate.Unlimited = func(p identity.Principal) bool { return p.Service != "" }
		lim := limits.NewLimiter(rate)
		unary, stream = append(unary, lim.Unary), append(stream, lim.Stream)
	}
	opts := append(limits.GRPCServerOptions(c.Limits), creds)
	return append(opts, grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...)), nil
}

// Listener wraps an HTTP listener in TLS when the service serves TLS.
func (c Config) Listener(lis net.Listener) (net.Listener, error) { return c.TLS.Server.Listener(lis) }

// Dial returns the transport credentials for calling an upstream: mutual TLS with the service's
// own certificate, verifying the upstream against -tls-ca (or upstream's overrides); plaintext
// with -insecure.
func (c Config) Dial(upstream tlsconf.Client) (grpc.DialOption, error) {
	return c.TLS.Client(upstream).DialOption()
}

// servicesOpen reports the methods the table opens to anyone or to a service.
func servicesOpen(policy identity.Policy) func(string) bool {
	return func(method string) bool {
		r, ok := policy[method]
		return ok && (r.Public || len(r.Services) > 0)
	}
}

// ServeMetrics serves /metrics on addr: over TLS when the service serves TLS, and only to the
// callers guard's table allows on "GET /metrics" (the metrics scraper's certificate).
func (c Config) ServeMetrics(ctx context.Context, addr string, guard identity.Interceptor) (*metrics.Server, error) {
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen on %s: %w", addr, err)
	}
	if lis, err = c.Listener(lis); err != nil {
		return nil, err
	}
	return metrics.ServeOn(lis, guard.Handle("GET "+metrics.Path, metrics.Handler(), identity.ServiceFrom(tlsconf.RequestService))), nil
}
