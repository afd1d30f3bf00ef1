// Package stack composes the whole pathways system in one process: the embedded Temporal server,
// the event store, governance, finance, the journey worker and the coordinator API, each on its
// own loopback port and talking to the others by address exactly as separate processes would.
// It starts them in dependency order and stops them in reverse.
package stack

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	coordinator "github.com/nhs-pathways/pathways/services/coordinator/server"
	"github.com/nhs-pathways/pathways/services/devstack/internal/temporalserver"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Default ports: the same as each service's own binary, so tools and docs agree.
const (
	DefaultTemporalPort      = 7233
	DefaultUIPort            = 8233
	DefaultEventStorePort    = 2113
	DefaultCoordinatorPort   = 9101
	DefaultCoordinatorHTTP   = 8081
	DefaultGovernancePort    = 9102
	DefaultFinancePort       = 9103
	DefaultFinanceHTTPPort   = 8083
	DefaultDashboardPort     = 9104
	DefaultDashboardHTTPPort = 8084
	DefaultOIDCPort          = 9096
	DefaultNamespace         = "default"
	DefaultDataDir           = ".data"
	DefaultHost              = "127.0.0.1"
)

// Ports are the listening ports of every service; 0 picks a free one.
type Ports struct {
	Temporal        int
	UI              int
	EventStore      int
	Coordinator     int
	CoordinatorHTTP int
	Governance      int
	Finance         int
	FinanceHTTP     int
	Dashboard       int
	DashboardHTTP   int
	OIDC            int
}

// Config is everything the devstack needs. Load it with the cmd's flags; Validate lists every
// problem at once.
type Config struct {
	// DataDir holds each service's durable state (temporal/, eventstore/, finance/).
	DataDir string
	// Host is the address every service binds; loopback only by default.
	Host string
	// Namespace is the Temporal namespace of the journeys.
	Namespace string
	// UI serves the Temporal Web UI.
	UI bool
	// Demo loads the synthetic population once everything is up.
	Demo bool
	// Ports of every service.
	Ports Ports
	// GovernanceClock, when set, is governance's clock (tests use it to publish pathway versions
	// in effect from the past); nil means time.Now.
	GovernanceClock func() time.Time
	// TraceFile, when set, receives every span of every service as JSON lines.
	TraceFile string
	// OTLPEndpoint, when set, is the OpenTelemetry collector (OTLP/gRPC URL) for traces and metrics.
	OTLPEndpoint string
	// Insecure runs every service without TLS, tokens or access tables (the services' own
	// -insecure); by default the devstack makes a local CA and runs an OpenID provider.
	Insecure bool
	// Retention is how long Temporal keeps a closed journey's history (the namespace's
	// retention); the event store is the record of a journey, Temporal only runs it.
	Retention time.Duration
	// RotatePayloadKey adds a new primary key to the payload keyring (payloadKeysFile) before
	// anything starts; the old keys stay, so journeys started before keep running.
	RotatePayloadKey bool
	// RebuildDashboard replays every journey stream of the event store into the dashboard's read
	// model before the stack serves (an empty read model fills from the record; a full one is
	// unchanged: facts are idempotent).
	RebuildDashboard bool
	// RecordsRetention is how long the coordinator keeps a journey's event stream after the
	// journey closed or was cancelled (its -records-retention; 8 years by default).
	RecordsRetention coordinator.RecordsRetention
	// ScavengeInterval is how often the event store scavenges (removes the bytes of deleted and
	// expired events from its files); 0 turns it off.
	ScavengeInterval time.Duration
}

// DefaultScavengeInterval is how often the devstack's event store scavenges.
const DefaultScavengeInterval = 24 * time.Hour

// DefaultRetention is the devstack's Temporal retention of closed journeys: a week to look at
// them in the Web UI.
const DefaultRetention = 7 * 24 * time.Hour

// Telemetry is the OpenTelemetry configuration of the devstack process: one tracer and meter
// provider that every in-process service shares, so a journey's spans form one trace.
func (c Config) Telemetry() telemetry.Config {
	return telemetry.Config{ServiceName: "pathways-devstack", TraceFile: c.TraceFile, OTLPEndpoint: c.OTLPEndpoint}
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{DataDir: DefaultDataDir, Host: DefaultHost, Namespace: DefaultNamespace, UI: true, Retention: DefaultRetention,
		RecordsRetention: coordinator.DefaultRecordsRetention,
		ScavengeInterval: DefaultScavengeInterval,
		Ports: Ports{Temporal: DefaultTemporalPort, UI: DefaultUIPort, EventStore: DefaultEventStorePort,
			Coordinator: DefaultCoordinatorPort, CoordinatorHTTP: DefaultCoordinatorHTTP, Governance: DefaultGovernancePort,
			Finance: DefaultFinancePort, FinanceHTTP: DefaultFinanceHTTPPort, Dashboard: DefaultDashboardPort,
			DashboardHTTP: DefaultDashboardHTTPPort, OIDC: DefaultOIDCPort}}
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("data-dir: is required"))
	}
	if strings.TrimSpace(c.Host) == "" {
		errs = append(errs, errors.New("host: is required"))
	}
	if strings.TrimSpace(c.Namespace) == "" {
		errs = append(errs, errors.New("namespace: is required"))
	}
	if c.Retention < temporalserver.MinRetention {
		errs = append(errs, fmt.Errorf("temporal-retention: must be at least %s (Temporal's minimum), not %s", temporalserver.MinRetention, c.Retention))
	}
	errs = append(errs, c.RecordsRetention.Validate("records-retention"))
	if c.ScavengeInterval < 0 {
		errs = append(errs, fmt.Errorf("scavenge-interval: must be 0 (off) or more, not %s", c.ScavengeInterval))
	}
	errs = append(errs, c.Ports.validate()...)
	errs = append(errs, c.Telemetry().Validate())
	return errors.Join(errs...)
}

func (p Ports) validate() []error {
	var errs []error
	seen := map[int]string{}
	for _, f := range p.named() {
		if f.port < 0 || f.port > 65535 {
			errs = append(errs, fmt.Errorf("%s: must be a port 0..65535, not %d", f.flag, f.port))
			continue
		}
		if other, dup := seen[f.port]; dup && f.port != 0 {
			errs = append(errs, fmt.Errorf("%s: port %d is already taken by %s", f.flag, f.port, other))
		}
		seen[f.port] = f.flag
	}
	return errs
}

type namedPort struct {
	flag string
	port int
}

func (p Ports) named() []namedPort {
	var out []namedPort
	for _, f := range p.pointers() {
		out = append(out, namedPort{f.flag, *f.ptr})
	}
	return out
}

func (c Config) temporalDir() string   { return filepath.Join(c.DataDir, "temporal") }
func (c Config) eventStoreDir() string { return filepath.Join(c.DataDir, "eventstore") }
func (c Config) financeLedger() string { return filepath.Join(c.DataDir, "finance", "finance.db") }
func (c Config) dashboardDir() string  { return filepath.Join(c.DataDir, "dashboard") }

// VaultPath is the coordinator's patient key vault (every patient's data key, wrapped).
func (c Config) VaultPath() string { return filepath.Join(c.DataDir, "coordinator", "vault.db") }

// MasterKeyFile is the master key wrapping the vault's keys (made at first start, 0600).
func (c Config) MasterKeyFile() string { return filepath.Join(c.DataDir, "keys", "vault-master.key") }

// PayloadKeysFile is the keyring encrypting every Temporal payload (made at first start, 0600).
func (c Config) PayloadKeysFile() string {
	return filepath.Join(c.DataDir, "keys", "payload-keys.json")
}

// addr is host:port for a configured port (port 0 asks for a free one).
func (c Config) addr(port int) string { return fmt.Sprintf("%s:%d", c.Host, port) }
