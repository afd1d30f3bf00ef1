package journey

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Defaults of a TemporalConnection: a Temporal server on this machine.
const (
	DefaultTemporalAddress   = "127.0.0.1:7233"
	DefaultTemporalNamespace = "default"
)

// The environment variables RegisterFlags binds: those of the Temporal SDK's environment
// configuration (go.temporal.io/sdk/contrib/envconfig), as the temporal CLI and every SDK read them.
const (
	EnvTemporalAddress                    = "TEMPORAL_ADDRESS"
	EnvTemporalNamespace                  = "TEMPORAL_NAMESPACE"
	EnvTemporalAPIKey                     = "TEMPORAL_API_KEY" //nolint:gosec // G101: the variable's name, not a credential
	EnvTemporalTLS                        = "TEMPORAL_TLS"
	EnvTemporalTLSServerCACertPath        = "TEMPORAL_TLS_SERVER_CA_CERT_PATH"
	EnvTemporalTLSServerName              = "TEMPORAL_TLS_SERVER_NAME"
	EnvTemporalTLSClientCertPath          = "TEMPORAL_TLS_CLIENT_CERT_PATH"
	EnvTemporalTLSClientKeyPath           = "TEMPORAL_TLS_CLIENT_KEY_PATH"
	EnvTemporalTLSDisableHostVerification = "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"
)

// The environment variables of the payload keys (pathways' own: Temporal has none).
const (
	// EnvPayloadKeysFile names the keyring file (-payload-keys-file).
	EnvPayloadKeysFile = "PATHWAYS_PAYLOAD_KEYS_FILE"
	// EnvPayloadKeys holds the keyring's JSON itself (a secret, so it has no flag).
	EnvPayloadKeys = "PATHWAYS_PAYLOAD_KEYS"
)

// TemporalConnection is how a client of journeys (the worker's, the coordinator's) reaches
// Temporal: the frontend's address, the namespace, TLS (the frontend verified against a CA, a
// client certificate for mutual TLS) and an API key. Its settings and rules are the SDK's
// environment configuration's (go.temporal.io/sdk/contrib/envconfig): a profile of the Temporal
// client configuration file, under the TEMPORAL_* variables, under the flags (RegisterFlags); TLS
// is on when TLS.Enabled says so (or the profile has a tls table), else when any other TLS setting
// or an API key is given. PayloadKeys* are pathways' own: the keys every payload it writes to
// Temporal is encrypted with (platform/payloadcrypt). A value; safe to copy.
type TemporalConnection struct {
	// Address is the frontend, host:port (TEMPORAL_ADDRESS, -temporal-address).
	Address string
	// Namespace is the namespace journeys run in (TEMPORAL_NAMESPACE, -namespace).
	Namespace string
	// APIKey, when set, goes with every call as a bearer token (TEMPORAL_API_KEY; a secret, so it
	// has no flag) and turns TLS on unless TLS.Enabled is false.
	APIKey string
	TLS    TemporalTLS
	// PayloadKeysFile is the keyring file (JSON, 0600: payloadcrypt.LoadFile) whose primary key
	// encrypts every payload and whose every key decrypts (PATHWAYS_PAYLOAD_KEYS_FILE,
	// -payload-keys-file).
	PayloadKeysFile string
	// PayloadKeysJSON is the same keyring as JSON (PATHWAYS_PAYLOAD_KEYS; a secret, no flag),
	// for deployments that inject secrets as variables. At most one of the two.
	PayloadKeysJSON string
	// PayloadKeys, when set (a KMS, a test), is the key source, whatever the two above say.
	PayloadKeys payloadcrypt.KeySource
	// ConfigFile and Profile say where RegisterFlags found the settings under the variables: the
	// Temporal client configuration file it read (TEMPORAL_CONFIG_FILE, else the temporal CLI's
	// default file when it exists) and the profile it used (TEMPORAL_PROFILE, else "default");
	// empty when none. For logs: the settings themselves are in the fields above.
	ConfigFile string
	Profile    string

	profileErr error // what RegisterFlags found wrong with the file, for Validate
}

// TemporalTLS is the TLS of a TemporalConnection.
type TemporalTLS struct {
	// Enabled turns TLS on or off whatever else is set (TEMPORAL_TLS, -temporal-tls); nil leaves
	// it to the rule of TemporalConnection.
	Enabled *bool
	// ServerCACertPath is the CA bundle (PEM) the frontend's certificate is verified against;
	// empty: the system's roots (TEMPORAL_TLS_SERVER_CA_CERT_PATH, -temporal-tls-ca).
	ServerCACertPath string
	// ServerName is the name expected in the frontend's certificate (and sent as SNI); empty: the
	// host of Address (TEMPORAL_TLS_SERVER_NAME, -temporal-tls-server-name).
	ServerName string
	// ClientCertPath and ClientKeyPath are the client certificate and key (PEM) for mutual TLS,
	// read again when the files change (TEMPORAL_TLS_CLIENT_CERT_PATH, -temporal-tls-cert;
	// TEMPORAL_TLS_CLIENT_KEY_PATH, -temporal-tls-key).
	ClientCertPath string
	ClientKeyPath  string
	// DisableHostVerification accepts a frontend certificate whatever names it carries; it must
	// still chain to the CA (stricter than the SDK's envconfig, which then verifies nothing)
	// (TEMPORAL_TLS_DISABLE_HOST_VERIFICATION, -temporal-tls-disable-host-verification).
	DisableHostVerification bool
}

// DefaultTemporalConnection is a plaintext connection to a Temporal server on this machine.
func DefaultTemporalConnection() TemporalConnection {
	return TemporalConnection{Address: DefaultTemporalAddress, Namespace: DefaultTemporalNamespace}
}

// RegisterFlags reads the profile of the Temporal client configuration file (TEMPORAL_CONFIG_FILE,
// else envconfig's default file when it exists; TEMPORAL_PROFILE, else "default") into c, then adds
// -temporal-address, -namespace and the -temporal-tls* flags, each defaulting to its TEMPORAL_*
// variable, and takes APIKey from TEMPORAL_API_KEY when it is set: a flag wins over its variable,
// which wins over the profile, which wins over c's defaults. A file that cannot be read or parsed,
// a missing profile or a key of it pathways does not read is reported by Validate, naming the file
// and the key.
func (c *TemporalConnection) RegisterFlags(fs *config.FlagSet) {
	c.profileErr = c.applyProfile(fs.Getenv)
	fs.String(&c.Address, "temporal-address", EnvTemporalAddress, "Temporal frontend host:port")
	fs.String(&c.Namespace, "namespace", EnvTemporalNamespace, "Temporal namespace journeys run in")
	fs.Var(optionalBool{&c.TLS.Enabled}, "temporal-tls", EnvTemporalTLS,
		"TLS to Temporal on or off (default: on when a -temporal-tls-* setting or "+EnvTemporalAPIKey+", the API key sent as a bearer token, is given)")
	fs.String(&c.TLS.ServerCACertPath, "temporal-tls-ca", EnvTemporalTLSServerCACertPath,
		"CA bundle (PEM) Temporal's certificate is verified against (default: the system's roots)")
	fs.String(&c.TLS.ServerName, "temporal-tls-server-name", EnvTemporalTLSServerName,
		"name expected in Temporal's certificate (default: the host of -temporal-address)")
	fs.String(&c.TLS.ClientCertPath, "temporal-tls-cert", EnvTemporalTLSClientCertPath,
		"client certificate (PEM) presented to Temporal, for mutual TLS; reloaded when the file changes")
	fs.String(&c.TLS.ClientKeyPath, "temporal-tls-key", EnvTemporalTLSClientKeyPath, "the private key (PEM) of -temporal-tls-cert")
	fs.Bool(&c.TLS.DisableHostVerification, "temporal-tls-disable-host-verification", EnvTemporalTLSDisableHostVerification,
		"accept Temporal's certificate whatever names it carries (it must still be signed by the CA)")
	if key := fs.Getenv(EnvTemporalAPIKey); key != "" {
		c.APIKey = key
	}
	fs.String(&c.PayloadKeysFile, "payload-keys-file", EnvPayloadKeysFile,
		"keyring (JSON, mode 0600) encrypting every Temporal payload: the primary key encrypts, every key decrypts (or the JSON itself in "+EnvPayloadKeys+")")
	if keys := fs.Getenv(EnvPayloadKeys); keys != "" {
		c.PayloadKeysJSON = keys
	}
}

// TLSEnabled reports whether the connection uses TLS.
func (c TemporalConnection) TLSEnabled() bool {
	if c.TLS.Enabled != nil {
		return *c.TLS.Enabled
	}
	t := c.TLS
	return t.ServerCACertPath != "" || t.ServerName != "" || t.ClientCertPath != "" || t.ClientKeyPath != "" ||
		t.DisableHostVerification || c.APIKey != ""
}

// Validate reports every problem with the settings at once, naming the flags.
func (c TemporalConnection) Validate() error {
	errs := []error{c.profileErr}
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		errs = append(errs, fmt.Errorf("temporal-address: must be host:port, not %q: %w", c.Address, err))
	}
	if strings.TrimSpace(c.Namespace) == "" {
		errs = append(errs, errors.New("namespace: is required"))
	}
	t := c.TLS
	if (t.ClientCertPath == "") != (t.ClientKeyPath == "") {
		errs = append(errs, errors.New("temporal-tls-cert, temporal-tls-key: must be set together (the client certificate and its private key)"))
	}
	if t.Enabled != nil && !*t.Enabled && (t.ServerCACertPath != "" || t.ServerName != "" || t.ClientCertPath != "" || t.ClientKeyPath != "" || t.DisableHostVerification) {
		errs = append(errs, errors.New("temporal-tls: false, so it cannot be combined with -temporal-tls-ca, -temporal-tls-server-name, -temporal-tls-cert, -temporal-tls-key or -temporal-tls-disable-host-verification (drop one or the other; a profile's tls.disabled = true counts as false)"))
	}
	if c.PayloadKeysFile != "" && c.PayloadKeysJSON != "" {
		errs = append(errs, errors.New("payload-keys-file, "+EnvPayloadKeys+": set one or the other, not both"))
	}
	return errors.Join(errs...)
}

// HasPayloadKeys reports whether payload keys are configured.
func (c TemporalConnection) HasPayloadKeys() bool {
	return c.PayloadKeys != nil || c.PayloadKeysFile != "" || c.PayloadKeysJSON != ""
}

// PayloadKeySource returns the configured key source: PayloadKeys, else the keyring read from
// PayloadKeysFile or PayloadKeysJSON; nil when none is configured (insecure development only:
// CheckPlaintext refuses that otherwise).
func (c TemporalConnection) PayloadKeySource() (payloadcrypt.KeySource, error) {
	switch {
	case c.PayloadKeys != nil:
		return c.PayloadKeys, nil
	case c.PayloadKeysFile != "":
		k, err := payloadcrypt.LoadFile(c.PayloadKeysFile)
		if err != nil {
			return nil, fmt.Errorf("payload-keys-file: %w", err)
		}
		return k, nil
	case c.PayloadKeysJSON != "":
		k, err := payloadcrypt.ParseKeyring([]byte(c.PayloadKeysJSON))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvPayloadKeys, err)
		}
		return k, nil
	}
	return nil, nil //nolint:nilnil // no keys configured is not an error here: CheckPlaintext decides
}

// PayloadCodec returns the codec of the configured keys (payloadcrypt.Codec), nil when none are
// configured: what the codec server of the Web UI decodes with.
func (c TemporalConnection) PayloadCodec() (converter.PayloadCodec, error) {
	src, err := c.PayloadKeySource()
	if err != nil || src == nil {
		return nil, err
	}
	return payloadcrypt.NewCodec(src), nil
}

// CheckPlaintext refuses, unless insecure (the operator's -insecure), what would let patients'
// details through in clear: payloads written to Temporal unencrypted (no payload keys), and a
// plaintext connection to a frontend off loopback.
func (c TemporalConnection) CheckPlaintext(insecure bool) error {
	if insecure {
		return nil
	}
	var errs []error
	if !c.HasPayloadKeys() {
		errs = append(errs, errors.New("payload-keys-file: required: every payload written to Temporal (patients' details) is encrypted with "+
			"these keys ("+EnvPayloadKeysFile+", or the keyring JSON in "+EnvPayloadKeys+"); or pass -insecure to write them in clear, for development"))
	}
	if c.TLSEnabled() || !wellFormed(c.Address) || !errors.Is(tlsconf.CheckBind(c.Address, false, false), tlsconf.ErrPlaintextBind) {
		return errors.Join(errs...) // a malformed address is Validate's to report
	}
	return errors.Join(append(errs, fmt.Errorf("temporal-address %q: refusing plaintext off loopback: turn TLS on (-temporal-tls, %s=true, or a CA, "+
		"client certificate or %s), or pass -insecure to connect in plaintext anyway", c.Address, EnvTemporalTLS, EnvTemporalAPIKey))...)
}

func wellFormed(addr string) bool {
	_, _, err := net.SplitHostPort(addr)
	return err == nil
}

// ClientOptions returns the options of every client of journeys (the package's ClientOptions)
// connecting as c says: HostPort, Namespace, the TLS configuration (or TLS explicitly off), the
// API key credentials and, with payload keys, the data and failure converters that encrypt every
// payload (WithPayloadKeys). It reads the certificate and key files; the caller adds its own dial
// options to ConnectionOptions and dials.
func (c TemporalConnection) ClientOptions(tel Telemetry) (client.Options, error) {
	if err := c.Validate(); err != nil {
		return client.Options{}, err
	}
	opts, err := ClientOptions(tel)
	if err != nil {
		return client.Options{}, err
	}
	src, err := c.PayloadKeySource()
	if err != nil {
		return client.Options{}, err
	}
	if src != nil {
		WithPayloadKeys(&opts, src)
	}
	opts.HostPort, opts.Namespace = c.Address, c.Namespace
	if c.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.APIKey)
	}
	if !c.TLSEnabled() {
		opts.ConnectionOptions.TLSDisabled = true // also with an API key, which would turn it on
		return opts, nil
	}
	if opts.ConnectionOptions.TLS, err = c.TLS.config(); err != nil {
		return client.Options{}, err
	}
	return opts, nil
}

func (t TemporalTLS) config() (*tls.Config, error) {
	cfg, err := tlsconf.Client{CAFile: t.ServerCACertPath, CertFile: t.ClientCertPath, KeyFile: t.ClientKeyPath, ServerName: t.ServerName}.Config()
	if err != nil {
		return nil, fmt.Errorf("temporal TLS (-temporal-tls-ca, -temporal-tls-cert, -temporal-tls-key): %w", err)
	}
	if t.DisableHostVerification {
		verifyChainOnly(cfg)
	}
	return cfg, nil
}

// verifyChainOnly makes cfg check that the server's certificate chains to its roots (the system's
// when nil) but not which names it carries.
func verifyChainOnly(cfg *tls.Config) {
	roots := cfg.RootCAs
	cfg.InsecureSkipVerify = true // the chain is verified in VerifyConnection; only the names are not, as the operator asked
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("temporal: the server presented no certificate")
		}
		intermediates := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			intermediates.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates})
		return err
	}
}

// optionalBool is a boolean flag that may be left unset (nil).
type optionalBool struct{ p **bool }

func (o optionalBool) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.FormatBool(**o.p)
}

func (o optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*o.p = &v
	return nil
}

func (optionalBool) IsBoolFlag() bool { return true }
