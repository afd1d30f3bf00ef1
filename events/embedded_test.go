package events_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/events/eventstoretest"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
)

// startServer starts an in-memory embedded event store for the test.
func startServer(t *testing.T) *embedded.Server {
	t.Helper()
	srv, err := embedded.Start(context.Background(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// openJournal opens a Journal on srv, closed when the test ends.
func openJournal(t *testing.T, url string, opts ...events.Option) *events.Journal {
	t.Helper()
	j, err := events.Open(context.Background(), url, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

// TestConformanceOnEmbeddedServer runs the conformance suite against our own server, which every
// journal test here relies on.
func TestConformanceOnEmbeddedServer(t *testing.T) {
	eventstoretest.Run(t, startServer(t).URL())
}
