package integration

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events"
)

func mustJournal(t *testing.T, url string) *events.Journal {
	t.Helper()
	j, err := events.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}
