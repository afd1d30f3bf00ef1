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
	"errors"
	"net"

	"google.golang.org/grpc"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Config is a service's security settings.
type Config struct {
	TLS  tlsconf.Settings
	OIDC identity.OIDC
}

// Insecure is the configuration of a development server on loopback (and of tests that are
// not about security): plaintext, no tokens, no access table.
func Insecure() Config { return Config{TLS: tlsconf.Settings{Insecure: true}} }

// RegisterFlags defines the TLS flags (-tls-cert, -tls-key, -tls-client-ca, -tls-ca,
// -insecure, ...) and the OpenID Connect flags (-oidc-issuer, -oidc-audience, the claim
// mapping), each with its envPrefix_ variable.
func (c *Config) RegisterFlags(fs *config.FlagSet, envPrefix string) {
	c.TLS.RegisterFlags(fs, envPrefix)
	c.OIDC.Register(fs, envPrefix)
}

// Validate reports every problem at once, naming the flags: TLS files, the OpenID Connect
// settings (required unless -insecure) and each listener address (a non-loopback one needs TLS
// unless -insecure).
func (c Config) Validate(listens ...string) error {
	errs := []error{c.TLS.Validate()}
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
// issuer, it reads the interim metadata and enforces no table.
func (c Config) Interceptor(policy identity.Policy) (identity.Interceptor, error) {
	i := identity.Interceptor{Services: tlsconf.PeerService}
	if !c.Authenticating() {
		i.Anonymous = func(string) bool { return true }
		return i, nil
	}
	v, err := identity.NewVerifier(c.OIDC)
	if err != nil {
		return identity.Interceptor{}, err
	}
	i.Verifier, i.Policy = v, policy
	return i, nil
}

// ServerOptions returns what every gRPC server of the service needs besides its stats handler:
// its TLS credentials (client certificates verified when given) and the interceptor chains
// (panic recovery, then identity and the access table).
func (c Config) ServerOptions(i identity.Interceptor) ([]grpc.ServerOption, error) {
	creds, err := c.TLS.Server.GRPC()
	if err != nil {
		return nil, err
	}
	return []grpc.ServerOption{creds,
		grpc.ChainUnaryInterceptor(rpcerr.RecoverUnary, i.Unary),
		grpc.ChainStreamInterceptor(rpcerr.RecoverStream, i.Stream)}, nil
}

// Listener wraps an HTTP listener in TLS when the service serves TLS.
func (c Config) Listener(lis net.Listener) (net.Listener, error) { return c.TLS.Server.Listener(lis) }

// Dial returns the transport credentials for calling an upstream: mutual TLS with the service's
// own certificate, verifying the upstream against -tls-ca (or upstream's overrides); plaintext
// with -insecure.
func (c Config) Dial(upstream tlsconf.Client) (grpc.DialOption, error) {
	return c.TLS.Client(upstream).DialOption()
}
