package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/nhs-pathways/pathways/services/devstack/internal/temporalserver"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// flags are the command line as given, before it becomes temporalserver.Options.
type flags struct {
	listen, ip, uiListen                string
	searchAttributes                    string
	db, persistenceURL, visibilityURL   string
	maxConns                            int
	tlsCert, tlsKey, tlsCA, tlsClientCA string
	tlsClientCert, tlsClientKey         string
	requireClientCert                   bool
	uiTLSCert, uiTLSKey                 string
	opts                                temporalserver.Options
}

// load reads the flags over the TEMPORAL_SERVER_* variables over the defaults. (The prefix is
// not TEMPORAL_: the Temporal CLI and SDKs read TEMPORAL_ADDRESS, TEMPORAL_TLS_CERT, ... as a
// client's settings.)
func load(args []string, getenv func(string) string, out io.Writer) (temporalserver.Options, error) {
	f := flags{listen: "127.0.0.1:7233", searchAttributes: journeySearchAttributes(),
		opts: temporalserver.Options{DataDir: ".data/temporal", Namespace: "default", LogFile: "stderr", LogLevel: "warn"}}
	fs := config.New("temporal", getenv, out)
	fs.Summary("temporal runs a Temporal server (frontend, history, matching, worker) and optionally its Web UI:\n" +
		"on a SQLite file (-db) by default, or on PostgreSQL (-persistence-db-url and -visibility-db-url).")
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return temporalserver.Options{}, err
	}
	opts, err := f.options()
	return opts, fs.Check(err)
}

func (f *flags) register(fs *config.FlagSet) {
	o := &f.opts
	fs.String(&f.listen, "listen", "TEMPORAL_SERVER_LISTEN", "frontend gRPC address, ip:port (the IP every service binds)")
	fs.String(&f.ip, "ip", "TEMPORAL_SERVER_IP", "IP the services bind and the TLS certificate names (default: the host of -listen, else 127.0.0.1)")
	fs.String(&o.Namespace, "namespace", "TEMPORAL_SERVER_NAMESPACE", "namespace registered at start when missing")
	fs.Duration(&o.Retention, "retention", "TEMPORAL_SERVER_RETENTION", "the namespace's retention of closed workflows, at least 24h (0: Temporal's 24h at registration, never changed)")
	fs.String(&f.searchAttributes, "search-attributes", "TEMPORAL_SERVER_SEARCH_ATTRIBUTES", "the namespace's custom search attributes, Name=Type,... (types: Keyword, Text, Int, Double, Bool, Datetime, KeywordList); registered with a new namespace")
	fs.String(&o.DataDir, "data-dir", "TEMPORAL_SERVER_DATA_DIR", "directory of the SQLite file (and of the log with -server-log=)")
	fs.String(&f.db, "db", "TEMPORAL_SERVER_DB", "SQLite file (default: <data-dir>/"+temporalserver.DatabaseFile+"); not with PostgreSQL")
	fs.String(&f.persistenceURL, "persistence-db-url", "TEMPORAL_SERVER_PERSISTENCE_DB_URL", "PostgreSQL database of the server's state, postgres://user[:password]@host:port/db?sslmode=... (with -visibility-db-url)")
	fs.String(&f.visibilityURL, "visibility-db-url", "TEMPORAL_SERVER_VISIBILITY_DB_URL", "PostgreSQL database of the workflow lists (SQL visibility), another database than -persistence-db-url")
	fs.Int(&f.maxConns, "db-max-conns", "TEMPORAL_SERVER_DB_MAX_CONNS", "connections per PostgreSQL database per Temporal service (0: 20)")
	fs.Int(&o.HistoryShards, "history-shards", "TEMPORAL_SERVER_HISTORY_SHARDS", "history shards, fixed at the first start on a database (0: 1 on SQLite, 4 on PostgreSQL)")
	fs.String(&o.LogFile, "server-log", "TEMPORAL_SERVER_LOG", "where the server's JSON log goes: stderr, or a file (empty: <data-dir>/"+temporalserver.LogFile+")")
	fs.String(&o.LogLevel, "server-log-level", "TEMPORAL_SERVER_LOG_LEVEL", "lowest level of the server's log: debug, info, warn or error")
	fs.String(&f.tlsCert, "tls-cert", "TEMPORAL_SERVER_TLS_CERT", "PEM certificate every service serves (names -ip); turns TLS on")
	fs.String(&f.tlsKey, "tls-key", "TEMPORAL_SERVER_TLS_KEY", "PEM key of -tls-cert")
	fs.String(&f.tlsCA, "tls-ca", "TEMPORAL_SERVER_TLS_CA", "CA certificate that signed -tls-cert (default: -tls-client-ca, else the system roots)")
	fs.String(&f.tlsClientCA, "tls-client-ca", "TEMPORAL_SERVER_TLS_CLIENT_CA", "CA certificates whose client certificates are accepted")
	fs.Bool(&f.requireClientCert, "tls-require-client-cert", "TEMPORAL_SERVER_TLS_REQUIRE_CLIENT_CERT", "mutual TLS: refuse clients without a certificate from -tls-client-ca")
	fs.String(&f.tlsClientCert, "tls-client-cert", "TEMPORAL_SERVER_TLS_CLIENT_CERT", "PEM client certificate of the server's own clients (system worker, Web UI); required with mutual TLS")
	fs.String(&f.tlsClientKey, "tls-client-key", "TEMPORAL_SERVER_TLS_CLIENT_KEY", "PEM key of -tls-client-cert")
	fs.String(&f.uiListen, "ui-listen", "TEMPORAL_SERVER_UI_LISTEN", "Web UI address, ip:port (same IP as -ip; empty: no UI)")
	fs.String(&f.uiTLSCert, "ui-tls-cert", "TEMPORAL_SERVER_UI_TLS_CERT", "PEM certificate of the Web UI's HTTPS (empty: plain HTTP)")
	fs.String(&f.uiTLSKey, "ui-tls-key", "TEMPORAL_SERVER_UI_TLS_KEY", "PEM key of -ui-tls-cert")
}

// options checks the flags and turns them into the server's options; the server validates the
// rest (the URLs, the certificates) at start, every problem at once.
func (f *flags) options() (temporalserver.Options, error) {
	o := f.opts
	var errs []error
	var err error
	o.IP, o.FrontendPort, err = f.frontend()
	errs = append(errs, err)
	if f.uiListen != "" {
		o.UI = true
		o.UIPort, err = portOn("ui-listen", f.uiListen, o.IP)
		errs = append(errs, err)
	}
	o.SearchAttributes, err = parseSearchAttributes(f.searchAttributes)
	errs = append(errs, err)
	o.SQLiteFile = f.db
	if f.persistenceURL == "" && f.visibilityURL == "" && f.db == "" {
		o.SQLiteFile = filepath.Join(o.DataDir, temporalserver.DatabaseFile)
	}
	if f.persistenceURL != "" || f.visibilityURL != "" {
		if f.db != "" {
			errs = append(errs, errors.New("db: give a SQLite file or the PostgreSQL URLs, not both"))
		}
		if f.persistenceURL == "" || f.visibilityURL == "" {
			errs = append(errs, errors.New("persistence-db-url and visibility-db-url: give both"))
		}
		o.Postgres = &temporalserver.PostgresOptions{PersistenceURL: f.persistenceURL, VisibilityURL: f.visibilityURL, MaxConns: f.maxConns}
	}
	if f.tlsCert != "" || f.tlsKey != "" || f.requireClientCert {
		o.TLS = &temporalserver.TLSOptions{CertFile: f.tlsCert, KeyFile: f.tlsKey, CAFile: f.tlsCA, ClientCAFile: f.tlsClientCA,
			RequireClientCert: f.requireClientCert, ClientCertFile: f.tlsClientCert, ClientKeyFile: f.tlsClientKey}
	} else if f.tlsCA != "" || f.tlsClientCA != "" || f.tlsClientCert != "" || f.tlsClientKey != "" {
		errs = append(errs, errors.New("tls-cert and tls-key: required with any other -tls- flag"))
	}
	if f.uiTLSCert != "" || f.uiTLSKey != "" {
		o.UITLS = &temporalserver.KeyPair{CertFile: f.uiTLSCert, KeyFile: f.uiTLSKey}
	}
	return o, errors.Join(errs...)
}

// frontend reads -listen and -ip: the IP every service binds and the frontend's port.
func (f *flags) frontend() (string, int, error) {
	host, _, err := net.SplitHostPort(f.listen)
	if err != nil {
		return "", 0, fmt.Errorf("listen: must be ip:port, not %q", f.listen)
	}
	ip := f.ip
	switch {
	case ip == "" && host != "":
		ip = host
	case ip == "":
		ip = "127.0.0.1"
	case host != "" && host != ip:
		return ip, 0, fmt.Errorf("listen: its host %s must be -ip (%s): every service binds one IP", host, ip)
	}
	if net.ParseIP(ip) == nil {
		return ip, 0, fmt.Errorf("ip: must be an IP address (the services bind it, the certificate names it), not %q", ip)
	}
	port, err := portOn("listen", f.listen, ip)
	return ip, port, err
}

// portOn reads the port of addr (ip:port or :port) whose host, if any, must be ip.
func portOn(field, addr, ip string) (int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("%s: must be ip:port, not %q", field, addr)
	}
	if host != "" && host != ip {
		return 0, fmt.Errorf("%s: its host must be -ip (%s), not %s", field, ip, host)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return 0, fmt.Errorf("%s: port must be 0..65535, not %q", field, p)
	}
	return port, nil
}

// parseSearchAttributes reads Name=Type,Name=Type.
func parseSearchAttributes(s string) (map[string]enumspb.IndexedValueType, error) {
	attrs := map[string]enumspb.IndexedValueType{}
	var errs []error
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		name, kind, ok := strings.Cut(item, "=")
		t, err := enumspb.IndexedValueTypeFromString(strings.TrimSpace(kind))
		if !ok || strings.TrimSpace(name) == "" || err != nil || t == enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED {
			errs = append(errs, fmt.Errorf("search-attributes: %q must be Name=Type with Type one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList", item))
			continue
		}
		attrs[strings.TrimSpace(name)] = t
	}
	return attrs, errors.Join(errs...)
}

// journeySearchAttributes is the journey namespace's search attributes as the devstack
// registers them (workflows/journey.SearchAttributes), in -search-attributes form.
func journeySearchAttributes() string {
	var items []string
	for _, k := range journey.SearchAttributes() {
		items = append(items, k.GetName()+"="+strings.TrimPrefix(k.GetValueType().String(), "INDEXED_VALUE_TYPE_"))
	}
	sort.Strings(items)
	return strings.Join(items, ",")
}
