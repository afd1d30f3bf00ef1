package journey

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"go.temporal.io/sdk/contrib/envconfig"
)

// The variables that choose the Temporal client configuration file and its profile, as the temporal
// CLI and every SDK read them (go.temporal.io/sdk/contrib/envconfig).
const (
	// EnvTemporalConfigFile names the TOML file of profiles; unset: envconfig's default path
	// (os.UserConfigDir()/temporalio/temporal.toml), read only when it exists.
	EnvTemporalConfigFile = "TEMPORAL_CONFIG_FILE"
	// EnvTemporalProfile names the profile used; unset: "default", used only when the file has it.
	EnvTemporalProfile = "TEMPORAL_PROFILE"
)

// The TLS material envconfig also takes inline: pathways refuses it and reads certificates from
// files, which it reloads when they are renewed.
var temporalDataVariables = []string{"TEMPORAL_TLS_CLIENT_CERT_DATA", "TEMPORAL_TLS_CLIENT_KEY_DATA", "TEMPORAL_TLS_SERVER_CA_CERT_DATA"}

// The keys of a profile pathways reads. codec (a remote codec, for the CLI and the Web UI) is
// accepted and ignored: pathways encrypts payloads with its own keys.
var (
	profileKeys    = []string{"address", "api_key", "codec", "namespace", "tls"}
	profileTLSKeys = []string{"client_cert_path", "client_key_path", "disable_host_verification", "disabled", "server_ca_cert_path", "server_name"}
	// envconfig knows these, pathways refuses them (checkProfile).
	profileTLSDataKeys = []string{"client_cert_data", "client_key_data", "server_ca_cert_data"}
)

// applyProfile sets c from the profile of the Temporal client configuration file that getenv's
// TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE name, when there is one: the layer under the variables
// and flags. A file named by the variable must exist; the default one may not.
func (c *TemporalConnection) applyProfile(getenv func(string) string) error {
	var errs []error
	for _, v := range temporalDataVariables {
		if getenv(v) != "" {
			errs = append(errs, fmt.Errorf("%s: not supported: give the PEM file's path in %s instead (a file is reloaded when it is renewed)",
				v, strings.Replace(v, "_DATA", "_PATH", 1)))
		}
	}
	path, named := getenv(EnvTemporalConfigFile), true
	if path == "" {
		path, named = envconfig.DefaultConfigFilePath(), false
	}
	profile := getenv(EnvTemporalProfile)
	data, err := readProfileFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !named:
		if profile != "" {
			errs = append(errs, fmt.Errorf("%s %q: no Temporal client configuration file to find it in (%s unset, %s absent)",
				EnvTemporalProfile, profile, EnvTemporalConfigFile, path))
		}
		return errors.Join(errs...)
	case err != nil:
		return errors.Join(append(errs, fmt.Errorf("%s %s: %w", EnvTemporalConfigFile, path, err))...)
	}
	if err := c.applyProfileData(data, profile); err != nil {
		errs = append(errs, eachPrefixed(err, EnvTemporalConfigFile+" "+path)...)
	} else {
		c.ConfigFile = path
	}
	return errors.Join(errs...)
}

func readProfileFile(path string) ([]byte, error) {
	if path == "" { // no user configuration directory: no default file
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(path) //nolint:gosec // G304: the operator names this file (TEMPORAL_CONFIG_FILE), as the temporal CLI reads it
}

// applyProfileData sets c from the profile named (empty: "default", if the file has it) of the
// TOML data.
func (c *TemporalConnection) applyProfileData(data []byte, name string) error {
	var conf envconfig.ClientConfig
	if err := conf.FromTOML(data, envconfig.ClientConfigFromTOMLOptions{}); err != nil {
		return err
	}
	// The keys as written, to find those pathways does not read: envconfig's own check (Strict,
	// AdditionalProfileFields) misses an unknown key followed by a known one in a [tls] table
	// (BurntSushi/toml v1.4.0's undecoded keys), and would judge every profile, not only this one.
	var raw struct {
		Profiles map[string]map[string]any `toml:"profile"`
	}
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return err
	}
	explicit := name != ""
	if !explicit {
		name = envconfig.DefaultConfigFileProfile
	}
	p := conf.Profiles[name]
	if p == nil {
		if explicit {
			return fmt.Errorf("profile %q (%s): not in the file (it has %s)", name, EnvTemporalProfile, profileNames(conf))
		}
		return nil
	}
	if err := checkProfile(p, raw.Profiles[name]); err != nil {
		return errors.Join(eachPrefixed(err, fmt.Sprintf("profile %q", name))...)
	}
	c.Profile = name
	setIf(&c.Address, p.Address)
	setIf(&c.Namespace, p.Namespace)
	setIf(&c.APIKey, p.APIKey)
	if t := p.TLS; t != nil { // a tls table turns TLS on unless it says disabled, as in envconfig
		enabled := !t.Disabled
		c.TLS.Enabled = &enabled
		setIf(&c.TLS.ServerCACertPath, t.ServerCACertPath)
		setIf(&c.TLS.ServerName, t.ServerName)
		setIf(&c.TLS.ClientCertPath, t.ClientCertPath)
		setIf(&c.TLS.ClientKeyPath, t.ClientKeyPath)
		c.TLS.DisableHostVerification = c.TLS.DisableHostVerification || t.DisableHostVerification
	}
	return nil
}

// checkProfile refuses what pathways would otherwise silently ignore in the profile it uses (p, and
// its keys as written): keys it does not know (a misspelt server_ca_cert_path would leave the
// frontend unverified against its CA), inline PEM data, gRPC metadata and an authority override.
func checkProfile(p *envconfig.ClientConfigProfile, written map[string]any) error {
	var errs []error
	for _, k := range sortedKeys(written) {
		if k != "tls" {
			if !slices.Contains(profileKeys, k) && k != "grpc_meta" && k != "authority" {
				errs = append(errs, fmt.Errorf("%s: unknown key (pathways reads %s)", k, strings.Join(profileKeys, ", ")))
			}
			continue
		}
		tlsTable, _ := written[k].(map[string]any)
		for _, tk := range sortedKeys(tlsTable) {
			if !slices.Contains(profileTLSKeys, tk) && !slices.Contains(profileTLSDataKeys, tk) {
				errs = append(errs, fmt.Errorf("tls.%s: unknown key (pathways reads tls.%s)", tk, strings.Join(profileTLSKeys, ", tls.")))
			}
		}
	}
	if t := p.TLS; t != nil {
		for key, data := range map[string][]byte{"client_cert_data": t.ClientCertData, "client_key_data": t.ClientKeyData, "server_ca_cert_data": t.ServerCACertData} {
			if len(data) > 0 {
				errs = append(errs, fmt.Errorf("tls.%s: not supported: give the PEM file's path in tls.%s instead (a file is reloaded when it is renewed)",
					key, strings.Replace(key, "_data", "_path", 1)))
			}
		}
	}
	if len(p.GRPCMeta) > 0 {
		errs = append(errs, errors.New("grpc_meta: not supported by pathways"))
	}
	if p.Authority != "" {
		errs = append(errs, errors.New("authority: not supported by pathways"))
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func profileNames(conf envconfig.ClientConfig) string {
	if len(conf.Profiles) == 0 {
		return "no profiles"
	}
	return "profiles " + strings.Join(sortedKeys(conf.Profiles), ", ")
}

// eachPrefixed returns the errors joined in err (or err itself), each wrapped as "prefix: error",
// so that every line of a joined message names where it comes from.
func eachPrefixed(err error, prefix string) []error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok { // the errors of errors.Join itself, not of a chain
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s: %w", prefix, e)
	}
	return out
}
