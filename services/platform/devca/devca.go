// Package devca is a development certificate authority: Ensure makes a CA and a certificate per
// service in a directory at first start and reuses them afterwards, reissuing only a service's
// certificate that is missing, close to expiry, signed by another CA or lacking a name asked for.
// The devstack keeps its certificates in its data directory this way; tests use devcatest.
//
// Every key is ECDSA P-256. The CA is valid for ten years, a service's certificate for one. A
// service's certificate names it with the URI SAN spiffe://pathways.local/<name> (what
// tlsconf.ServiceID reads), and a server's also with localhost, 127.0.0.1 and ::1.
//
// Files, in the directory (0700): ca.crt, ca.key, and <name>.crt, <name>.key per service;
// certificates 0644, keys 0600. Each is written to a temporary file and renamed into place, so a
// reader (a server reloading its certificate) never sees half a file. Ensure is not safe to run
// from two processes on one directory at once.
package devca

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Lifetimes and the renewal margin.
const (
	CAValidity   = 10 * 365 * 24 * time.Hour
	LeafValidity = 365 * 24 * time.Hour
	// RenewBefore: a certificate (the CA's too) that ends within this is replaced.
	RenewBefore = 30 * 24 * time.Hour
)

// Service is a certificate to keep: for the service Name (a tlsconf.ValidServiceName; not "ca"),
// usable as a server's (Server: extended key usage serverAuth, and the names localhost,
// 127.0.0.1 and ::1 beside DNS and IPs) and/or a client's (Client: clientAuth). At least one of
// Server and Client is set.
type Service struct {
	Name   string
	DNS    []string
	IPs    []net.IP
	Server bool
	Client bool
}

// Bundle is the directory Ensure kept: where the CA and each service's files are, and what this
// Ensure changed. It is read-only once returned; safe for concurrent use.
type Bundle struct {
	Dir    string
	CAFile string
	// NewCA is true when this Ensure made the CA (none was there, or it was expiring).
	NewCA bool
	// Issued names the services whose certificate this Ensure issued, in the order given.
	Issued []string
}

// Ensure keeps dir holding a valid CA and a valid certificate for each service (see the package
// comment), making or reissuing what is not, and returns where they are. A CA is never
// overwritten while valid for RenewBefore more; CA files that cannot be read as a CA are an error,
// never replaced.
func Ensure(dir string, services []Service) (*Bundle, error) {
	return ensure(dir, services, time.Now())
}

func ensure(dir string, services []Service, now time.Time) (*Bundle, error) {
	if err := validate(services); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("devca: %w", err)
	}
	b := &Bundle{Dir: dir, CAFile: filepath.Join(dir, "ca.crt")}
	ca, made, err := loadOrMakeCA(dir, now)
	if err != nil {
		return nil, err
	}
	b.NewCA = made
	for _, s := range services {
		s = s.withDefaults()
		if leafValid(ca, b.Cert(s.Name), b.Key(s.Name), s, now) {
			continue
		}
		if err := ca.issue(b.Cert(s.Name), b.Key(s.Name), s, now); err != nil {
			return nil, fmt.Errorf("devca: issue %s: %w", s.Name, err)
		}
		b.Issued = append(b.Issued, s.Name)
	}
	return b, nil
}

func validate(services []Service) error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range services {
		field := fmt.Sprintf("services[%d]", i)
		switch {
		case !tlsconf.ValidServiceName(s.Name) || s.Name == "ca":
			errs = append(errs, fmt.Errorf("%s.name: must be lower-case letters, digits, '.', '_' or '-' (and not \"ca\"), not %q", field, s.Name))
		case seen[s.Name]:
			errs = append(errs, fmt.Errorf("%s.name: %q is listed twice", field, s.Name))
		}
		seen[s.Name] = true
		if !s.Server && !s.Client {
			errs = append(errs, fmt.Errorf("%s: Server or Client (or both) must be set", field))
		}
	}
	return errors.Join(errs...)
}

// withDefaults adds the loopback names every server certificate carries.
func (s Service) withDefaults() Service {
	if !s.Server {
		return s
	}
	s.DNS = append([]string{"localhost"}, slices.DeleteFunc(slices.Clone(s.DNS), func(d string) bool { return d == "localhost" })...)
	for _, ip := range []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback} {
		if !slices.ContainsFunc(s.IPs, ip.Equal) {
			s.IPs = append(s.IPs, ip)
		}
	}
	return s
}

// Cert is the certificate file of the service name.
func (b *Bundle) Cert(name string) string { return filepath.Join(b.Dir, name+".crt") }

// Key is the private key file of the service name.
func (b *Bundle) Key(name string) string { return filepath.Join(b.Dir, name+".key") }

// Server is the listener settings of the service name: its certificate, and client certificates
// verified against the CA when given. Set RequireClientCert on it for mutual TLS only.
func (b *Bundle) Server(name string) tlsconf.Server {
	return tlsconf.Server{CertFile: b.Cert(name), KeyFile: b.Key(name), ClientCAFile: b.CAFile}
}

// Client is the settings for the service name calling another: the CA, and its certificate as
// its identity. Client("") trusts the CA and presents no certificate.
func (b *Bundle) Client(name string) tlsconf.Client {
	if name == "" {
		return tlsconf.Client{CAFile: b.CAFile}
	}
	return tlsconf.Client{CAFile: b.CAFile, CertFile: b.Cert(name), KeyFile: b.Key(name)}
}

// Settings is the whole TLS configuration of the service name: Server(name) and the CA for the
// services it calls (tlsconf.Settings.Client then presents its certificate to them).
func (b *Bundle) Settings(name string) tlsconf.Settings {
	return tlsconf.Settings{Server: b.Server(name), CAFile: b.CAFile}
}
