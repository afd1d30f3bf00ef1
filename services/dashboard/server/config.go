// Package server runs the dashboard service: the SQLite read model, the gRPC ingest and query
// API and the web page. cmd/dashboard and the devstack both start it here.
package server

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultListen     = "127.0.0.1:9104"
	DefaultHTTPListen = "127.0.0.1:8084"
	DefaultDataDir    = "data/dashboard"
)

// Config is everything the service needs to start.
type Config struct {
	// Listen is the gRPC address (port 0 picks a free one).
	Listen string
	// HTTPListen is the web page's address.
	HTTPListen string
	// DataDir holds the read model (dashboard.db) unless DBPath names the file.
	DataDir string
	DBPath  string
	// EventStoreURL, if set, is the esdb:// connection string Rebuild replays from.
	EventStoreURL string
	// FinanceAddr, if set, is the finance service's gRPC address (budget used).
	FinanceAddr string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, HTTPListen: DefaultHTTPListen, DataDir: DefaultDataDir}
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	for name, addr := range map[string]string{"listen": c.Listen, "http-listen": c.HTTPListen} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: must be host:port, not %q", name, addr))
		}
	}
	if c.FinanceAddr != "" {
		if _, _, err := net.SplitHostPort(c.FinanceAddr); err != nil {
			errs = append(errs, fmt.Errorf("finance-addr: must be host:port, not %q", c.FinanceAddr))
		}
	}
	if c.DataDir == "" && c.DBPath == "" {
		errs = append(errs, errors.New("data-dir: a data directory or a db path is required"))
	}
	if c.EventStoreURL != "" && !strings.HasPrefix(c.EventStoreURL, "esdb://") && !strings.HasPrefix(c.EventStoreURL, "esdb+discover://") {
		errs = append(errs, fmt.Errorf("eventstore-url: must be an esdb:// or esdb+discover:// connection string, not %q", c.EventStoreURL))
	}
	return errors.Join(errs...)
}

func (c Config) dbPath() string {
	if c.DBPath != "" {
		return c.DBPath
	}
	return c.DataDir + "/dashboard.db"
}
