package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// signInError is a failure the person fixes by signing in (again): exit ExitUnauthorised.
type signInError struct{ msg string }

func (e *signInError) Error() string { return e.msg }

// httpTimeout bounds each call to the identity provider.
const httpTimeout = 30 * time.Second

// rootCAs are the system's roots plus the certificates in caFile (-ca-file), when set.
func rootCAs(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if caFile == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(caFile) //nolint:gosec // G304: the path is the user's -ca-file
	if err != nil {
		return nil, fmt.Errorf("-ca-file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("-ca-file: %s holds no PEM certificate", caFile)
	}
	return pool, nil
}

// tlsConfig verifies servers against the system roots plus -ca-file.
func (c *call) tlsConfig() (*tls.Config, error) {
	pool, err := rootCAs(c.caFile)
	if err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}, nil
}

// providerContext is ctx carrying the HTTP client for the identity provider (oauth2 and go-oidc
// both read it from there).
func (c *call) providerContext(ctx context.Context) (context.Context, error) {
	cfg, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	return oidc.ClientContext(ctx, &http.Client{Transport: t, Timeout: httpTimeout}), nil
}

// checkIssuer refuses an issuer URL that is not https (plain http only on loopback).
func checkIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	switch {
	case issuer == "":
		return usagef("-issuer: the OpenID Connect issuer URL is required (PATHWAYS_OIDC_ISSUER)")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return usagef("-issuer: must be an absolute https:// URL, not %q", issuer)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return usagef("-issuer: must be https (plain http only on a loopback address), not %q", issuer)
	}
	return nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// endpoint reads the provider's endpoints from its discovery document.
func endpoint(ctx context.Context, issuer string) (oauth2.Endpoint, error) {
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return oauth2.Endpoint{}, fmt.Errorf("read the discovery document of %s: %w", issuer, err)
	}
	return p.Endpoint(), nil
}

// session is the signed-in person's stored credentials and the source of their access token:
// the stored one while it is valid, then one refreshed with the refresh token (and saved back).
// Safe for concurrent use.
type session struct {
	c    *call
	path string

	mu sync.Mutex
	cr Credentials
}

// openSession loads the stored credentials; errNotSignedIn when there are none.
func (c *call) openSession() (*session, error) {
	path, err := c.credentialsPath()
	if err != nil {
		return nil, err
	}
	cr, err := loadCredentials(path)
	if err != nil {
		return nil, err
	}
	return &session{c: c, path: path, cr: cr}, nil
}

func (c *call) credentialsPath() (string, error) {
	dir, err := configDir(c.getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, CredentialsFile), nil
}

// Token returns a valid access token, refreshing (and saving) it when the stored one expired.
func (s *session) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cr.token().Valid() {
		return s.cr.AccessToken, nil
	}
	when := s.cr.Expiry.Local().Format(time.RFC3339)
	if s.cr.RefreshToken == "" {
		return "", &signInError{msg: "your sign-in expired at " + when + ": run pathwayctl login"}
	}
	pctx, err := s.c.providerContext(ctx)
	if err != nil {
		return "", err
	}
	ep, err := endpoint(pctx, s.cr.Issuer)
	if err != nil {
		return "", fmt.Errorf("refresh your sign-in (expired at %s): %w", when, err)
	}
	ep.AuthStyle = oauth2.AuthStyleInParams // a public client: its ID in the form, no secret
	cfg := &oauth2.Config{ClientID: s.cr.ClientID, Endpoint: ep}
	t, err := cfg.TokenSource(pctx, &oauth2.Token{RefreshToken: s.cr.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		return "", &signInError{msg: fmt.Sprintf("your sign-in expired at %s and the provider refused to renew it (%s): run pathwayctl login",
			when, re.ErrorCode)}
	}
	if err != nil {
		return "", fmt.Errorf("refresh your sign-in (expired at %s): %w", when, err)
	}
	s.cr = s.cr.withToken(t)
	if err := saveCredentials(s.path, s.cr); err != nil {
		return "", err
	}
	return t.AccessToken, nil
}
