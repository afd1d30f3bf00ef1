package journey

import "go.temporal.io/sdk/workflow"

// Changes to the commands the workflow issues are guarded by workflow.GetVersion, so journeys
// recorded before a change replay as they ran. The handler reads the gates (in workflow code) and
// passes them to the pure decision in its change.
const (
	// changeBaselineOutcome: triage sends its baseline scores to finance as the "baseline"
	// outcome, so outcome incentives (improvement from baseline) can be earned.
	changeBaselineOutcome = "baseline-outcome-to-finance"
	// changeLocalAppend: the event-store append runs as a local activity (in the workflow task,
	// no activity task round trip through the server). Appends stay exactly-once: event IDs are
	// deterministic and the expected revision is checked, so a re-run append counts as done.
	changeLocalAppend = "append-as-local-activity"
	// changeCommitPushes: the local activity that appends a change's events also offers the
	// change's pushes to the receivers (CommitJourneyEvents), instead of the push loop sending each
	// as an activity (an activity task and a further workflow task, each a history write, per push).
	// What a receiver does not take at once waits in the outbox for the push loop, as before.
	changeCommitPushes = "commit-offers-pushes"
)

// gates are the GetVersion decisions a decision reads. The zero value is the original behaviour.
type gates struct {
	baselineOutcome bool
}

// currentGates asks GetVersion for every guarded decision. A marker is written once per run, at the
// first decision taken under the new code; a run that already decided without it keeps the
// original behaviour for the rest of the run.
func currentGates(ctx workflow.Context) gates {
	return gates{
		baselineOutcome: workflow.GetVersion(ctx, changeBaselineOutcome, workflow.DefaultVersion, 1) >= 1,
	}
}
