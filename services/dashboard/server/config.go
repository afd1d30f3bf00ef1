// Package server runs the dashboard service: the read model (SQLite, or PostgreSQL shared by
// replicas), the gRPC ingest and query API and the web page. cmd/dashboard and the devstack
// both start it here.
package server

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
	"github.com/nhs-pathways/pathways/services/platform/dial"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Defaults of Config.
const (
	DefaultListen      = "127.0.0.1:9104"
	DefaultHTTPListen  = "127.0.0.1:8084"
	DefaultDataDir     = "data/dashboard"
	DefaultWebClientID = "dashboard"
)

// Config is everything the service needs to start.
type Config struct {
	// Listen is the gRPC address (port 0 picks a free one).
	Listen string
	// HTTPListen is the web page's address.
	HTTPListen string
	// DataDir holds the read model (dashboard.db) unless DBPath names it.
	DataDir string
	// DBPath is the read model: a SQLite file, or a PostgreSQL URL (postgres:// or
	// postgresql://) that several dashboard replicas may share. Empty: DataDir/dashboard.db.
	DBPath string
	// EventStoreURL, if set, is the esdb:// or kurrentdb:// (or +discover) connection string Rebuild replays from.
	EventStoreURL string
	// FinanceAddr, if set, is the finance service's gRPC address (budget used).
	FinanceAddr string
	// FinanceTLS overrides, for the finance service only, the CA, server name or client
	// certificate of Security.TLS (each empty field takes the service's own).
	FinanceTLS tlsconf.Client
	// Security is TLS on both listeners and to finance, OpenID Connect tokens and the access
	// table (platform/secure, access.DashboardPolicy); secure by default, secure.Insecure() for
	// a development server on loopback (then anyone may call anything, as before).
	Security secure.Config
	// HTTP bounds the web server: timeouts, header and body sizes (platform/limits).
	HTTP limits.HTTPConfig
	// Web is the page's OpenID Connect sign-in, on whenever Security verifies tokens.
	Web WebSignIn
	// Disclosure is the small-number rule the figures follow for people without patient-level
	// access (every role but coordinator and auditor), on the page, in the API and in CSV.
	Disclosure Disclosure
	// RecordsRetention is how long the read model keeps a journey after it closed (discharged
	// or cancelled) and its last recorded activity; default 8 years (DefaultRecordsRetention).
	RecordsRetention Retention
	// PurgeInterval is how often journeys past RecordsRetention are purged, the first time at
	// start; 0 purges only when Purge is called.
	PurgeInterval time.Duration
	// Now is the clock of the figures and the purge; nil means time.Now.
	Now func() time.Time
}

// Disclosure is the small-number rule: counts from SuppressMin to SuppressMax are suppressed
// (SuppressMax 0: none), the others rounded to the nearest RoundTo (1: not rounded).
type Disclosure struct {
	SuppressMin, SuppressMax, RoundTo int
}

// DefaultDisclosure suppresses 1 to 7 and rounds the rest to the nearest 5.
var DefaultDisclosure = Disclosure{SuppressMin: 1, SuppressMax: 7, RoundTo: 5}

func (d Disclosure) rule() disclosure.Rule {
	return disclosure.Rule{SuppressMin: int64(d.SuppressMin), SuppressMax: int64(d.SuppressMax), RoundTo: int64(d.RoundTo)}
}

// WebSignIn is the web page's client at the OpenID Connect provider of Security.OIDC
// (authorization code flow with PKCE).
type WebSignIn struct {
	// ClientID is the page's client ID at the provider.
	ClientID string
	// ClientSecret authenticates the client (empty: a public client, PKCE alone).
	ClientSecret string
	// PublicURL is the page's base URL as browsers reach it, scheme and host
	// (https://dashboard.example.nhs.uk); the redirect URI to register is PublicURL +
	// "/auth/callback". Empty: the web listener's own address, https when it serves TLS.
	PublicURL string
	// Scopes, space-separated, are asked for besides openid and profile (Entra ID:
	// api://pathways/.default, for an access token of the API's audience).
	Scopes string
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, HTTPListen: DefaultHTTPListen, DataDir: DefaultDataDir,
		Security: secure.Default(), HTTP: limits.DefaultHTTPConfig(), Web: WebSignIn{ClientID: DefaultWebClientID},
		Disclosure: DefaultDisclosure, RecordsRetention: DefaultRecordsRetention, PurgeInterval: DefaultPurgeInterval}
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	for name, addr := range map[string]string{"listen": c.Listen, "http-listen": c.HTTPListen} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: must be host:port, not %q", name, addr))
		}
	}
	if err := dial.Check("finance-addr", c.FinanceAddr); c.FinanceAddr != "" && err != nil {
		errs = append(errs, err)
	}
	if c.DataDir == "" && c.DBPath == "" {
		errs = append(errs, errors.New("data-dir: a data directory or a db path is required"))
	}
	if err := adapters.CheckDB(c.DBPath); err != nil {
		errs = append(errs, fmt.Errorf("db: %w", err))
	}
	if err := events.CheckConnectionString(c.EventStoreURL); c.EventStoreURL != "" && err != nil {
		errs = append(errs, fmt.Errorf("eventstore-url: %w", err))
	}
	if c.PurgeInterval < 0 {
		errs = append(errs, fmt.Errorf("purge-interval: must be 0 (off) or more, not %s", c.PurgeInterval))
	}
	errs = append(errs, c.Security.Validate(c.Listen, c.HTTPListen), c.Security.TLS.Client(c.FinanceTLS).Validate(),
		c.HTTP.Validate(), c.Disclosure.rule().Validate(), c.RecordsRetention.Validate("records-retention"))
	if c.Security.Authenticating() {
		errs = append(errs, c.Web.validate())
	}
	return errors.Join(errs...)
}

// validate checks the sign-in settings (only when tokens are verified).
func (w WebSignIn) validate() error {
	var errs []error
	if w.ClientID == "" {
		errs = append(errs, errors.New("web-oidc-client-id: the page's client ID at the OpenID Connect provider is required"))
	}
	if w.PublicURL == "" {
		return errors.Join(errs...)
	}
	u, err := url.Parse(w.PublicURL)
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "":
		errs = append(errs, fmt.Errorf("web-public-url: must be an absolute URL with no path, query or fragment (https://dashboard.example.nhs.uk), not %q", w.PublicURL))
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		errs = append(errs, fmt.Errorf("web-public-url: must be https (plain http only on loopback: the session cookie would travel in the clear), not %q", w.PublicURL))
	}
	return errors.Join(errs...)
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// db is the read model's file path or PostgreSQL URL.
func (c Config) db() string {
	if c.DBPath != "" {
		return c.DBPath
	}
	return c.DataDir + "/dashboard.db"
}
