package temporalserver

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
)

// DatabaseFile is the name of the SQLite file under Options.DataDir.
const DatabaseFile = "temporal.db"

// LogFile is the name of the server log under Options.DataDir (warnings and errors only).
const LogFile = "temporal.log"

// Options configures the embedded server.
type Options struct {
	// DataDir holds the SQLite database and the server log; it is created if missing. It may be
	// empty when neither is there: with Postgres (or SQLiteFile) and LogFile.
	DataDir string
	// SQLiteFile is the SQLite database; "" means DataDir/DatabaseFile. Unused with Postgres.
	SQLiteFile string
	// Postgres puts persistence and visibility on PostgreSQL instead of the SQLite file.
	Postgres *PostgresOptions
	// HistoryShards is the number of history shards, fixed when the persistence database is
	// first used (the server refuses another count later); 0 means 1 on SQLite and
	// DefaultPostgresShards on PostgreSQL.
	HistoryShards int
	// LogFile receives the server's own log (JSON lines); "" means DataDir/LogFile, "stderr"
	// the process's standard error.
	LogFile string
	// LogLevel is the lowest level of the server's log: debug, info, warn (the default) or error.
	LogLevel string
	// IP is the loopback address every service binds; default 127.0.0.1.
	IP string
	// FrontendPort is the frontend gRPC port; 0 picks a free one.
	FrontendPort int
	// UIPort is the Web UI port when UI is set; 0 picks a free one.
	UIPort int
	// UI serves the Temporal Web UI.
	UI bool
	// Namespace is registered at start if missing.
	Namespace string
	// SearchAttributes are the namespace's custom search attributes (name to type).
	SearchAttributes map[string]enumspb.IndexedValueType
	// TLS makes every service of the server (the frontend and the services behind it) serve TLS,
	// mutual TLS when TLSOptions.RequireClientCert is set. Nil serves plaintext.
	TLS *TLSOptions
	// UITLS serves the Web UI over HTTPS with this certificate; nil serves plain HTTP.
	UITLS *KeyPair
	// UIAuth puts the Web UI behind an OpenID Connect provider; nil leaves it open to anyone
	// who can reach it. It needs UI.
	UIAuth *UIAuthOptions
	// UICodec makes the Web UI decode payloads through a codec server (the coordinator's
	// /codec); nil shows them as stored. It needs UI.
	UICodec *UICodec
	// Retention is how long the namespace keeps a closed workflow's history: set when the
	// namespace is registered, and again at each start when it differs. Zero leaves the
	// server's (24h at registration). At least MinRetention.
	Retention time.Duration
}

// DefaultPostgresShards is the history shard count on PostgreSQL when Options.HistoryShards is 0.
const DefaultPostgresShards = 4

const maxHistoryShards = 16384

// MinRetention is the shortest retention Temporal accepts.
const MinRetention = 24 * time.Hour

// UICodec is the Web UI's remote codec (ui-server's codec settings): the browser posts the
// payloads it shows to Endpoint + "/decode" and shows what comes back.
type UICodec struct {
	// Endpoint is the codec server's base URL (https://host:port/codec).
	Endpoint string
	// PassAccessToken sends the signed-in person's access token (Authorization: Bearer), which
	// the codec server checks.
	PassAccessToken bool
	// IncludeCredentials makes the browser's calls carry credentials (the codec server must
	// allow the UI's origin with credentials).
	IncludeCredentials bool
}

// KeyPair names a certificate (PEM, the leaf first, then any intermediates) and its private key
// (PEM).
type KeyPair struct {
	CertFile, KeyFile string
}

func (o Options) withDefaults() Options {
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	if o.SQLiteFile == "" && o.Postgres == nil && o.DataDir != "" {
		o.SQLiteFile = filepath.Join(o.DataDir, DatabaseFile)
	}
	if o.LogFile == "" && o.DataDir != "" {
		o.LogFile = filepath.Join(o.DataDir, LogFile)
	}
	if o.LogLevel == "" {
		o.LogLevel = "warn"
	}
	if o.HistoryShards == 0 {
		o.HistoryShards = 1
		if o.Postgres != nil {
			o.HistoryShards = DefaultPostgresShards
		}
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	if strings.TrimSpace(o.DataDir) == "" && (o.LogFile == "" || o.SQLiteFile == "" && o.Postgres == nil) {
		errs = append(errs, errors.New("temporal data dir: is required (unless the database and the log file are given)"))
	}
	if o.Postgres != nil {
		if o.SQLiteFile != "" {
			errs = append(errs, errors.New("temporal sqlite file: give it or the PostgreSQL databases, not both"))
		}
		errs = append(errs, o.Postgres.validate())
	}
	if o.HistoryShards < 0 || o.HistoryShards > maxHistoryShards {
		errs = append(errs, fmt.Errorf("temporal history shards: must be 0 (the default) to %d, not %d", maxHistoryShards, o.HistoryShards))
	}
	if !slices.Contains([]string{"", "debug", "info", "warn", "error"}, o.LogLevel) {
		errs = append(errs, fmt.Errorf("temporal log level: must be debug, info, warn or error, not %q", o.LogLevel))
	}
	if strings.TrimSpace(o.Namespace) == "" {
		errs = append(errs, errors.New("temporal namespace: is required"))
	}
	for name, port := range map[string]int{"temporal frontend port": o.FrontendPort, "temporal ui port": o.UIPort} {
		if port < 0 || port > 65535 {
			errs = append(errs, fmt.Errorf("%s: must be 0..65535, not %d", name, port))
		}
	}
	if o.TLS != nil {
		errs = append(errs, o.TLS.validate())
	}
	if o.UITLS != nil {
		errs = append(errs, o.UITLS.validate("temporal ui tls"))
	}
	if o.UIAuth != nil {
		if !o.UI {
			errs = append(errs, errors.New("temporal ui auth: needs the UI to be served (UI)"))
		}
		errs = append(errs, o.UIAuth.validate())
	}
	if o.UICodec != nil {
		if !o.UI {
			errs = append(errs, errors.New("temporal ui codec: needs the UI to be served (UI)"))
		}
		if !strings.HasPrefix(o.UICodec.Endpoint, "https://") && !strings.HasPrefix(o.UICodec.Endpoint, "http://") {
			errs = append(errs, fmt.Errorf("temporal ui codec endpoint: must be an http(s):// URL, not %q", o.UICodec.Endpoint))
		}
	}
	if o.Retention != 0 && o.Retention < MinRetention {
		errs = append(errs, fmt.Errorf("temporal retention: must be at least %s (Temporal's minimum), not %s", MinRetention, o.Retention))
	}
	return errors.Join(errs...)
}

func (k KeyPair) validate(field string) error {
	var errs []error
	if strings.TrimSpace(k.CertFile) == "" {
		errs = append(errs, fmt.Errorf("%s cert file: is required", field))
	}
	if strings.TrimSpace(k.KeyFile) == "" {
		errs = append(errs, fmt.Errorf("%s key file: is required", field))
	}
	return errors.Join(errs...)
}
