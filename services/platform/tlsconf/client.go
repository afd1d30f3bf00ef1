package tlsconf

import (
	"crypto/tls"
	"errors"
	"net/http"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// Client is how a binary calls one upstream: the CA bundle the upstream's certificate is verified
// against (empty: the system's roots), the certificate and key it presents as its own identity
// (empty: none; an upstream requiring mutual TLS then refuses it), and the name expected in the
// upstream's certificate (empty: the host dialled). The zero Client is TLS verified against the
// system roots; plaintext is only ever what Insecure asks for. A Client is a value; safe to copy.
type Client struct {
	CAFile     string
	CertFile   string
	KeyFile    string
	ServerName string
	// Insecure calls the upstream in plaintext, without TLS: only when an operator asked for it
	// (-insecure). The other fields must then be empty.
	Insecure bool

	flag string // the flags' prefix, e.g. "finance-", for messages; set by RegisterFlags
}

// Validate reports every problem with the settings, naming each flag.
func (c Client) Validate() error {
	var errs []error
	if (c.CertFile == "") != (c.KeyFile == "") {
		errs = append(errs, errors.New(c.flag+"tls-cert, "+c.flag+"tls-key: must be set together (the client certificate and its private key)"))
	}
	if c.Insecure && (c.CAFile != "" || c.CertFile != "" || c.KeyFile != "" || c.ServerName != "") {
		errs = append(errs, errors.New("insecure: cannot be combined with TLS settings for "+c.upstream()+" (drop one or the other)"))
	}
	return errors.Join(errs...)
}

func (c Client) upstream() string {
	if c.flag == "" {
		return "the upstream"
	}
	return c.flag[:len(c.flag)-1]
}

// Config returns the tls.Config for calls to the upstream, or an error when the settings are
// invalid, Insecure is set (there is no TLS to configure) or a file cannot be read. The client
// certificate is reloaded when its files change, as Server's is.
func (c Client) Config() (*tls.Config, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Insecure {
		return nil, errors.New("insecure: set, so there is no TLS to configure for " + c.upstream())
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName}
	if c.CAFile != "" {
		pool, err := loadPool(c.flag+"tls-ca", c.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if c.CertFile != "" {
		kp, err := loadKeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return kp.current(), nil }
	}
	return cfg, nil
}

// Credentials returns the gRPC transport credentials for the upstream: TLS as configured, or
// plaintext when (and only when) Insecure is set, so a client is built one way either way.
func (c Client) Credentials() (credentials.TransportCredentials, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Insecure {
		return insecure.NewCredentials(), nil
	}
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(cfg), nil
}

// DialOption is Credentials as a grpc.DialOption.
func (c Client) DialOption() (grpc.DialOption, error) {
	creds, err := c.Credentials()
	if err != nil {
		return nil, err
	}
	return grpc.WithTransportCredentials(creds), nil
}

// Transport returns an HTTP transport (http.DefaultTransport's settings) that verifies the
// upstream and presents the client certificate; with Insecure, one without TLS settings (for
// http:// URLs).
func (c Client) Transport() (*http.Transport, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	if c.Insecure {
		return t, nil
	}
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = cfg
	return t, nil
}
