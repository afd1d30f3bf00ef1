package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRunMeasuresBothSides starts the devstack, runs a short benchmark at concurrency 2 and
// checks both sides completed transitions, without a single error, and the figures are printed.
func TestRunMeasuresBothSides(t *testing.T) {
	cfg := Config{Duration: time.Second, Warmup: 200 * time.Millisecond, Levels: []int{2}, DataDir: t.TempDir(), HistorySample: 6}
	var out bytes.Buffer
	rep, err := Run(t.Context(), cfg, &out)
	require.NoError(t, err, out.String())
	require.Len(t, rep.Levels, 1)
	l := rep.Levels[0]
	for name, s := range map[string]Sample{"ours": l.Ours, "floor": l.Floor} {
		require.Positive(t, s.Transitions, name)
		require.Zero(t, s.Errors, "%s: %s", name, s.FirstError)
		require.Positive(t, s.PerSecond(), name)
		require.Positive(t, s.Percentile(0.5), name)
		require.GreaterOrEqual(t, s.Percentile(0.99), s.Percentile(0.5), name)
	}
	require.Positive(t, l.Ratio())
	require.Greater(t, rep.OursHistory.PerTransition(), rep.FloorHistory.PerTransition(),
		"a journey transition records more history than a bare update")
	require.Equal(t, rep.OursHistory.Transitions, rep.OursHistory.ByType["WorkflowExecutionUpdateCompleted"], "one update per transition")
	require.Equal(t, rep.FloorHistory.Transitions, rep.FloorHistory.ByType["WorkflowExecutionUpdateCompleted"], "one update per transition")
	row := strings.Fields(lineStartingWith(t, out.String(), "2 "))
	require.Len(t, row, 10, out.String())
	require.Equal(t, []string{"0", "0"}, []string{row[4], row[8]}, "no errors on either side")
}

func lineStartingWith(t *testing.T, text, prefix string) string {
	t.Helper()
	for line := range strings.Lines(text) {
		if strings.HasPrefix(strings.TrimSpace(line), prefix) {
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("no line starting with %q in:\n%s", prefix, text)
	return ""
}
