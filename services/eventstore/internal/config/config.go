// Package config loads and validates the event store's configuration from
// flags with environment-variable equivalents (EVENTSTORE_<FLAG>), read the
// platform's one way (services/platform/config).
package config

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Config is the server's whole configuration. Unless Insecure, the server
// speaks TLS (TLSCert and TLSKey are required) and authenticates and
// authorises every call as KurrentDB does.
type Config struct {
	Listen        string // gRPC address
	DataDir       string // Pebble directory (durable mode)
	InMemory      bool   // keep everything in memory (tests)
	MetricsListen string // /metrics address (platform/metrics); empty disables

	// Insecure runs without TLS and without authentication: anonymous
	// callers may do everything (KurrentDB's --insecure).
	Insecure bool
	TLSCert  string // PEM certificate of the node
	TLSKey   string // PEM private key of the node
	// TLSCAFile is a PEM bundle of the CAs whose user certificates (client
	// certificates whose common name is a user's name) authenticate their
	// user; empty: user certificates are not asked for.
	TLSCAFile string

	AdminPassword string // password of the built-in user admin ($admins)
	OpsPassword   string // password of the built-in user ops ($ops)
	// UsersFile is a JSON list of further users (auth.ReadUsersFile).
	UsersFile string
	// Users are further users given in code (the embedded server).
	Users []auth.User

	// ScavengeInterval is how often the server scavenges (removes deleted and expired events
	// from the disk); 0 turns periodic scavenges off (StartScavenge and the embedded server's
	// Scavenge still run one).
	ScavengeInterval time.Duration
	// Clock is the store's clock (event creation times, $maxAge); nil means time.Now. Set in
	// code only (tests).
	Clock func() time.Time
}

// DefaultListen is the EventStoreDB default gRPC address.
const DefaultListen = "127.0.0.1:2113"

// DefaultMetricsListen is where the binary serves /metrics unless told otherwise.
const DefaultMetricsListen = "127.0.0.1:2114"

// DefaultScavengeInterval is how often the binary scavenges unless told otherwise.
const DefaultScavengeInterval = 24 * time.Hour

// Load reads the flags over the EVENTSTORE_* (and telemetry) environment variables over the
// defaults (platform/config: an empty variable counts as unset), then validates, listing every
// problem. It returns config.ErrHelp / config.ErrVersion after printing the usage or version to out.
func Load(args []string, getenv func(string) string, out io.Writer) (Config, telemetry.Config, error) {
	c := Config{Listen: DefaultListen, MetricsListen: DefaultMetricsListen,
		AdminPassword: auth.DefaultPassword, OpsPassword: auth.DefaultPassword, ScavengeInterval: DefaultScavengeInterval}
	tel := telemetry.Config{ServiceName: "eventstore"}
	fs := config.New("eventstore", getenv, out)
	fs.Summary("eventstore is a single-node event store speaking the EventStoreDB gRPC protocol, durable on Pebble. " +
		"Like KurrentDB it requires TLS and authenticates every call unless -insecure is given.")
	fs.String(&c.Listen, "listen", "EVENTSTORE_LISTEN", "gRPC address")
	fs.String(&c.DataDir, "data-dir", "EVENTSTORE_DATA_DIR", "data directory, required unless -in-memory")
	fs.Bool(&c.InMemory, "in-memory", "EVENTSTORE_IN_MEMORY", "keep all data in memory (tests)")
	fs.Bool(&c.Insecure, "insecure", "EVENTSTORE_INSECURE", "run without TLS and without authentication: anyone may do anything")
	fs.String(&c.TLSCert, "tls-cert", "EVENTSTORE_TLS_CERT", "TLS certificate file (PEM), required unless -insecure")
	fs.String(&c.TLSKey, "tls-key", "EVENTSTORE_TLS_KEY", "TLS key file (PEM), required unless -insecure")
	fs.String(&c.TLSCAFile, "tls-ca-file", "EVENTSTORE_TLS_CA_FILE", "CA certificates (PEM) trusted to sign user certificates (client certificates named after a user)")
	fs.String(&c.AdminPassword, "default-admin-password", "EVENTSTORE_DEFAULT_ADMIN_PASSWORD", "password of the built-in user admin (group $admins)")
	fs.String(&c.OpsPassword, "default-ops-password", "EVENTSTORE_DEFAULT_OPS_PASSWORD", "password of the built-in user ops (group $ops)")
	fs.String(&c.UsersFile, "users-file", "EVENTSTORE_USERS_FILE", `further users: a JSON list of {"name", "password_hash" (bcrypt), "groups"}`)
	fs.String(&c.MetricsListen, "metrics-listen", "EVENTSTORE_METRICS_LISTEN", "Prometheus /metrics address (-metrics-listen= turns it off)")
	fs.Duration(&c.ScavengeInterval, "scavenge-interval", "EVENTSTORE_SCAVENGE_INTERVAL",
		"how often to scavenge: remove deleted, truncated and expired events from the disk (0: never on a timer)")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, tel, err
	}
	return c, tel, fs.Check(c.Validate(), tel.Validate())
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: must be host:port: %w", c.Listen, err))
	}
	switch {
	case c.InMemory && c.DataDir != "":
		errs = append(errs, errors.New("data-dir and in-memory are exclusive"))
	case !c.InMemory && c.DataDir == "":
		errs = append(errs, errors.New("data-dir is required unless in-memory is set"))
	}
	if c.Insecure {
		errs = append(errs, c.validateInsecure()...)
	} else {
		errs = append(errs, c.validateSecure()...)
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("metrics-listen %q: must be host:port: %w", c.MetricsListen, err))
		}
	}
	if c.ScavengeInterval < 0 {
		errs = append(errs, fmt.Errorf("scavenge-interval %s: must not be negative (0 turns periodic scavenges off)", c.ScavengeInterval))
	}
	return errors.Join(errs...)
}

func (c Config) validateInsecure() []error {
	if c.TLSCert != "" || c.TLSKey != "" || c.TLSCAFile != "" {
		return []error{errors.New("insecure runs without TLS: tls-cert, tls-key and tls-ca-file must not be set with it")}
	}
	return nil
}

func (c Config) validateSecure() []error {
	var errs []error
	if c.TLSCert == "" || c.TLSKey == "" {
		errs = append(errs, errors.New("tls-cert and tls-key are required: the event store runs with TLS and authentication "+
			"(give -tls-cert and -tls-key, or -insecure for plaintext without authentication)"))
	}
	for _, f := range []string{c.TLSCert, c.TLSKey, c.TLSCAFile} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("tls file: %w", err))
		}
	}
	if c.AdminPassword == "" {
		errs = append(errs, errors.New("default-admin-password: must not be empty"))
	}
	if c.OpsPassword == "" {
		errs = append(errs, errors.New("default-ops-password: must not be empty"))
	}
	if c.AdminPassword == "" || c.OpsPassword == "" {
		return errs
	}
	if _, err := c.Directory(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// Directory answers the users the server knows: the built-in admin and ops with their
// passwords, then Users, then the users file's.
func (c Config) Directory() (*auth.Directory, error) {
	users := append(auth.BuiltIn(c.AdminPassword, c.OpsPassword), c.Users...)
	if c.UsersFile != "" {
		more, err := auth.ReadUsersFile(c.UsersFile)
		if err != nil {
			return nil, err
		}
		users = append(users, more...)
	}
	return auth.NewDirectory(users)
}
