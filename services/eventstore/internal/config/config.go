// Package config loads and validates the event store's configuration from
// flags with environment-variable equivalents (EVENTSTORE_<FLAG>).
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// Config is the server's whole configuration.
type Config struct {
	Listen        string // gRPC address
	DataDir       string // Pebble directory (durable mode)
	InMemory      bool   // keep everything in memory (tests)
	TLSCert       string // PEM certificate; TLS when set with TLSKey
	TLSKey        string // PEM private key
	MetricsListen string // Prometheus /metrics address; empty disables
}

// DefaultListen is the EventStoreDB default gRPC address.
const DefaultListen = "127.0.0.1:2113"

// Load parses args (without the program name), falling back to
// EVENTSTORE_* environment variables, then validates.
func Load(args []string, getenv func(string) string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("eventstore", flag.ContinueOnError)
	fs.StringVar(&c.Listen, "listen", envOr(getenv, "EVENTSTORE_LISTEN", DefaultListen), "gRPC listen address (EVENTSTORE_LISTEN)")
	fs.StringVar(&c.DataDir, "data-dir", getenv("EVENTSTORE_DATA_DIR"), "data directory, required unless --in-memory (EVENTSTORE_DATA_DIR)")
	fs.BoolVar(&c.InMemory, "in-memory", envBool(getenv, "EVENTSTORE_IN_MEMORY"), "keep all data in memory (EVENTSTORE_IN_MEMORY)")
	fs.StringVar(&c.TLSCert, "tls-cert", getenv("EVENTSTORE_TLS_CERT"), "TLS certificate file (EVENTSTORE_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", getenv("EVENTSTORE_TLS_KEY"), "TLS key file (EVENTSTORE_TLS_KEY)")
	fs.StringVar(&c.MetricsListen, "metrics-listen", getenv("EVENTSTORE_METRICS_LISTEN"), "Prometheus metrics address, empty to disable (EVENTSTORE_METRICS_LISTEN)")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("parse flags: %w", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, c.Validate()
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(getenv func(string) string, key string) bool {
	v, err := strconv.ParseBool(getenv(key))
	return err == nil && v
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
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key must be given together"))
	}
	for _, f := range []string{c.TLSCert, c.TLSKey} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("tls file: %w", err))
		}
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("metrics-listen %q: must be host:port: %w", c.MetricsListen, err))
		}
	}
	return errors.Join(errs...)
}
