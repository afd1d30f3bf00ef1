package temporalserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	uiconfig "github.com/temporalio/ui-server/v2/server/config"
)

// UIAuthOptions sign people in to the Web UI with an OpenID Connect provider: the UI sends
// anyone without a session to the provider (authorization code flow) and its API refuses calls
// without a valid token. It is ui-server's own OIDC support, configured.
type UIAuthOptions struct {
	// IssuerURL is the provider's issuer; its discovery document is at
	// IssuerURL/.well-known/openid-configuration and must name the same issuer.
	IssuerURL string
	// ClientID and ClientSecret are the UI's client at the provider.
	ClientID, ClientSecret string
	// CallbackURL is where the provider sends people back; empty means the UI's own URL (see
	// Server.UIURL) + "/auth/sso/callback". The provider must allow it as a redirect URI.
	CallbackURL string
	// Scopes asked for; empty means openid, profile and email.
	Scopes []string
	// CAFile holds CA certificates (PEM) to trust for the issuer's TLS besides the system roots.
	// ui-server fetches the provider's discovery document, keys and tokens with Go's default
	// HTTP client and has no setting for another one, so Start adds these certificates to
	// http.DefaultTransport: the trust is process-wide.
	CAFile string
}

// callbackPath is ui-server's route the provider redirects back to.
const callbackPath = "/auth/sso/callback"

func (a *UIAuthOptions) validate() error {
	var errs []error
	if err := checkHTTPURL(a.IssuerURL); err != nil {
		errs = append(errs, fmt.Errorf("temporal ui auth issuer url: %w", err))
	}
	if strings.TrimSpace(a.ClientID) == "" {
		errs = append(errs, errors.New("temporal ui auth client id: is required"))
	}
	if a.CallbackURL != "" {
		if err := checkHTTPURL(a.CallbackURL); err != nil {
			errs = append(errs, fmt.Errorf("temporal ui auth callback url: %w", err))
		}
	}
	return errors.Join(errs...)
}

func checkHTTPURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("must be an absolute http or https URL, not %q", raw)
	}
	return nil
}

// uiAuth is ui-server's configuration for a; uiURL is the UI's own URL.
func (a *UIAuthOptions) uiAuth(uiURL string) uiconfig.Auth {
	callback, scopes := a.CallbackURL, a.Scopes
	if callback == "" {
		callback = uiURL + callbackPath
	}
	if len(scopes) == 0 {
		scopes = []string{"openid", "profile", "email"}
	}
	return uiconfig.Auth{Enabled: true, RedirectToProvider: true, Providers: []uiconfig.AuthProvider{{
		Label: "Sign in", Type: "oidc", ProviderURL: a.IssuerURL,
		ClientID: a.ClientID, ClientSecret: a.ClientSecret, Scopes: scopes, CallbackURL: callback,
	}}}
}

// checkDiscovery fetches the issuer's discovery document as ui-server will (default HTTP
// client) and checks what ui-server needs from it, so a wrong issuer is an error here and not
// the process exiting inside ui-server (it calls log.Fatal).
func (a *UIAuthOptions) checkDiscovery(ctx context.Context) error {
	wellKnown := strings.TrimSuffix(a.IssuerURL, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wellKnown, nil)
	if err != nil {
		return fmt.Errorf("temporal ui auth issuer url: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("temporal ui auth issuer url: discovery: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("temporal ui auth issuer url: discovery %s: %s", wellKnown, resp.Status)
	}
	var doc struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return fmt.Errorf("temporal ui auth issuer url: discovery %s: %w", wellKnown, err)
	}
	if doc.Issuer != a.IssuerURL {
		return fmt.Errorf("temporal ui auth issuer url: must equal the issuer of its discovery document, %q", doc.Issuer)
	}
	if doc.AuthorizationEndpoint == "" {
		return fmt.Errorf("temporal ui auth issuer url: discovery %s names no authorization_endpoint", wellKnown)
	}
	return nil
}

var defaultTransportMu sync.Mutex

// trustProcessWide adds the CA certificates of file to the roots of http.DefaultTransport (a
// copy of it with the roots added replaces it). See UIAuthOptions.CAFile for why.
func trustProcessWide(file string) error {
	if file == "" {
		return nil
	}
	pem, err := os.ReadFile(file) //nolint:gosec // G304: the path is the operator's configuration
	if err != nil {
		return fmt.Errorf("temporal ui auth ca file: %w", err)
	}
	defaultTransportMu.Lock()
	defer defaultTransportMu.Unlock()
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return fmt.Errorf("temporal ui auth ca file: http.DefaultTransport is a %T, not an *http.Transport", http.DefaultTransport)
	}
	t := base.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	roots := t.TLSClientConfig.RootCAs
	if roots == nil {
		if roots, err = x509.SystemCertPool(); err != nil {
			roots = x509.NewCertPool()
		}
	} else {
		roots = roots.Clone()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return fmt.Errorf("temporal ui auth ca file: %s holds no PEM certificate", file)
	}
	t.TLSClientConfig.RootCAs = roots
	http.DefaultTransport = t
	base.CloseIdleConnections()
	return nil
}
