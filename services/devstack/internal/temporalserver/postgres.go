package temporalserver

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/server/common/config"
	pgplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
)

// DefaultMaxConns is PostgresOptions.MaxConns when it is zero.
const DefaultMaxConns = 20

// PostgresOptions put the server's persistence and visibility on PostgreSQL (12 or later), as
// Temporal documents for self-hosting: persistence in one database, SQL visibility (advanced
// visibility on PostgreSQL) in another, both reached with the pgx driver (plugin
// "postgres12_pgx").
//
// A URL is postgres://user[:password]@host[:port]/database[?parameters] (port 5432 by default).
// Its parameters go to the driver as they are (sslmode, sslrootcert, sslcert, sslkey,
// connect_timeout, application_name, ...); without sslmode the connection is plaintext
// (sslmode=disable), as Temporal's own configuration does. The databases must exist; the
// server creates and upgrades their tables at start (see Start).
type PostgresOptions struct {
	// PersistenceURL is the database of the server's state: namespaces, histories, timers, tasks.
	PersistenceURL string
	// VisibilityURL is the database of the workflow lists and their search attributes; a
	// different database from PersistenceURL's.
	VisibilityURL string
	// MaxConns caps each database's connection pool per Temporal service (four services run in
	// this process); 0 means DefaultMaxConns.
	MaxConns int
}

// pgDatabase is one parsed database URL.
type pgDatabase struct {
	url string // as given, with sslmode=disable added when it had none
	sql *config.SQL
}

func (p *PostgresOptions) validate() error {
	var errs []error
	pers, err := parsePostgresURL("temporal persistence database url", p.PersistenceURL, p.MaxConns)
	errs = append(errs, err)
	vis, err := parsePostgresURL("temporal visibility database url", p.VisibilityURL, p.MaxConns)
	errs = append(errs, err)
	if pers != nil && vis != nil && pers.sql.ConnectAddr == vis.sql.ConnectAddr && pers.sql.DatabaseName == vis.sql.DatabaseName {
		errs = append(errs, fmt.Errorf("temporal visibility database url: must name another database than the persistence database (%s on %s)",
			vis.sql.DatabaseName, vis.sql.ConnectAddr))
	}
	if p.MaxConns < 0 {
		errs = append(errs, fmt.Errorf("temporal database max conns: must be 0 (the default, %d) or more, not %d", DefaultMaxConns, p.MaxConns))
	}
	return errors.Join(errs...)
}

// databases parses both URLs (validate has accepted them).
func (p *PostgresOptions) databases() (persistence, visibility *pgDatabase, err error) {
	if persistence, err = parsePostgresURL("temporal persistence database url", p.PersistenceURL, p.MaxConns); err != nil {
		return nil, nil, err
	}
	if visibility, err = parsePostgresURL("temporal visibility database url", p.VisibilityURL, p.MaxConns); err != nil {
		return nil, nil, err
	}
	return persistence, visibility, nil
}

// parsePostgresURL turns a postgres:// URL into Temporal's SQL store configuration. Errors name
// field and never show the password.
func parsePostgresURL(field, raw string, maxConns int) (*pgDatabase, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%s: is required", field)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: must be a postgres:// URL: %w", field, redact(err, raw))
	}
	var errs []error
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		errs = append(errs, fmt.Errorf("%s: must be a postgres:// or postgresql:// URL, not %s://", field, u.Scheme))
	}
	if u.Hostname() == "" || strings.Contains(u.Host, ",") {
		errs = append(errs, fmt.Errorf("%s: must name one host (postgres://user@host:port/database)", field))
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		errs = append(errs, fmt.Errorf("%s: must name the database as its path (postgres://user@host:port/database)", field))
	}
	if u.User.Username() == "" {
		errs = append(errs, fmt.Errorf("%s: must name the user (postgres://user@host:port/database)", field))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	attrs := map[string]string{}
	for k, v := range u.Query() {
		if len(v) != 1 {
			return nil, fmt.Errorf("%s: parameter %s: must be given once", field, k)
		}
		attrs[k] = v[0]
	}
	if attrs["sslmode"] == "" {
		attrs["sslmode"] = "disable"
		q := u.Query()
		q.Set("sslmode", "disable")
		u.RawQuery = q.Encode()
	}
	// pgx reads the parameters as the server's driver will (a bad sslmode, an unreadable
	// sslrootcert) so that they fail here, naming the field, rather than in a Temporal service.
	if _, err := pgconn.ParseConfig(u.String()); err != nil {
		return nil, fmt.Errorf("%s: %w", field, redact(err, raw))
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	password, _ := u.User.Password()
	if maxConns == 0 {
		maxConns = DefaultMaxConns
	}
	return &pgDatabase{url: u.String(), sql: &config.SQL{
		PluginName:        pgplugin.PluginNamePGX,
		ConnectAddr:       net.JoinHostPort(u.Hostname(), port),
		ConnectProtocol:   "tcp",
		DatabaseName:      db,
		User:              u.User.Username(),
		Password:          password,
		ConnectAttributes: attrs,
		MaxConns:          maxConns,
		MaxIdleConns:      maxConns,
	}}, nil
}

// redact replaces the URL's password in err's text.
func redact(err error, raw string) error {
	u, perr := url.Parse(raw)
	if perr != nil || u.User == nil {
		return errors.New(strings.ReplaceAll(err.Error(), raw, "the URL"))
	}
	if p, ok := u.User.Password(); ok && p != "" {
		return errors.New(strings.ReplaceAll(err.Error(), p, "xxxxx"))
	}
	return err
}
