package eventstore_test

import (
	"testing"

	"github.com/nhs-pathways/pathways/events/eventstoretest"
)

// TestConformance runs the shared event store conformance suite against
// this server, in memory and durable on Pebble.
func TestConformance(t *testing.T) {
	tests := []struct {
		name string
		dir  func(*testing.T) string
	}{
		{"in memory", func(*testing.T) string { return "" }},
		{"durable", func(t *testing.T) string { return t.TempDir() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := startServer(t, tt.dir(t))
			eventstoretest.Run(t, srv.URL())
		})
	}
}
