package stack

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"

	enumspb "go.temporal.io/api/enums/v1"

	coordinator "github.com/nhs-pathways/pathways/services/coordinator/server"
	dashboard "github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/devstack/internal/temporalserver"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	finance "github.com/nhs-pathways/pathways/services/finance/server"
	governance "github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

func (s *Stack) startTemporal(ctx context.Context) error {
	attrs := map[string]enumspb.IndexedValueType{}
	for _, k := range journey.SearchAttributes() {
		attrs[k.GetName()] = k.GetValueType()
	}
	opts := temporalserver.Options{DataDir: s.cfg.temporalDir(), IP: s.cfg.Host,
		FrontendPort: s.cfg.Ports.Temporal, UIPort: s.cfg.Ports.UI, UI: s.cfg.UI, Namespace: s.cfg.Namespace,
		SearchAttributes: attrs, Retention: s.cfg.Retention}
	if s.sec != nil {
		ca := s.sec.ca
		// Mutual TLS on every listener: only holders of a certificate of the local CA (the
		// worker, the coordinator, the Web UI) reach the frontend.
		opts.TLS = &temporalserver.TLSOptions{CertFile: ca.Cert("temporal"), KeyFile: ca.Key("temporal"), CAFile: ca.CAFile,
			ClientCAFile: ca.CAFile, RequireClientCert: true, ClientCertFile: ca.Cert("temporal"), ClientKeyFile: ca.Key("temporal")}
		if s.cfg.UI {
			opts.UITLS = &temporalserver.KeyPair{CertFile: ca.Cert("temporal"), KeyFile: ca.Key("temporal")}
			opts.UIAuth = &temporalserver.UIAuthOptions{IssuerURL: s.sec.issuer, ClientID: temporalUIClientID,
				ClientSecret: s.sec.temporalUISecret, CallbackURL: s.temporalUIURL() + "/auth/sso/callback", CAFile: ca.CAFile}
		}
		if s.uiCodec() {
			// The browser posts what it shows to the coordinator's codec server with the person's
			// access token: payloads show decrypted to coordinators and auditors only.
			opts.UICodec = &temporalserver.UICodec{Endpoint: s.codecURL(), PassAccessToken: true, IncludeCredentials: true}
		}
	}
	t, err := temporalserver.Start(ctx, opts)
	if err != nil {
		return err
	}
	s.onStop("temporal", t.Stop)
	s.TemporalAddr, s.UIAddr = t.FrontendAddr(), t.UIAddr()
	s.listens("temporal", "gRPC frontend, namespace "+s.cfg.Namespace, s.TemporalAddr)
	if s.UIAddr != "" {
		s.listens("temporal-ui", "Web UI", t.UIURL())
	}
	return nil
}

func (s *Stack) startEventStore(ctx context.Context) error {
	opts := embedded.Options{DataDir: s.cfg.eventStoreDir(), Listen: s.cfg.addr(s.cfg.Ports.EventStore),
		ScavengeInterval: s.cfg.ScavengeInterval}
	if s.sec != nil {
		admin, err := secret(filepath.Join(s.cfg.tlsDir(), "eventstore-admin-password"))
		if err != nil {
			return err
		}
		opts.Security = &embedded.Security{CertFile: s.sec.ca.Cert("eventstore"), KeyFile: s.sec.ca.Key("eventstore"),
			CAFile: s.sec.ca.CAFile, AdminPassword: admin, OpsPassword: admin,
			Users: []embedded.User{{Name: eventStoreUser, Password: s.sec.eventStorePassword, Groups: []string{"$ops"}}}}
	}
	es, err := embedded.Start(ctx, opts)
	if err != nil {
		return err
	}
	s.onStop("eventstore", es.Close)
	s.EventStoreURL = es.URL()
	if s.sec != nil {
		s.EventStoreURL = es.URLFor(eventStoreUser, s.sec.eventStorePassword)
	}
	s.listens("eventstore", "EventStoreDB gRPC", redacted(s.EventStoreURL))
	return nil
}

func (s *Stack) startGovernance(ctx context.Context) error {
	cfg := governance.DefaultConfig()
	cfg.Listen, cfg.EventStoreURL, cfg.SeedBuiltin = s.cfg.addr(s.cfg.Ports.Governance), s.EventStoreURL, true
	cfg.Now, cfg.Security = s.cfg.GovernanceClock, s.Secure("governance")
	g, err := governance.Start(ctx, cfg)
	if err != nil {
		return err
	}
	s.onStopVoid("governance", g.Close)
	s.GovernanceAddr = g.Addr()
	s.listens("governance", "gRPC", s.GovernanceAddr)
	return nil
}

func (s *Stack) startFinance(ctx context.Context) error {
	cfg := finance.DefaultConfig()
	cfg.Listen, cfg.HTTPListen = s.cfg.addr(s.cfg.Ports.Finance), s.cfg.addr(s.cfg.Ports.FinanceHTTP)
	cfg.EventStoreURL, cfg.Ledger, cfg.Security = s.EventStoreURL, s.cfg.financeLedger(), s.Secure("finance")
	if err := ensureDir(filepath.Dir(cfg.Ledger)); err != nil {
		return err
	}
	f, err := finance.Start(ctx, cfg)
	if err != nil {
		return err
	}
	s.onStopVoid("finance", f.Close)
	s.FinanceAddr = f.Addr()
	s.listens("finance", "gRPC", s.FinanceAddr)
	s.listens("finance", "HTTP /metrics /export.csv", s.scheme()+"://"+f.HTTPAddr())
	return nil
}

func (s *Stack) startDashboard(ctx context.Context) error {
	cfg := dashboard.DefaultConfig()
	cfg.Listen, cfg.HTTPListen = s.cfg.addr(s.cfg.Ports.Dashboard), s.cfg.addr(s.cfg.Ports.DashboardHTTP)
	cfg.DataDir, cfg.EventStoreURL, cfg.FinanceAddr = s.cfg.dashboardDir(), s.EventStoreURL, s.FinanceAddr
	cfg.Security = s.Secure("dashboard")
	cfg.RecordsRetention = s.cfg.RecordsRetention // the coordinator deletes the streams, the dashboard its rows
	if s.sec != nil {
		// The page signs people in at the devstack's provider (authorization code + PKCE).
		cfg.Web.ClientID, cfg.Web.ClientSecret, cfg.Web.PublicURL = dashboardClientID, s.sec.dashboardSecret, s.DashboardURL()
	}
	if err := ensureDir(cfg.DataDir); err != nil {
		return err
	}
	d, err := dashboard.Start(ctx, cfg)
	if err != nil {
		return err
	}
	s.onStopVoid("dashboard", d.Close)
	if s.cfg.RebuildDashboard {
		n, err := d.Rebuild(ctx)
		if err != nil {
			return fmt.Errorf("dashboard rebuild: %w", err)
		}
		slog.InfoContext(ctx, "dashboard read model rebuilt from the event store", "events", n)
	}
	s.DashboardAddr = d.Addr()
	s.listens("dashboard", "gRPC", s.DashboardAddr)
	s.listens("dashboard", "System Dashboard web page", s.scheme()+"://"+d.HTTPAddr())
	return nil
}

func (s *Stack) startCoordinator(ctx context.Context) error {
	cfg := coordinator.DefaultConfig()
	cfg.Listen, cfg.HTTPListen = s.cfg.addr(s.cfg.Ports.Coordinator), s.cfg.addr(s.cfg.Ports.CoordinatorHTTP)
	cfg.Temporal.Address, cfg.Temporal.Namespace, cfg.Temporal.TLS = s.TemporalAddr, s.cfg.Namespace, s.temporalTLS("coordinator")
	cfg.EventStoreURL, cfg.GovernanceAddr, cfg.Security = s.EventStoreURL, s.GovernanceAddr, s.Secure("coordinator")
	cfg.Temporal.PayloadKeysFile = s.cfg.PayloadKeysFile()
	cfg.RecordsRetention = s.cfg.RecordsRetention
	// The patient key vault and its master key live in the data dir (production names a KMS).
	cfg.VaultPath, cfg.MasterKeyFile, cfg.CreateMasterKey = s.cfg.VaultPath(), s.cfg.MasterKeyFile(), true
	if err := ensureDir(filepath.Dir(cfg.VaultPath)); err != nil {
		return err
	}
	if s.uiCodec() {
		cfg.CodecCORSOrigins = []string{s.temporalUIURL()} // the Web UI decodes payloads through /codec
	}
	c, err := coordinator.Start(ctx, cfg)
	if err != nil {
		return err
	}
	s.onStopVoid("coordinator", c.Close)
	s.CoordinatorAddr, s.CoordinatorHTTPAddr = c.Addr(), c.HTTPAddr()
	s.listens("coordinator", "gRPC", s.CoordinatorAddr)
	s.listens("coordinator", "REST/JSON + OpenAPI", s.scheme()+"://"+s.CoordinatorHTTPAddr)
	if s.uiCodec() {
		s.listens("coordinator", "codec server of the Web UI", s.codecURL())
	}
	return nil
}

// uiCodec reports whether the Web UI decodes payloads through the coordinator's codec server:
// when it is served with sign-in (not -insecure, where it has no token to show the server).
func (s *Stack) uiCodec() bool { return s.cfg.UI && !s.cfg.Insecure }

// codecURL is the coordinator's codec server (platform/payloadcrypt), on its REST port.
func (s *Stack) codecURL() string {
	return s.scheme() + "://" + s.cfg.addr(s.cfg.Ports.CoordinatorHTTP) + payloadcrypt.Path
}

// redacted is a connection string with its password replaced (the banner is often pasted).
func redacted(connection string) string {
	u, err := url.Parse(connection)
	if err != nil || u.User == nil {
		return connection
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
