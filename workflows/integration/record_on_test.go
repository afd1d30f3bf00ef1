//go:build recordhistory

package integration

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
)

// recordHistories: `go test -tags recordhistory ./...` writes ../journey/testdata/<name>_journey.json
// with the histories of the journeys the tests run, for the replay test in package journey. An
// existing file is kept: histories recorded by older workflow code must stay, so record new ones
// under new names (the tests pass the names).
const recordHistories = true

func recordHistory(t *testing.T, c client.Client, workflowID, name string) {
	t.Helper()
	it := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		h.Events = append(h.Events, ev)
	}
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
	require.NoError(t, err)
	path := filepath.Join("..", "journey", "testdata", name+"_journey.json")
	if _, err := os.Stat(path); err == nil {
		t.Logf("kept %s: it exists (record under a new name to add a history)", path)
		return
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
	require.NoError(t, os.WriteFile(path, append(data, '\n'), 0o644))
	t.Logf("recorded %d history events to %s", len(h.Events), path)
}
