package config_test

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/config"
)

// settings is a binary's configuration for the tests.
type settings struct {
	Listen  string
	Seed    bool
	Every   time.Duration
	Workers int
}

func load(t *testing.T, env map[string]string, args ...string) (settings, *bytes.Buffer, *config.FlagSet, error) {
	t.Helper()
	s := settings{Listen: "127.0.0.1:9102", Seed: true, Every: time.Minute, Workers: 4}
	var out bytes.Buffer
	fs := config.New("governance", func(k string) string { return env[k] }, &out)
	fs.Summary("governance serves the pathway registry.")
	fs.String(&s.Listen, "listen", "GOVERNANCE_LISTEN", "gRPC address")
	fs.Bool(&s.Seed, "seed-builtin", "GOVERNANCE_SEED_BUILTIN", "seed the built-in pathways")
	fs.Duration(&s.Every, "every", "GOVERNANCE_EVERY", "how often")
	fs.Int(&s.Workers, "workers", "", "how many (no variable)")
	err := fs.Parse(args)
	return s, &out, fs, err
}

func TestFlagsOverEnvironmentOverDefaults(t *testing.T) {
	defaults := settings{Listen: "127.0.0.1:9102", Seed: true, Every: time.Minute, Workers: 4}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want settings
	}{
		{"defaults", nil, nil, defaults},
		{"the environment over the defaults", map[string]string{"GOVERNANCE_LISTEN": "127.0.0.1:1", "GOVERNANCE_SEED_BUILTIN": "false", "GOVERNANCE_EVERY": "5s"}, nil,
			settings{Listen: "127.0.0.1:1", Every: 5 * time.Second, Workers: 4}},
		{"an empty variable counts as unset", map[string]string{"GOVERNANCE_LISTEN": "", "GOVERNANCE_SEED_BUILTIN": "", "GOVERNANCE_EVERY": ""}, nil, defaults},
		{"flags over the environment", map[string]string{"GOVERNANCE_LISTEN": "127.0.0.1:1"}, []string{"-listen", "127.0.0.1:2", "-workers", "9"},
			settings{Listen: "127.0.0.1:2", Seed: true, Every: time.Minute, Workers: 9}},
		{"an empty flag value is a value", map[string]string{"GOVERNANCE_LISTEN": "127.0.0.1:1"}, []string{"-listen="},
			settings{Seed: true, Every: time.Minute, Workers: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, fs, err := load(t, tt.env, tt.args...)
			require.NoError(t, err)
			require.NoError(t, fs.Check())
			require.Equal(t, tt.want, got)
		})
	}
}

func TestHelpAndVersionAreRequestsNotErrors(t *testing.T) {
	tests := []struct {
		args []string
		want error
		out  []string
	}{
		{[]string{"-h"}, config.ErrHelp, []string{"governance serves the pathway registry.", "-listen string [GOVERNANCE_LISTEN]", `(default "127.0.0.1:9102")`,
			"-log-format string [PATHWAYS_LOG_FORMAT]", "-version", "-workers int\n"}},
		{[]string{"-help"}, config.ErrHelp, []string{"Usage: governance [flags]"}},
		{[]string{"--version"}, config.ErrVersion, []string{"governance ", " go1."}},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			_, out, _, err := load(t, map[string]string{"GOVERNANCE_SEED_BUILTIN": "perhaps"}, tt.args...)
			require.ErrorIs(t, err, tt.want)
			require.True(t, config.Done(err))
			for _, want := range tt.out {
				require.Contains(t, out.String(), want)
			}
		})
	}
	require.False(t, config.Done(nil))
}

func TestEveryProblemIsListedAtOnce(t *testing.T) {
	_, _, fs, err := load(t, map[string]string{"GOVERNANCE_SEED_BUILTIN": "perhaps", "GOVERNANCE_EVERY": "soon", config.EnvLogLevel: "loud"},
		"-log-format", "xml", "stray")
	require.NoError(t, err, "malformed values are kept for Check")
	err = fs.Check(nil, errFromValidate)
	for _, want := range []string{`GOVERNANCE_SEED_BUILTIN: must be true or false, not "perhaps"`, `GOVERNANCE_EVERY: must be a duration such as 90s or 5m, not "soon"`,
		`log-format: must be json or text, not "xml"`, `unexpected arguments after the flags: ["stray"]`, `log-level: must be debug, info, warn or error, not "loud"`, "listen: must be host:port"} {
		require.ErrorContains(t, err, want)
	}

	_, _, _, err = load(t, nil, "-no-such-flag")
	require.ErrorContains(t, err, "flag provided but not defined: -no-such-flag")
	require.False(t, config.Done(err))
}

var errFromValidate = errors.New("listen: must be host:port")

func TestLogFlagsSetTheDefaultLogger(t *testing.T) {
	previous := slog.Default()
	t.Cleanup(func() { slog.SetDefault(previous) })
	tests := []struct {
		args                  []string
		debugEnabled, errorOn bool
	}{
		{[]string{"-log-level", "debug", "-log-format", "json"}, true, true},
		{[]string{"-log-level", "error"}, false, true},
	}
	for _, tt := range tests {
		_, _, fs, err := load(t, nil, tt.args...)
		require.NoError(t, err)
		require.NoError(t, fs.Check())
		require.Equal(t, tt.debugEnabled, slog.Default().Enabled(t.Context(), slog.LevelDebug))
		require.Equal(t, tt.errorOn, slog.Default().Enabled(t.Context(), slog.LevelError))
	}
	fs := config.New("bench", func(string) string { return "" }, &bytes.Buffer{})
	fs.DefaultLogLevel("warn")
	require.NoError(t, fs.Parse(nil))
	require.False(t, slog.Default().Enabled(t.Context(), slog.LevelInfo), "a binary may lower its default level")

	var buf bytes.Buffer
	logger, err := config.Logging{Format: "json", Level: "info"}.Logger(&buf)
	require.NoError(t, err)
	logger.Info("hello")
	require.Contains(t, buf.String(), `"msg":"hello"`)
}
