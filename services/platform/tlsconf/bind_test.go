package tlsconf_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

func TestCheckBind(t *testing.T) {
	loopback := []string{"127.0.0.1:1", "localhost:1", "[::1]:1", "127.0.0.2:1", ""}
	open := []string{":1", "0.0.0.0:1", "[::]:1", "10.0.0.1:1", "[2001:db8::1]:1", "example.org:1"}
	for _, addr := range loopback {
		require.NoError(t, tlsconf.CheckBind(addr, false, false), addr)
	}
	for _, addr := range open {
		err := tlsconf.CheckBind(addr, false, false)
		require.ErrorIs(t, err, tlsconf.ErrPlaintextBind, addr)
		require.ErrorContains(t, err, `"`+addr+`"`)
		require.ErrorContains(t, err, "-tls-cert")
		require.ErrorContains(t, err, "-insecure")
		require.NoError(t, tlsconf.CheckBind(addr, true, false), "with TLS: %s", addr)
		require.NoError(t, tlsconf.CheckBind(addr, false, true), "with -insecure: %s", addr)
	}
}

func TestSettingsCheckBind(t *testing.T) {
	var s tlsconf.Settings
	require.Error(t, s.CheckBind(":8080"))
	s.Server = tlsconf.Server{CertFile: "a.crt", KeyFile: "a.key"}
	require.NoError(t, s.CheckBind(":8080"))
	require.NoError(t, tlsconf.Settings{Insecure: true}.CheckBind(":8080"))
}
