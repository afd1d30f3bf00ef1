package tlsconf_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

func parse(t *testing.T, env map[string]string, args ...string) (tlsconf.Settings, tlsconf.Client, error) {
	t.Helper()
	var s tlsconf.Settings
	var finance tlsconf.Client
	fs := config.New("worker", func(k string) string { return env[k] }, io.Discard)
	s.RegisterFlags(fs, "WORKER")
	finance.RegisterFlags(fs, "finance", "WORKER")
	require.NoError(t, fs.Parse(args))
	return s, finance, fs.Check(s.Validate(), s.Client(finance).Validate())
}

func TestFlagsAndVariables(t *testing.T) {
	s, finance, err := parse(t, map[string]string{
		"WORKER_TLS_CERT": "worker.crt", "WORKER_TLS_KEY": "worker.key", "WORKER_TLS_CA": "ca.crt",
		"WORKER_TLS_CLIENT_CA":           "", // empty counts as unset
		"WORKER_FINANCE_TLS_SERVER_NAME": "finance.internal",
	}, "-tls-client-ca=clients.crt", "-tls-require-client-cert", "-finance-tls-ca=finance-ca.crt")
	require.NoError(t, err)
	require.Equal(t, tlsconf.Settings{
		Server: tlsconf.Server{CertFile: "worker.crt", KeyFile: "worker.key", ClientCAFile: "clients.crt", RequireClientCert: true},
		CAFile: "ca.crt",
	}, s)

	c := s.Client(finance)
	require.Equal(t, "finance-ca.crt", c.CAFile, "the upstream's own CA wins")
	require.Equal(t, "finance.internal", c.ServerName)
	require.Equal(t, "worker.crt", c.CertFile, "the binary's certificate is its identity upstream")
	require.Equal(t, "worker.key", c.KeyFile)
	require.False(t, c.Insecure)

	c = s.Client(tlsconf.Client{})
	require.Equal(t, "ca.crt", c.CAFile)
}

func TestInsecureIsExplicitAndAlone(t *testing.T) {
	s, finance, err := parse(t, map[string]string{"WORKER_INSECURE": "true"})
	require.NoError(t, err)
	c := s.Client(finance)
	require.True(t, c.Insecure)
	creds, err := c.Credentials()
	require.NoError(t, err)
	require.Equal(t, "insecure", creds.Info().SecurityProtocol)

	_, _, err = parse(t, nil, "-insecure", "-tls-cert=a.crt", "-tls-key=a.key")
	require.ErrorContains(t, err, "insecure: cannot be combined")
	_, _, err = parse(t, nil, "-insecure", "-finance-tls-ca=ca.crt")
	require.ErrorContains(t, err, "insecure: cannot be combined with TLS settings for finance")
}

func TestSettingsProblemsNameTheFlags(t *testing.T) {
	_, _, err := parse(t, nil, "-tls-cert=a.crt", "-tls-require-client-cert", "-finance-tls-key=f.key")
	require.ErrorContains(t, err, "tls-cert, tls-key: must be set together")
	require.ErrorContains(t, err, "tls-require-client-cert: needs -tls-client-ca")
	require.ErrorContains(t, err, "finance-tls-cert, finance-tls-key: must be set together")
}

func TestTheZeroClientVerifiesAgainstTheSystemRoots(t *testing.T) {
	cfg, err := tlsconf.Client{}.Config()
	require.NoError(t, err)
	require.Nil(t, cfg.RootCAs, "nil RootCAs is the system's roots")
	require.False(t, cfg.InsecureSkipVerify)
	creds, err := tlsconf.Client{}.Credentials()
	require.NoError(t, err)
	require.Equal(t, "tls", creds.Info().SecurityProtocol)
}

func TestServerConfigFailures(t *testing.T) {
	_, err := tlsconf.Server{}.Config()
	require.ErrorContains(t, err, "not set")
	_, err = tlsconf.Server{CertFile: "missing.crt", KeyFile: "missing.key"}.Config()
	require.ErrorContains(t, err, `tls-cert "missing.crt"`)
	opt, err := tlsconf.Server{}.GRPC()
	require.NoError(t, err, "TLS off is a plaintext server")
	require.NotNil(t, opt)
}
