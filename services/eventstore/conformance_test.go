package eventstore_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events/eventstoretest"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
)

// TestConformance runs the shared event store conformance suite against
// this server, in memory and durable on Pebble, insecure and with TLS and
// authentication on (as the admin user: esdb://admin:changeit@...?tls=true).
func TestConformance(t *testing.T) {
	tests := []struct {
		name   string
		dir    func(*testing.T) string
		secure bool
	}{
		{"in memory", func(*testing.T) string { return "" }, false},
		{"durable", func(t *testing.T) string { return t.TempDir() }, false},
		{"in memory, TLS and authentication", func(*testing.T) string { return "" }, true},
		{"durable, TLS and authentication", func(t *testing.T) string { return t.TempDir() }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			opts := embedded.Options{DataDir: dir, InMemory: dir == ""}
			if tt.secure {
				opts.Security = &embedded.Security{}
			}
			srv, err := embedded.Start(t.Context(), opts)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, srv.Close()) })
			if tt.secure {
				require.True(t, strings.HasPrefix(srv.URL(), "esdb://admin:changeit@127.0.0.1:"), srv.URL())
				require.Contains(t, srv.URL(), "?tls=true&tlsCAFile=")
			}
			eventstoretest.Run(t, srv.URL())
		})
	}
}
