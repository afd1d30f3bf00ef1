// Package server runs the coordinator service: it wires the Temporal client, the journal, the
// governance client, the application, the gRPC API and the REST/JSON gateway, and serves them
// until closed. cmd/coordinator and the devstack both start it here.
package server

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/retention"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/records"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Defaults of Config.
const (
	DefaultListen         = "127.0.0.1:9101"
	DefaultHTTPListen     = "127.0.0.1:8081"
	DefaultEventStoreURL  = "esdb://127.0.0.1:2113?tls=false"
	DefaultGovernanceAddr = "127.0.0.1:9102"
	DefaultActor          = "coordinator-service"
	// DefaultMetricsListen is where cmd/coordinator serves /metrics unless told otherwise (the
	// Config's own default is off, for tests and the devstack).
	DefaultMetricsListen = "127.0.0.1:9111"
)

// RecordsRetention is a records-retention period: calendar years and days, then a duration,
// written "8y", "90d", "36h" or "1y30d" (flag -records-retention). It satisfies flag.Value.
type RecordsRetention = records.Retention

// DefaultRecordsRetention is 8 years: the NHS Records Management Code of Practice 2021 keeps
// adult health records for 8 years after the conclusion of treatment.
var DefaultRecordsRetention = records.DefaultRetention

// DefaultRetentionSweepInterval is how often the coordinator deletes the event streams of
// journeys past records retention; minRetentionSweepInterval is the shortest interval allowed.
const (
	DefaultRetentionSweepInterval = retention.DefaultInterval
	minRetentionSweepInterval     = time.Minute
)

// Config is everything the service needs to start.
type Config struct {
	// Listen is the gRPC address (host:port; port 0 picks a free one).
	Listen string
	// HTTPListen is the REST/JSON gateway and OpenAPI address; empty turns the gateway off.
	HTTPListen string
	// MetricsListen serves the process's metrics (platform/metrics) on /metrics when not empty.
	MetricsListen string
	// Temporal is the Temporal frontend, namespace, TLS and API key (the TEMPORAL_* variables
	// every Temporal user knows, and -temporal-* flags); ignored when TemporalClient is set but
	// for the namespace.
	Temporal journey.TemporalConnection
	// TemporalClient, when set, is used instead of dialling Temporal (and not closed).
	TemporalClient client.Client
	// EventStoreURL is the esdb:// or kurrentdb:// (or +discover) connection string of the event store.
	EventStoreURL string
	// GovernanceAddr is the governance gRPC address (host:port).
	GovernanceAddr string
	// Actor names this service to governance (x-actor).
	Actor string
	// FingerprintKey keys the referral fingerprints kept in each journey's memo. Set a secret in
	// production; empty uses a fixed development key.
	FingerprintKey string
	// VaultPath is the patient key vault (services/platform/patientkeys): a SQLite file (one
	// host), or a postgres:// URL that every replica shares. It holds each patient's data key,
	// wrapped by the master key. Required unless Vault is set.
	VaultPath string
	// MasterKeyFile holds the master key wrapping the vault's keys (base64 of 32 bytes; created
	// when CreateMasterKey). Production names a KMS instead (MasterKey).
	MasterKeyFile string
	// CreateMasterKey creates MasterKeyFile when it does not exist (the devstack; never in
	// production, where a missing key must stop the service rather than start an empty vault).
	CreateMasterKey bool
	// MasterKeyText is the master key itself, base64 (COORDINATOR_MASTER_KEY: a secret, so it
	// has no flag), for deployments that inject secrets as variables. At most one of it and
	// MasterKeyFile.
	MasterKeyText string
	// MasterKey, when set, is used instead of MasterKeyFile (a KMS).
	MasterKey patientkeys.MasterKey
	// Vault, when set, is used instead of opening VaultPath (and not closed).
	Vault *patientkeys.Vault
	// Security is TLS (serving, and calling governance and Temporal), OpenID Connect and the
	// access table (platform/secure); secure by default, secure.Insecure() for a development
	// server on loopback.
	Security secure.Config
	// HTTP bounds the REST gateway's requests (timeouts, body size).
	HTTP limits.HTTPConfig
	// CodecCORSOrigins are the web origins (scheme://host:port: the Temporal Web UI's) whose
	// pages may call the codec server, /codec on the HTTP listener, served when payload keys are
	// configured (Temporal.PayloadKeys*).
	CodecCORSOrigins []string
	// RecordsRetention is how long a journey's event stream (its record of care) is kept after
	// the journey ended, by its last JourneyClosed or JourneyCancelled; then the retention sweeper
	// deletes the stream (services/coordinator/internal/retention).
	RecordsRetention RecordsRetention
	// RetentionSweepInterval is how often the sweeper runs, first at start; 0 turns it off.
	RetentionSweepInterval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, HTTPListen: DefaultHTTPListen, Temporal: journey.DefaultTemporalConnection(),
		EventStoreURL: DefaultEventStoreURL, GovernanceAddr: DefaultGovernanceAddr,
		Actor: DefaultActor, Security: secure.Default(), HTTP: limits.DefaultHTTPConfig(),
		RecordsRetention: DefaultRecordsRetention, RetentionSweepInterval: DefaultRetentionSweepInterval}
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, checkAddr("listen", c.Listen), checkAddr("governance-addr", c.GovernanceAddr))
	if c.HTTPListen != "" {
		errs = append(errs, checkAddr("http-listen", c.HTTPListen))
	}
	if c.MetricsListen != "" {
		errs = append(errs, checkAddr("metrics-listen", c.MetricsListen))
	}
	if c.TemporalClient == nil {
		errs = append(errs, checkAddr("temporal-address", c.Temporal.Address), c.Temporal.Validate(),
			c.Temporal.CheckPlaintext(c.Security.TLS.Insecure))
	}
	if strings.TrimSpace(c.Temporal.Namespace) == "" {
		errs = append(errs, errors.New("namespace: is required"))
	}
	if err := events.CheckConnectionString(c.EventStoreURL); err != nil {
		errs = append(errs, fmt.Errorf("eventstore-url: %w", err))
	}
	if strings.TrimSpace(c.Actor) == "" {
		errs = append(errs, errors.New("actor: is required"))
	}
	if c.Vault == nil {
		if err := patientkeys.CheckLocation(c.VaultPath); err != nil {
			errs = append(errs, fmt.Errorf("patient-vault: %w (the patient key vault holding each patient's data key)", err))
		}
		switch {
		case c.MasterKey != nil:
		case strings.TrimSpace(c.MasterKeyFile) != "" && c.MasterKeyText != "":
			errs = append(errs, errors.New("master-key-file: give the master key as a file or as COORDINATOR_MASTER_KEY, not both"))
		case c.MasterKeyText != "":
			if _, err := patientkeys.MasterKeyFromText(c.MasterKeyText); err != nil {
				errs = append(errs, fmt.Errorf("COORDINATOR_MASTER_KEY: %w", err))
			}
		case strings.TrimSpace(c.MasterKeyFile) == "":
			errs = append(errs, errors.New("master-key-file: is required (or COORDINATOR_MASTER_KEY): the master key wrapping the patient key vault"))
		}
	}
	errs = append(errs, c.checkRetention())
	errs = append(errs, c.Security.Validate(c.Listen, c.HTTPListen, c.MetricsListen), c.HTTP.Validate(),
		payloadcrypt.CheckOrigins("codec-cors-origins", c.CodecCORSOrigins))
	return errors.Join(errs...)
}

// checkRetention checks the records retention when the sweeper runs (or it is set).
func (c Config) checkRetention() error {
	var errs []error
	if c.RetentionSweepInterval != 0 && c.RetentionSweepInterval < minRetentionSweepInterval {
		errs = append(errs, fmt.Errorf("retention-sweep-interval: must be 0 (off) or at least %s, not %s", minRetentionSweepInterval, c.RetentionSweepInterval))
	}
	if c.RetentionSweepInterval > 0 || !c.RecordsRetention.IsZero() {
		errs = append(errs, c.RecordsRetention.Validate("records-retention"))
	}
	return errors.Join(errs...)
}

func checkAddr(name, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s: must be host:port, not %q: %w", name, addr, err)
	}
	return nil
}
