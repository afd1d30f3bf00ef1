package temporalserver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.temporal.io/server/common/config"
)

// TLSOptions are the PEM files the server's TLS is made of. The frontend and the services
// behind it (history, matching, worker) all serve CertFile; with RequireClientCert each of them
// accepts only clients with a certificate signed by ClientCAFile.
type TLSOptions struct {
	// CertFile and KeyFile are the servers' certificate and key. The certificate must name
	// Options.IP (an IP SAN) and, with RequireClientCert, allow client authentication too
	// (extended key usage clientAuth, or none): the services present it to each other.
	CertFile, KeyFile string
	// CAFile is the CA certificate that signed CertFile: the server's own clients and the Web
	// UI verify the frontend with it. Empty means ClientCAFile, or the system roots without it.
	CAFile string
	// ClientCAFile holds the CA certificates whose client certificates are accepted; required
	// with RequireClientCert.
	ClientCAFile string
	// RequireClientCert turns on mutual TLS: a client without a certificate signed by
	// ClientCAFile cannot connect.
	RequireClientCert bool
	// ClientCertFile and ClientKeyFile are the client certificate the server's system worker and
	// the Web UI present to the frontend; required with RequireClientCert.
	ClientCertFile, ClientKeyFile string
}

func (t *TLSOptions) validate() error {
	errs := []error{KeyPair{t.CertFile, t.KeyFile}.validate("temporal tls")}
	if (t.ClientCertFile == "") != (t.ClientKeyFile == "") {
		errs = append(errs, errors.New("temporal tls client cert file and client key file: give both or neither"))
	}
	if t.RequireClientCert {
		if strings.TrimSpace(t.ClientCAFile) == "" {
			errs = append(errs, errors.New("temporal tls client ca file: is required with require client cert"))
		}
		if strings.TrimSpace(t.ClientCertFile) == "" {
			errs = append(errs, errors.New("temporal tls client cert file: is required with require client cert (the server's own clients need one)"))
		}
	}
	return errors.Join(errs...)
}

// serverCAFile is the CA file the server's clients verify the frontend with ("" = system roots).
func (t *TLSOptions) serverCAFile() string {
	if t.CAFile != "" {
		return t.CAFile
	}
	return t.ClientCAFile
}

// rootTLS is the Temporal server's TLS: the frontend serves CertFile (asking clients for a
// certificate from ClientCAFile when required); the services behind it serve the same
// certificate to each other; the system worker reaches the frontend with the client
// certificate. Nil gives the zero RootTLS: plaintext everywhere.
func rootTLS(t *TLSOptions) config.RootTLS {
	if t == nil {
		return config.RootTLS{}
	}
	client := config.ClientTLS{ForceTLS: true}
	if ca := t.serverCAFile(); ca != "" {
		client.RootCAFiles = []string{ca}
	}
	frontend := config.ServerTLS{CertFile: t.CertFile, KeyFile: t.KeyFile, RequireClientAuth: t.RequireClientCert}
	internode := frontend
	if t.RequireClientCert {
		frontend.ClientCAFiles = []string{t.ClientCAFile}
		internode.ClientCAFiles = []string{t.serverCAFile()}
	}
	return config.RootTLS{
		Frontend:     config.GroupTLS{Server: frontend},
		Internode:    config.GroupTLS{Server: internode, Client: client},
		SystemWorker: config.WorkerTLS{CertFile: t.ClientCertFile, KeyFile: t.ClientKeyFile, Client: client},
	}
}

// clientTLS reads every file of t, checks that the servers' certificate is valid for ip (under
// the CA the clients trust) and returns the TLS configuration of the server's own clients:
// trusting the frontend's CA and presenting the client certificate if one is given. It returns
// nil, nil when t is nil.
func clientTLS(t *TLSOptions, ip string) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	server, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("temporal tls cert file and key file: %w", err)
	}
	roots, err := certPool("temporal tls ca file", t.serverCAFile())
	if err != nil {
		return nil, err
	}
	if t.RequireClientCert {
		if _, err := certPool("temporal tls client ca file", t.ClientCAFile); err != nil {
			return nil, err
		}
	}
	if err := checkServerCert(server, roots, ip, t.RequireClientCert); err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if t.ClientCertFile != "" {
		c, err := tls.LoadX509KeyPair(t.ClientCertFile, t.ClientKeyFile)
		if err != nil {
			return nil, fmt.Errorf("temporal tls client cert file and client key file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{c}
	}
	return cfg, nil
}

// checkServerCert fails early, naming the field, where the TLS handshakes would fail later: a
// certificate that does not name ip or is not signed by the CA the clients trust, or one the
// services cannot present to each other as a client certificate.
func checkServerCert(c tls.Certificate, roots *x509.CertPool, ip string, asClient bool) error {
	intermediates := x509.NewCertPool()
	for _, der := range c.Certificate[1:] {
		if ic, err := x509.ParseCertificate(der); err == nil {
			intermediates.AddCert(ic)
		}
	}
	opts := x509.VerifyOptions{DNSName: ip, Roots: roots, Intermediates: intermediates,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if _, err := c.Leaf.Verify(opts); err != nil {
		return fmt.Errorf("temporal tls cert file: must be valid for %s under the ca file: %w", ip, err)
	}
	if asClient && len(c.Leaf.ExtKeyUsage) > 0 && !slices.Contains(c.Leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) &&
		!slices.Contains(c.Leaf.ExtKeyUsage, x509.ExtKeyUsageAny) {
		return errors.New("temporal tls cert file: must allow client authentication (extended key usage clientAuth) with require client cert: the server's services present it to each other")
	}
	return nil
}

// certPool reads the PEM certificates of file into a pool; "" gives nil (the system roots).
func certPool(field, file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(file) //nolint:gosec // G304: the path is the operator's configuration
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: %s holds no PEM certificate", field, file)
	}
	return pool, nil
}
