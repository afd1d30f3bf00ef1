package journey_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"

	"github.com/nhs-pathways/pathways/workflows/journey"
)

// profileFile writes a Temporal client configuration file (envconfig's TOML) and returns its path.
func profileFile(t *testing.T, toml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "temporal.toml")
	require.NoError(t, os.WriteFile(path, []byte(toml), 0o600))
	return path
}

func TestTemporalProfileFileIsHonoured(t *testing.T) {
	ca := devcatest.New(t, "temporal")
	front, addr := startFrontend(t, ca, false)
	path := profileFile(t, `
[profile.default]
address = "`+addr+`"
namespace = "pathways-prod"
api_key = "key-from-profile"
[profile.default.tls]
server_ca_cert_path = "`+ca.CAFile+`"
`)
	c, err := temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: path})
	require.NoError(t, err)
	on := true
	require.Equal(t, addr, c.Address)
	require.Equal(t, "pathways-prod", c.Namespace)
	require.Equal(t, "key-from-profile", c.APIKey)
	require.Equal(t, journey.TemporalTLS{Enabled: &on, ServerCACertPath: ca.CAFile}, c.TLS)
	require.Equal(t, path, c.ConfigFile)
	require.Equal(t, "default", c.Profile)

	require.NoError(t, dialTemporal(t, c), "the frontend is verified against the profile's CA")
	_, authorization := front.seen()
	require.Equal(t, []string{"Bearer key-from-profile"}, authorization, "the profile's API key")
}

func TestTemporalProfileIsChosenByTemporalProfile(t *testing.T) {
	path := profileFile(t, `
[profile.default]
address = "default.example:7233"
[profile.staging]
address = "staging.example:7233"
namespace = "staging"
[profile.staging.tls]
disabled = true
`)
	c, err := temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: path, journey.EnvTemporalProfile: "staging"})
	require.NoError(t, err)
	off := false
	require.Equal(t, "staging.example:7233", c.Address)
	require.Equal(t, "staging", c.Namespace)
	require.Equal(t, &off, c.TLS.Enabled, "tls.disabled = true")
	require.Equal(t, "staging", c.Profile)

	_, err = temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: path, journey.EnvTemporalProfile: "prod"})
	require.ErrorContains(t, err, `TEMPORAL_CONFIG_FILE `+path+`: profile "prod" (TEMPORAL_PROFILE): not in the file (it has profiles default, staging)`)
}

func TestTemporalFlagsAndVariablesBeatTheProfile(t *testing.T) {
	path := profileFile(t, `
[profile.default]
address = "profile.example:7233"
namespace = "from-profile"
api_key = "key-from-profile"
[profile.default.tls]
server_name = "temporal.profile"
`)
	env := map[string]string{journey.EnvTemporalConfigFile: path, "TEMPORAL_NAMESPACE": "from-variable", "TEMPORAL_API_KEY": "key-from-variable"}
	c, err := temporalConnection(t, env, "-temporal-address", "flag.example:7233", "-temporal-tls=false", "-temporal-tls-server-name=")
	require.NoError(t, err)
	off := false
	require.Equal(t, "flag.example:7233", c.Address, "the flag over the profile")
	require.Equal(t, "from-variable", c.Namespace, "the variable over the profile")
	require.Equal(t, "key-from-variable", c.APIKey, "the variable over the profile")
	require.Equal(t, journey.TemporalTLS{Enabled: &off}, c.TLS, "the flags over the profile's tls table")

	c, err = temporalConnection(t, env, "-namespace", "from-flag")
	require.NoError(t, err)
	require.Equal(t, "from-flag", c.Namespace, "the flag over the variable over the profile")
	require.Equal(t, "profile.example:7233", c.Address, "the profile over the default")
}

func TestTemporalProfileFileMistakesNameTheFileAndTheKey(t *testing.T) {
	tests := []struct {
		name string
		toml string
		want []string
	}{
		{"a value of the wrong type", "[profile.default]\naddress = 7233\n", []string{`"profile.default.address"`}},
		{"not TOML", "[profile.default\naddress = \"x:1\"\n", []string{"toml: line 2"}},
		{"a misspelt key", "[profile.default]\naddr = \"x:1\"\n[profile.default.tls]\nserver_ca_cert_pth = \"ca.crt\"\nserver_name = \"t\"\n",
			[]string{`profile "default": addr: unknown key`, `profile "default": tls.server_ca_cert_pth: unknown key`}},
		{"inline certificates", "[profile.default.tls]\nserver_ca_cert_data = \"-----BEGIN CERTIFICATE-----\"\n",
			[]string{`profile "default": tls.server_ca_cert_data: not supported: give the PEM file's path in tls.server_ca_cert_path instead`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := profileFile(t, tt.toml)
			_, err := temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: path})
			require.ErrorContains(t, err, "TEMPORAL_CONFIG_FILE "+path+": ")
			for _, want := range tt.want {
				require.ErrorContains(t, err, want)
			}
		})
	}

	missing := filepath.Join(t.TempDir(), "absent.toml")
	_, err := temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: missing})
	require.ErrorContains(t, err, "TEMPORAL_CONFIG_FILE "+missing+": ", "a file the operator names must exist")

	other := profileFile(t, "[profile.other]\naddress = 7233\n")
	_, err = temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: other, "TEMPORAL_TLS_CLIENT_CERT_DATA": "-----BEGIN"})
	require.ErrorContains(t, err, "TEMPORAL_TLS_CLIENT_CERT_DATA: not supported: give the PEM file's path in TEMPORAL_TLS_CLIENT_CERT_PATH instead")
}

func TestTemporalProfileDisableHostVerificationStillVerifiesTheChain(t *testing.T) {
	ca, other := devcatest.New(t, "temporal"), devcatest.New(t, "temporal")
	_, addr := startFrontend(t, ca, false)
	handshake := func(t *testing.T, caFile string) error {
		t.Helper()
		path := profileFile(t, "[profile.default]\naddress = \""+addr+"\"\n[profile.default.tls]\nserver_ca_cert_path = \""+caFile+
			"\"\nserver_name = \"temporal.elsewhere\"\ndisable_host_verification = true\n")
		c, err := temporalConnection(t, map[string]string{journey.EnvTemporalConfigFile: path})
		require.NoError(t, err)
		opts, err := c.ClientOptions(journey.Telemetry{})
		require.NoError(t, err)
		d := tls.Dialer{Config: opts.ConnectionOptions.TLS}
		conn, err := d.DialContext(t.Context(), "tcp", addr)
		if err == nil {
			_ = conn.Close()
		}
		return err
	}
	require.NoError(t, handshake(t, ca.CAFile), "the name is not checked")
	require.Error(t, handshake(t, other.CAFile), "the chain still is (envconfig would verify nothing)")
}
