// Command dashboard serves the System Dashboard: the ingest and query gRPC API, and the web page
// with /export.csv and /metrics. `dashboard -h` lists the flags and their environment variables.
package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	_ "time/tzdata" // Europe/London months without a system zoneinfo

	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() { serve.Main("dashboard", run) }

func run(ctx context.Context, args []string) error {
	cfg, tel, rebuild, err := load(args, os.Getenv, os.Stdout)
	if err != nil {
		return err
	}
	return serve.Run(ctx, tel, func(ctx context.Context) error {
		s, err := server.Start(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		if rebuild {
			n, err := s.Rebuild(ctx)
			if err != nil {
				return err
			}
			slog.InfoContext(ctx, "read model rebuilt from the event store", "facts", n)
		}
		slog.InfoContext(ctx, "dashboard serving", "grpc", s.Addr(), "http", s.WebURL())
		return serve.Wait(ctx, s.Done())
	})
}

// load reads the flags over the DASHBOARD_* (and telemetry) variables over the defaults.
func load(args []string, getenv func(string) string, out io.Writer) (server.Config, telemetry.Config, bool, error) {
	cfg := server.DefaultConfig()
	tel := telemetry.Config{ServiceName: "dashboard"}
	var rebuild bool
	fs := config.New("dashboard", getenv, out)
	fs.Summary("dashboard serves the System Dashboard: ingest and query gRPC API, web page, /export.csv and /metrics.")
	fs.String(&cfg.Listen, "listen", "DASHBOARD_LISTEN", "gRPC address")
	fs.String(&cfg.HTTPListen, "http-listen", "DASHBOARD_HTTP_LISTEN", "web page, /export.csv and /metrics address")
	fs.String(&cfg.DataDir, "data-dir", "DASHBOARD_DATA_DIR", "directory of the read model (dashboard.db)")
	fs.String(&cfg.DBPath, "db", "DASHBOARD_DB", "read model: a SQLite file (overrides -data-dir) or a postgres:// URL shared by replicas (prefer the variable: a password in a flag shows in ps)")
	fs.String(&cfg.EventStoreURL, "eventstore-url", "DASHBOARD_EVENTSTORE_URL", "event store connection string: esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// (for -rebuild)")
	fs.String(&cfg.FinanceAddr, "finance-addr", "DASHBOARD_FINANCE_ADDR", "finance gRPC address for budget used: host:port, dns:///name:port or host1:port,host2:port (round robin; empty: off)")
	fs.Bool(&rebuild, "rebuild", "", "replay the journey streams into the (fresh) read model before serving")
	fs.String(&cfg.Web.ClientID, "web-oidc-client-id", "DASHBOARD_WEB_OIDC_CLIENT_ID", "the web page's client ID at the OpenID Connect provider (sign-in with the code flow and PKCE)")
	fs.String(&cfg.Web.ClientSecret, "web-oidc-client-secret", "DASHBOARD_WEB_OIDC_CLIENT_SECRET", "the web page's client secret (prefer the variable to the flag; empty: a public client)")
	fs.String(&cfg.Web.Scopes, "web-oidc-scopes", "DASHBOARD_WEB_OIDC_SCOPES", "scopes the sign-in asks for besides openid and profile, space-separated (Entra ID: api://pathways/.default)")
	fs.String(&cfg.Web.PublicURL, "web-public-url", "DASHBOARD_WEB_PUBLIC_URL", "the page's base URL as browsers reach it (redirect URI: <url>/auth/callback; default: the -http-listen address)")
	fs.Int(&cfg.Disclosure.SuppressMin, "disclosure-suppress-min", "DASHBOARD_DISCLOSURE_SUPPRESS_MIN", "smallest count suppressed for people without patient-level access")
	fs.Int(&cfg.Disclosure.SuppressMax, "disclosure-suppress-max", "DASHBOARD_DISCLOSURE_SUPPRESS_MAX", "largest count suppressed for people without patient-level access (0: none)")
	fs.Int(&cfg.Disclosure.RoundTo, "disclosure-round-to", "DASHBOARD_DISCLOSURE_ROUND_TO", "other counts rounded to the nearest multiple of this for them (1: not rounded)")
	fs.Var(&cfg.RecordsRetention, "records-retention", "DASHBOARD_RECORDS_RETENTION", "keep a journey in the read model this long after it closed, as 8y, 90d or 1y30d (NHS Records Management Code 2021: 8 years for adult records)")
	fs.Duration(&cfg.PurgeInterval, "purge-interval", "DASHBOARD_PURGE_INTERVAL", "purge journeys past -records-retention at start and then this often (0: never)")
	cfg.Security.RegisterFlags(fs, "DASHBOARD")
	cfg.FinanceTLS.RegisterFlags(fs, "finance", "DASHBOARD")
	cfg.HTTP.Register(fs, "DASHBOARD")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, false, err
	}
	return cfg, tel, rebuild, fs.Check(cfg.Validate(), tel.Validate())
}
