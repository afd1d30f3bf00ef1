package tlsconf

import (
	"errors"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/config"
)

// Settings is a binary's TLS configuration as its flags give it: one certificate, its identity,
// served by its listeners and presented to the services it calls; the CA bundle those services
// are verified against; and Insecure, the operator's explicit choice of plaintext everywhere.
// A Settings is a value; safe to copy and share.
type Settings struct {
	Server   Server
	CAFile   string
	Insecure bool
}

// RegisterFlags adds the binary's TLS flags, each with the variable envPrefix_NAME (envPrefix
// "WORKER": WORKER_TLS_CERT; an empty prefix: no variables):
//
//	-tls-cert, -tls-key           this service's certificate and key (PEM): served and presented
//	-tls-client-ca                CA bundle callers' certificates are verified against
//	-tls-require-client-cert      refuse callers without a certificate (mutual TLS only)
//	-tls-ca                       CA bundle the services this one calls are verified against
//	-insecure                     no TLS: serve and call in plaintext, even off loopback
func (s *Settings) RegisterFlags(fs *config.FlagSet, envPrefix string) {
	s.Server.RegisterFlags(fs, envPrefix)
	fs.String(&s.CAFile, "tls-ca", env(envPrefix, "TLS_CA"),
		"CA bundle (PEM) the certificates of the services this one calls are verified against (default: the system's roots)")
	fs.Bool(&s.Insecure, "insecure", env(envPrefix, "INSECURE"),
		"serve and call without TLS, even on an address other than loopback (never in production)")
}

// RegisterFlags adds the listener flags -tls-cert, -tls-key, -tls-client-ca and
// -tls-require-client-cert (variables envPrefix_TLS_CERT, ...); Settings.RegisterFlags includes them.
func (s *Server) RegisterFlags(fs *config.FlagSet, envPrefix string) {
	fs.String(&s.CertFile, "tls-cert", env(envPrefix, "TLS_CERT"),
		"this service's certificate (PEM): served by its listeners and presented as its identity to the services it calls; reloaded when the file changes")
	fs.String(&s.KeyFile, "tls-key", env(envPrefix, "TLS_KEY"), "the private key (PEM) of -tls-cert")
	fs.String(&s.ClientCAFile, "tls-client-ca", env(envPrefix, "TLS_CLIENT_CA"),
		"CA bundle (PEM) callers' client certificates are verified against; a verified certificate names the calling service")
	fs.Bool(&s.RequireClientCert, "tls-require-client-cert", env(envPrefix, "TLS_REQUIRE_CLIENT_CERT"),
		"refuse callers without a client certificate from -tls-client-ca (mutual TLS only)")
}

// RegisterFlags adds the overrides for the upstream name (e.g. "finance"): -finance-tls-ca,
// -finance-tls-server-name, -finance-tls-cert and -finance-tls-key (variables
// envPrefix_FINANCE_TLS_CA, ...). Each left empty takes the binary's own setting through
// Settings.Client; they are needed only when the upstream is under another CA or name.
func (c *Client) RegisterFlags(fs *config.FlagSet, name, envPrefix string) {
	c.flag = name + "-"
	envName := strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_"
	fs.String(&c.CAFile, c.flag+"tls-ca", env(envPrefix, envName+"TLS_CA"),
		"CA bundle (PEM) "+name+"'s certificate is verified against (default: -tls-ca)")
	fs.String(&c.ServerName, c.flag+"tls-server-name", env(envPrefix, envName+"TLS_SERVER_NAME"),
		"name expected in "+name+"'s certificate (default: the host dialled)")
	fs.String(&c.CertFile, c.flag+"tls-cert", env(envPrefix, envName+"TLS_CERT"),
		"client certificate (PEM) presented to "+name+" (default: -tls-cert)")
	fs.String(&c.KeyFile, c.flag+"tls-key", env(envPrefix, envName+"TLS_KEY"),
		"the private key (PEM) of -"+c.flag+"tls-cert (default: -tls-key)")
}

func env(prefix, name string) string {
	if prefix == "" {
		return ""
	}
	return strings.TrimSuffix(prefix, "_") + "_" + name
}

// Validate reports every problem with the settings, naming each flag.
func (s Settings) Validate() error {
	errs := []error{s.Server.Validate()}
	if s.Insecure && (s.Server.Enabled() || s.Server.ClientCAFile != "" || s.CAFile != "") {
		errs = append(errs, errors.New("insecure: cannot be combined with -tls-cert, -tls-key, -tls-client-ca or -tls-ca (drop one or the other)"))
	}
	return errors.Join(errs...)
}

// CheckBind is CheckBind(addr, s.Server.Enabled(), s.Insecure): call it for every listener.
func (s Settings) CheckBind(addr string) error {
	return CheckBind(addr, s.Server.Enabled(), s.Insecure)
}

// Client returns the settings for calling an upstream: upstream's own (from its RegisterFlags, or
// the zero Client) with each empty one taken from the binary's: the CA bundle -tls-ca and the
// certificate -tls-cert/-tls-key (as a pair); with -insecure, plaintext. Validate the result (it
// reports an upstream's TLS flags given with -insecure).
func (s Settings) Client(upstream Client) Client {
	if s.Insecure || upstream.Insecure {
		upstream.Insecure = true // its own TLS settings, if any, are a problem Validate reports
		return upstream
	}
	if upstream.CAFile == "" {
		upstream.CAFile = s.CAFile
	}
	if upstream.CertFile == "" && upstream.KeyFile == "" {
		upstream.CertFile, upstream.KeyFile = s.Server.CertFile, s.Server.KeyFile
	}
	return upstream
}
