package stack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/services/devstack/internal/devoidc"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// The certificates the devstack makes (spiffe://pathways.local/<name>): one per service, each
// serving and calling with it, plus the OpenID provider's and a client-only one for the demo
// loader and tests.
var certificates = []string{"oidc", "eventstore", "temporal", "governance", "finance", "dashboard", "coordinator", "worker", "prometheus"}

// security is the devstack's trust: a local CA in the data dir, an OpenID Connect provider
// with the demo people, and the event store's service user. Nil with -insecure.
type security struct {
	ca       *devca.Bundle
	provider *devoidc.Provider
	http     *http.Server
	issuer   string
	// eventStorePassword is the password of the "pathways" event store user the services use.
	eventStorePassword string
	// dashboardSecret is the dashboard web page's OpenID Connect client secret.
	dashboardSecret, temporalUISecret string
}

// dashboardClientID and temporalUIClientID are the provider's clients for the two web pages.
const (
	dashboardClientID  = "dashboard"
	temporalUIClientID = "temporal-ui"
	eventStoreUser     = "pathways"
)

func (c Config) tlsDir() string  { return filepath.Join(c.DataDir, "tls") }
func (c Config) oidcDir() string { return filepath.Join(c.DataDir, "oidc") }

// startSecurity makes (or reuses) the CA and certificates, and starts the OpenID provider over
// TLS before anything that verifies its tokens.
func (s *Stack) startSecurity(ctx context.Context) error {
	if s.cfg.Insecure {
		return nil
	}
	var services []devca.Service
	for _, name := range certificates {
		services = append(services, devca.Service{Name: name, DNS: []string{"localhost"},
			IPs: hostIPs(s.cfg.Host), Server: name != "prometheus", Client: true})
	}
	ca, err := devca.Ensure(s.cfg.tlsDir(), services)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	sec := &security{ca: ca}
	if sec.eventStorePassword, err = secret(filepath.Join(s.cfg.tlsDir(), "eventstore-password")); err != nil {
		return err
	}
	if sec.dashboardSecret, err = secret(filepath.Join(s.cfg.oidcDir(), "dashboard-client-secret")); err != nil {
		return err
	}
	if sec.temporalUISecret, err = secret(filepath.Join(s.cfg.oidcDir(), "temporal-ui-client-secret")); err != nil {
		return err
	}
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", s.cfg.addr(s.cfg.Ports.OIDC))
	if err != nil {
		return fmt.Errorf("openid provider listen: %w", err)
	}
	sec.issuer = "https://" + lis.Addr().String()
	s.cfg.Ports.DashboardHTTP, err = portOrFree(s.cfg.Host, s.cfg.Ports.DashboardHTTP)
	if err != nil {
		_ = lis.Close()
		return err
	}
	s.cfg.Ports.UI, err = portOrFree(s.cfg.Host, s.cfg.Ports.UI)
	if err != nil {
		_ = lis.Close()
		return err
	}
	// The Web UI is told the coordinator's codec server before the coordinator listens.
	s.cfg.Ports.CoordinatorHTTP, err = portOrFree(s.cfg.Host, s.cfg.Ports.CoordinatorHTTP)
	if err != nil {
		_ = lis.Close()
		return err
	}
	sec.provider, err = devoidc.New(devoidc.Options{Issuer: sec.issuer, SigningKeyDir: s.cfg.oidcDir(), Clients: []devoidc.Client{
		{ID: dashboardClientID, Secret: sec.dashboardSecret, RedirectURIs: []string{s.DashboardURL() + "/auth/callback"},
			PostLogoutRedirectURIs: []string{s.DashboardURL() + "/"}},
		{ID: temporalUIClientID, Secret: sec.temporalUISecret, PKCEOptional: true, // the Temporal UI sends no PKCE challenge
			RedirectURIs: []string{s.temporalUIURL() + "/auth/sso/callback"}},
	}})
	if err != nil {
		_ = lis.Close()
		return err
	}
	srvTLS, err := ca.Server("oidc").Listener(lis)
	if err != nil {
		_ = lis.Close()
		return err
	}
	sec.http = limits.NewHTTPServer("", sec.provider, limits.DefaultHTTPConfig())
	go func() {
		if err := sec.http.Serve(srvTLS); !errors.Is(err, http.ErrServerClosed) {
			slog.ErrorContext(ctx, "openid provider stopped", "error", err)
		}
	}()
	s.onStop("openid-provider", func() error { //nolint:contextcheck // stopping outlives the start's context
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return sec.http.Shutdown(ctx)
	})
	s.sec = sec
	s.listens("openid-provider", "OpenID Connect issuer (demo people, password "+devoidc.DemoPassword+")", sec.issuer)
	s.listens("tls", "local CA (trust it: --cacert)", ca.CAFile)
	return nil
}

// hostIPs are the addresses a certificate must name for clients dialling host.
func hostIPs(host string) []net.IP {
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() {
		ips = append(ips, ip)
	}
	return ips
}

// secret reads a random secret kept in path, making it at first start (0600).
func secret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 { //nolint:gosec // a file of the devstack's data dir
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return s, nil
}

// portOrFree returns port, or a free port on host when it is 0 (the redirect URIs registered
// with the provider must name the port before the page listens).
func portOrFree(host string, port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	lis, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer func() { _ = lis.Close() }()
	return lis.Addr().(*net.TCPAddr).Port, nil
}

// Secure returns a service's security configuration: its certificate, the local CA, tokens of
// the devstack's provider, the default limits; or secure.Insecure() with -insecure.
func (s *Stack) Secure(service string) secure.Config {
	if s.sec == nil {
		return secure.Insecure()
	}
	c := secure.Default()
	c.TLS = s.sec.ca.Settings(service)
	c.OIDC = identity.OIDC{Issuer: s.sec.issuer, Audience: devoidc.DefaultAudience, CAFile: s.sec.ca.CAFile}
	return c
}

// CAFile is the local CA clients trust; "" with -insecure.
func (s *Stack) CAFile() string {
	if s.sec == nil {
		return ""
	}
	return s.sec.ca.CAFile
}

// Issuer is the OpenID Connect issuer URL; "" with -insecure.
func (s *Stack) Issuer() string {
	if s.sec == nil {
		return ""
	}
	return s.sec.issuer
}

// TokenFor returns an access token for a demo person (devoidc.Provider.People).
func (s *Stack) TokenFor(ctx context.Context, username string) (string, error) {
	if s.sec == nil {
		return "", errors.New("the devstack runs -insecure: there is no identity provider")
	}
	return s.sec.provider.TokenFor(ctx, username)
}

// Provider is the devstack's OpenID provider (nil with -insecure).
func (s *Stack) Provider() *devoidc.Provider {
	if s.sec == nil {
		return nil
	}
	return s.sec.provider
}

// scheme is https, or http with -insecure. It follows the configuration, not s.sec: the web
// pages' redirect URIs are registered with the provider before s.sec is set.
func (s *Stack) scheme() string {
	if s.cfg.Insecure {
		return "http"
	}
	return "https"
}

// DashboardURL is the System Dashboard web page's base URL.
func (s *Stack) DashboardURL() string {
	return s.scheme() + "://" + s.cfg.addr(s.cfg.Ports.DashboardHTTP)
}

func (s *Stack) temporalUIURL() string { return s.scheme() + "://" + s.cfg.addr(s.cfg.Ports.UI) }

// temporalTLS is how a service reaches the embedded Temporal frontend: mutual TLS with its own
// certificate (zero with -insecure: plaintext).
func (s *Stack) temporalTLS(service string) journey.TemporalTLS {
	if s.sec == nil {
		return journey.TemporalTLS{}
	}
	return journey.TemporalTLS{ServerCACertPath: s.sec.ca.CAFile, ClientCertPath: s.sec.ca.Cert(service), ClientKeyPath: s.sec.ca.Key(service)}
}
