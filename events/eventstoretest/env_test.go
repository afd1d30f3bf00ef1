package eventstoretest_test

import (
	"os"
	"testing"

	"github.com/nhs-pathways/pathways/events/eventstoretest"
)

// TestConformance runs the suite against the server named by EVENTSTORE_URL, for example
// EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false' go test ./eventstoretest/. CI runs the suite
// against our own server from the services/eventstore module instead.
func TestConformance(t *testing.T) {
	url := os.Getenv("EVENTSTORE_URL")
	if url == "" {
		t.Skip("EVENTSTORE_URL is not set: set it to an esdb:// connection string to run the conformance suite against that server")
	}
	eventstoretest.Run(t, url)
}
