package journey

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
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

// TestReplayEncryptedHistory replays a journey recorded with its payloads encrypted under the
// test key of testdata/encrypted (workflows/integration TestEncryptedJourneyHistory): the worker's
// converters (the codec and the failure converter) read it with the key, and cannot without it.
func TestReplayEncryptedHistory(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "encrypted", "payload-test-key.json"))
	require.NoError(t, err)
	key, err := payloadcrypt.ParseKeyring(data)
	require.NoError(t, err)
	history := filepath.Join("testdata", "encrypted", "msk_journey.json")
	replay := func(src payloadcrypt.KeySource) error {
		// The runs that cannot decode panic in the workflow task by design: their logs are noise.
		logger := log.NewStructuredLogger(slog.New(slog.DiscardHandler))
		var opts worker.WorkflowReplayerOptions
		if src != nil {
			dc := payloadcrypt.DataConverter(nil, payloadcrypt.NewCodec(src))
			opts.DataConverter, opts.FailureConverter = dc, payloadcrypt.FailureConverter(dc)
		}
		replayer, err := worker.NewWorkflowReplayerWithOptions(opts)
		require.NoError(t, err)
		RegisterWorkflow(replayer)
		return replayer.ReplayWorkflowHistoryFromJSONFile(logger, history)
	}
	require.NoError(t, replay(key), "with the test key")
	require.Error(t, replay(nil), "without a codec the encrypted input does not decode")
	other, err := payloadcrypt.Generate()
	require.NoError(t, err)
	require.Error(t, replay(other), "with another keyring the history does not decode")
}
