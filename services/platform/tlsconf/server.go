// Package tlsconf is the one way a pathways binary configures TLS: the certificate its listeners
// serve (Server), how it verifies and authenticates to the services it calls (Client), the flags
// that set both (Settings), the rule that a listener off loopback needs TLS or an explicit
// -insecure (CheckBind), and who a caller is from its verified client certificate (ServiceID,
// PeerService, RequestService).
//
// A service's identity is a SPIFFE-style URI SAN in its certificate, spiffe://pathways.local/<name>
// (e.g. spiffe://pathways.local/worker). Certificates are read from files and read again when the
// files change, so rotating a certificate needs no restart. Every configuration asks for TLS 1.2
// at least (Go negotiates 1.3 whenever the peer can). services/platform/devca makes the files for
// development and tests.
package tlsconf

import (
	"crypto/tls"
	"errors"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// Server is how a listener serves TLS: its certificate and key (PEM files), and optionally the CA
// bundle client certificates are verified against. With ClientCAFile set a client certificate is
// verified when one is presented (callers without one, such as browsers and people with bearer
// tokens, still connect); RequireClientCert refuses callers without one (mutual TLS only). The zero
// Server is TLS off. A Server is a value; safe to copy and share.
type Server struct {
	CertFile          string
	KeyFile           string
	ClientCAFile      string
	RequireClientCert bool
}

// Enabled reports whether the listener serves TLS (a certificate is configured).
func (s Server) Enabled() bool { return s.CertFile != "" || s.KeyFile != "" }

// Validate reports every problem with the settings, naming each flag.
func (s Server) Validate() error {
	var errs []error
	if (s.CertFile == "") != (s.KeyFile == "") {
		errs = append(errs, errors.New("tls-cert, tls-key: must be set together (the certificate and its private key)"))
	}
	if s.ClientCAFile != "" && !s.Enabled() {
		errs = append(errs, errors.New("tls-client-ca: needs -tls-cert and -tls-key (client certificates are only asked for over TLS)"))
	}
	if s.RequireClientCert && s.ClientCAFile == "" {
		errs = append(errs, errors.New("tls-require-client-cert: needs -tls-client-ca (the CA client certificates are verified against)"))
	}
	return errors.Join(errs...)
}

// Config returns the listener's tls.Config, or an error when the settings are invalid, TLS is off
// or a file cannot be read. The certificate is checked for a change on disk (modification time,
// size, or another file in its place) at every handshake and reloaded then; while a new pair does
// not load (the key not yet written beside its certificate, say) the previous one is served.
func (s Server) Config() (*tls.Config, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !s.Enabled() {
		return nil, errors.New("tls-cert, tls-key: not set, so there is no TLS to configure")
	}
	kp, err := loadKeyPair(s.CertFile, s.KeyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return kp.current(), nil },
	}
	if s.ClientCAFile != "" {
		if cfg.ClientCAs, err = loadPool("tls-client-ca", s.ClientCAFile); err != nil {
			return nil, err
		}
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
		if s.RequireClientCert {
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	return cfg, nil
}

// GRPC returns the server option for a gRPC server: its TLS credentials, or, with TLS off, an
// option that changes nothing (plaintext), so a server is built one way either way. Check the
// address with CheckBind first.
func (s Server) GRPC() (grpc.ServerOption, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !s.Enabled() {
		return grpc.EmptyServerOption{}, nil
	}
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	return grpc.Creds(credentials.NewTLS(cfg)), nil
}

// Listener wraps an HTTP listener in TLS (offering HTTP/2 and HTTP/1.1), or, with TLS off, returns
// it as it is, so an http.Server serves one way either way: srv.Serve(lis). Requests then carry
// r.TLS, which RequestService reads.
func (s Server) Listener(inner net.Listener) (net.Listener, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !s.Enabled() {
		return inner, nil
	}
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	cfg.NextProtos = []string{"h2", "http/1.1"}
	return tls.NewListener(inner, cfg), nil
}
