package journey

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays journeys recorded on a real Temporal server (see
// workflows/integration, `go test -tags recordhistory`). A change to the workflow that would break
// journeys already in flight fails here: guard it with workflow.GetVersion, then record anew.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*_journey.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no recorded histories in testdata")
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			RegisterWorkflow(replayer)
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(logger, f))
		})
	}
}
