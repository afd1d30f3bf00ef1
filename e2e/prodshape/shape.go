package prodshape

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/pgserver"
)

// Namespace is the Temporal namespace the journeys run in.
const Namespace = "pathways"

// Options configure a shape.
type Options struct {
	// Bins are the binaries by name (Build).
	Bins map[string]string
	// Dir is the run directory: logs, certificates (Dir/tls), keys and every process's data.
	Dir string
	// Replicas is how many coordinators, workers, finance and dashboard replicas run (2 if 0).
	Replicas int
	// ExternalTemporal, when set, is a Temporal frontend already running (trusting the CA in
	// TLSDir) used instead of starting one: for developing the harness only.
	ExternalTemporal string
	// TLSDir holds the CA and certificates (Dir/tls if empty; an existing CA is reused).
	TLSDir string
}

// Shape is the production shape, running. Its processes are safe to kill and restart from
// one goroutine at a time each.
type Shape struct {
	opts            Options
	ca              *devca.Bundle
	issuer          *Issuer
	client, scraper *tls.Config
	pg              *pgserver.Server
	esURL           string

	// Postgres is the PostgreSQL server as a Victim.
	Postgres Victim
	// Temporal, EventStore and Governance run once each.
	Temporal, EventStore, Governance *Process
	// Coordinators, Workers, Finance and Dashboards run Options.Replicas times each.
	Coordinators, Workers, Finance, Dashboards []*Process
	// FinanceProxies stand between the workers and each finance replica (Cut makes finance
	// unreachable to the workers).
	FinanceProxies []*Proxy
	// extra are processes started later (StartDashboard).
	extra []*Process
}

// services have a certificate each (spiffe://pathways.local/<name>); prometheus is the
// client-only identity /metrics serves.
var services = []string{"oidc", "eventstore", "temporal", "governance", "finance", "dashboard", "coordinator", "worker", "prometheus"}

// Start runs the whole shape and returns once every process answers. On error, what was
// started is stopped.
func Start(ctx context.Context, opts Options) (_ *Shape, err error) {
	if opts.Replicas == 0 {
		opts.Replicas = 2
	}
	s := &Shape{opts: opts}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	steps := []func(context.Context) error{s.startTrust, s.startPostgres, s.startTemporal, s.startEventStore,
		s.startGovernance, s.startFinance, s.startDashboards, s.startCoordinators, s.startWorkers}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// TLSDir holds ca.crt and every service's certificate and key (prometheus.crt: the scraper's).
func (s *Shape) TLSDir() string {
	if s.opts.TLSDir != "" {
		return s.opts.TLSDir
	}
	return filepath.Join(s.opts.Dir, "tls")
}

// Issuer is the shape's OpenID Connect issuer.
func (s *Shape) Issuer() *Issuer { return s.issuer }

// PostgresURL is the URL of a database on the shape's PostgreSQL.
func (s *Shape) PostgresURL(db string) string { return s.pg.URL(db) }

func (s *Shape) path(parts ...string) string {
	return filepath.Join(append([]string{s.opts.Dir}, parts...)...)
}

func (s *Shape) startTrust(ctx context.Context) error {
	var list []devca.Service
	for _, name := range services {
		list = append(list, devca.Service{Name: name, DNS: []string{"localhost"},
			IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, Server: name != "prometheus", Client: true})
	}
	ca, err := devca.Ensure(s.TLSDir(), list)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	s.ca = ca
	if s.client, err = clientTLS(ca); err != nil {
		return err
	}
	if s.scraper, err = scraperTLS(ca); err != nil {
		return err
	}
	if _, err := payloadcrypt.EnsureFile(s.payloadKeys()); err != nil {
		return fmt.Errorf("payload keys: %w", err)
	}
	if _, err := patientkeys.LocalMasterKey(s.masterKey(), true); err != nil {
		return fmt.Errorf("vault master key: %w", err)
	}
	if err := os.MkdirAll(s.path("logs"), 0o700); err != nil {
		return fmt.Errorf("logs: %w", err)
	}
	s.issuer, err = startIssuer(ctx, ca)
	return err
}

func (s *Shape) payloadKeys() string { return s.path("keys", "payload-keys.json") }
func (s *Shape) masterKey() string   { return s.path("keys", "master.key") }

func (s *Shape) startPostgres(ctx context.Context) error {
	log, err := os.OpenFile(s.path("logs", "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("postgres log: %w", err)
	}
	// Dir "": a directory under os.TempDir, which the postgres user can reach when we are root.
	s.pg, err = pgserver.New(ctx, pgserver.Options{Log: log, Settings: []string{"max_connections=300"}})
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.Postgres = &postgres{srv: s.pg}
	for _, db := range Databases {
		if err := s.pg.CreateDatabase(ctx, db); err != nil {
			return fmt.Errorf("create database %s: %w", db, err)
		}
	}
	return nil
}

// freeAddr is a free loopback address (listen on :0, note it, close): kept across restarts.
func freeAddr(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func freeAddrs(ctx context.Context, n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		var err error
		if out[i], err = freeAddr(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// serviceTLS are the flags of a service serving and calling with its certificate, verifying
// callers' certificates and people's tokens.
func (s *Shape) serviceTLS(cert string) []string {
	return []string{"-tls-cert", s.ca.Cert(cert), "-tls-key", s.ca.Key(cert), "-tls-ca", s.ca.CAFile, "-tls-client-ca", s.ca.CAFile,
		"-oidc-issuer", s.issuer.URL(), "-oidc-audience", Audience, "-oidc-ca-file", s.ca.CAFile}
}

// temporalClient are the flags of a Temporal client (coordinator, worker) with mutual TLS.
func (s *Shape) temporalClient(cert string) []string {
	return []string{"-temporal-address", s.Temporal.addr, "-namespace", Namespace, "-temporal-tls",
		"-temporal-tls-ca", s.ca.CAFile, "-temporal-tls-cert", s.ca.Cert(cert), "-temporal-tls-key", s.ca.Key(cert),
		"-payload-keys-file", s.payloadKeys()}
}

// process makes a Process of the named binary.
func (s *Shape) process(name, kind string, args ...string) *Process {
	return &Process{name: name, kind: kind, bin: s.opts.Bins[kind], args: args, logPath: s.path("logs", name+".log")}
}

func (s *Shape) startEventStore(ctx context.Context) error {
	addrs, err := freeAddrs(ctx, 2)
	if err != nil {
		return err
	}
	password := "es-" + strconv.FormatInt(int64(os.Getpid()), 36) + "-admin-secret"
	p := s.process("eventstore", "eventstore", "-data-dir", s.path("eventstore"), "-listen", addrs[0], "-metrics-listen", addrs[1],
		"-tls-cert", s.ca.Cert("eventstore"), "-tls-key", s.ca.Key("eventstore"), "-tls-ca-file", s.ca.CAFile,
		"-default-admin-password", password, "-default-ops-password", password, "-scavenge-interval", "0")
	p.addr = addrs[0]
	p.health = eventStoreFeatures(p.addr, s.client)
	s.EventStore = p
	s.esURL = fmt.Sprintf("esdb://%s@%s?tls=true&tlsCAFile=%s", url.UserPassword("admin", password).String(), p.addr, url.QueryEscape(s.ca.CAFile))
	return p.Start(ctx)
}

func (s *Shape) startGovernance(ctx context.Context) error {
	addrs, err := freeAddrs(ctx, 2)
	if err != nil {
		return err
	}
	p := s.process("governance", "governance", append([]string{"-listen", addrs[0], "-metrics-listen", addrs[1],
		"-eventstore-url", s.esURL, "-seed-builtin", "-rate-limit", "0"}, s.serviceTLS("governance")...)...)
	p.addr = addrs[0]
	p.health = grpcHealth(p.addr, s.client)
	p.probe = s.personCall(p.addr, "coord-u90001", governancev1.GovernanceService_GetVersionInEffect_FullMethodName,
		&governancev1.GetVersionInEffectRequest{PathwayId: "msk"}, &governancev1.GetVersionInEffectResponse{})
	s.Governance = p
	return p.Start(ctx)
}

func (s *Shape) startFinance(ctx context.Context) error {
	for i := range s.opts.Replicas {
		addrs, err := freeAddrs(ctx, 2)
		if err != nil {
			return err
		}
		p := s.process(fmt.Sprintf("finance-%d", i+1), "finance", append([]string{"-listen", addrs[0], "-http-listen", addrs[1],
			"-ledger", s.pg.URL("finance"), "-eventstore-url", s.esURL, "-rate-limit", "0"}, s.serviceTLS("finance")...)...)
		p.addr, p.httpAddr = addrs[0], addrs[1]
		p.health = grpcHealth(p.addr, s.client)
		p.probe = s.personCall(p.addr, "finance-reader", financev1.FinanceService_GetContract_FullMethodName,
			&financev1.GetContractRequest{ContractId: "probe-2099"}, &financev1.GetContractResponse{}, codes.NotFound)
		s.Finance = append(s.Finance, p)
		if err := p.Start(ctx); err != nil {
			return err
		}
		proxy, err := NewProxy(ctx, p.addr)
		if err != nil {
			return err
		}
		s.FinanceProxies = append(s.FinanceProxies, proxy)
	}
	return nil
}

func (s *Shape) startDashboards(ctx context.Context) error {
	for i := range s.opts.Replicas {
		p, err := s.dashboard(ctx, fmt.Sprintf("dashboard-%d", i+1), "dashboard", false)
		if err != nil {
			return err
		}
		s.Dashboards = append(s.Dashboards, p)
		if err := p.Start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// dashboard makes a dashboard process on database db (rebuild: replaying the event store first).
func (s *Shape) dashboard(ctx context.Context, name, db string, rebuild bool) (*Process, error) {
	addrs, err := freeAddrs(ctx, 2)
	if err != nil {
		return nil, err
	}
	args := append([]string{"-listen", addrs[0], "-http-listen", addrs[1], "-db", s.pg.URL(db), "-eventstore-url", s.esURL,
		"-finance-addr", strings.Join(s.addrs(s.Finance), ","), "-finance-tls-ca", s.ca.CAFile,
		"-finance-tls-cert", s.ca.Cert("dashboard"), "-finance-tls-key", s.ca.Key("dashboard"),
		// Exact figures: nothing suppressed or rounded, so a comparison of two read models has teeth.
		"-disclosure-suppress-max", "0", "-disclosure-round-to", "1", "-rate-limit", "0"}, s.serviceTLS("dashboard")...)
	if rebuild {
		args = append(args, "-rebuild")
	}
	p := s.process(name, "dashboard", args...)
	p.addr, p.httpAddr = addrs[0], addrs[1]
	p.health = grpcHealth(p.addr, s.client)
	p.probe = s.personCall(p.addr, "board", dashboardv1.DashboardQueryService_ListDimensions_FullMethodName,
		&dashboardv1.ListDimensionsRequest{}, &dashboardv1.ListDimensionsResponse{})
	return p, nil
}

// StartDashboard starts one more dashboard, on a new database db; with rebuild it replays every
// journey stream of the event store into it before serving. Close stops it.
func (s *Shape) StartDashboard(ctx context.Context, name, db string, rebuild bool) (*Process, error) {
	if err := s.pg.CreateDatabase(ctx, db); err != nil {
		return nil, fmt.Errorf("create database %s: %w", db, err)
	}
	p, err := s.dashboard(ctx, name, db, rebuild)
	if err != nil {
		return nil, err
	}
	s.extra = append(s.extra, p)
	return p, p.Start(ctx)
}

func (s *Shape) startCoordinators(ctx context.Context) error {
	for i := range s.opts.Replicas {
		addrs, err := freeAddrs(ctx, 3)
		if err != nil {
			return err
		}
		args := append([]string{"-listen", addrs[0], "-http-listen", addrs[1], "-metrics-listen", addrs[2],
			"-eventstore-url", s.esURL, "-governance-addr", s.Governance.addr,
			// The patient key vault on PostgreSQL, which both replicas share.
			"-patient-vault", s.pg.URL("vault"), "-master-key-file", s.masterKey(), "-rate-limit", "0"},
			s.serviceTLS("coordinator")...)
		p := s.process(fmt.Sprintf("coordinator-%d", i+1), "coordinator", append(args, s.temporalClient("coordinator")...)...)
		p.env = []string{"COORDINATOR_FINGERPRINT_KEY=prodshape-fingerprint-key-" + strconv.Itoa(os.Getpid())}
		p.addr, p.httpAddr = addrs[0], addrs[1]
		p.health = grpcHealth(p.addr, s.client)
		// Through Temporal: an unknown journey is NotFound.
		p.probe = s.personCall(p.addr, "coord-u90001", coordinatorv1.CoordinatorService_GetJourney_FullMethodName,
			&coordinatorv1.GetJourneyRequest{JourneyId: "ref-PRODSHAPE-PROBE"}, &coordinatorv1.GetJourneyResponse{}, codes.NotFound)
		s.Coordinators = append(s.Coordinators, p)
		if err := os.MkdirAll(s.path("coordinator"), 0o700); err != nil {
			return fmt.Errorf("coordinator dir: %w", err)
		}
		if err := p.Start(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *Shape) startWorkers(ctx context.Context) error {
	var proxies []string
	for _, p := range s.FinanceProxies {
		proxies = append(proxies, p.Addr())
	}
	for i := range s.opts.Replicas {
		addr, err := freeAddr(ctx)
		if err != nil {
			return err
		}
		args := append([]string{"-metrics-listen", addr, "-eventstore-url", s.esURL, "-governance-addr", s.Governance.addr,
			"-finance-addr", strings.Join(proxies, ","), "-dashboard-addr", strings.Join(s.addrs(s.Dashboards), ","),
			"-tls-cert", s.ca.Cert("worker"), "-tls-key", s.ca.Key("worker"), "-tls-ca", s.ca.CAFile},
			s.temporalClient("worker")...)
		p := s.process(fmt.Sprintf("worker-%d", i+1), "worker", args...)
		p.httpAddr = addr
		p.health = metricsOK(addr, s.scraper)
		s.Workers = append(s.Workers, p)
		if err := p.Start(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *Shape) addrs(ps []*Process) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.addr)
	}
	return out
}

// Victims are every process the chaos loop may kill, PostgreSQL included.
func (s *Shape) Victims() []Victim {
	out := []Victim{s.Postgres, s.EventStore, s.Governance}
	if s.opts.ExternalTemporal == "" {
		out = append(out, s.Temporal)
	}
	for _, group := range [][]*Process{s.Coordinators, s.Workers, s.Finance, s.Dashboards} {
		for _, p := range group {
			out = append(out, p)
		}
	}
	return out
}

// Close kills every process (the shape's data stays in Dir for reading; PostgreSQL's
// directory under os.TempDir is removed).
func (s *Shape) Close() error {
	var errs []error
	all := append(append([]*Process{}, s.extra...), s.Workers...)
	all = append(all, s.Coordinators...)
	all = append(all, s.Dashboards...)
	all = append(all, s.Finance...)
	all = append(all, s.Governance, s.EventStore, s.Temporal)
	for _, p := range all {
		if p != nil {
			errs = append(errs, p.Kill())
		}
	}
	for _, p := range s.FinanceProxies {
		_ = p.Close()
	}
	if s.issuer != nil {
		errs = append(errs, s.issuer.close())
	}
	if s.pg != nil {
		errs = append(errs, s.pg.Stop(), s.pg.Remove())
	}
	return errors.Join(errs...)
}
