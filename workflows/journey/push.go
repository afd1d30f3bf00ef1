package journey

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// pushLoop pushes the outbox to the ingest services in order, one at a time, as activities: the
// pushes a change's commit did not deliver (see storeChange), or all of them in runs from before
// changeCommitPushes. A push is retried until the receiver takes it; receivers apply each event
// ID once, so a push repeated after a continue-as-new or a worker crash counts once. A push the
// receiver rejects for good (same ID, different content) is logged and dropped so the rest still
// flow.
func (j *journey) pushLoop(ctx workflow.Context) {
	log := workflow.GetLogger(ctx)
	for {
		if err := workflow.Await(ctx, func() bool { return len(j.outbox) > 0 }); err != nil {
			return
		}
		p := j.outbox[0]
		if err := j.push(ctx, p); err != nil {
			if temporal.IsCanceledError(err) {
				return
			}
			log.Error("ingest push dropped", "target", string(p.Target), "eventId", p.EventID, "error", err)
		}
		j.outbox = j.outbox[1:]
	}
}

func (j *journey) push(ctx workflow.Context, p Push) error {
	ctx = workflow.WithActivityOptions(withSpan(ctx, p.span), pushOptions())
	activity, msg, err := pushCall(p)
	if err != nil {
		return err
	}
	return workflow.ExecuteActivity(ctx, activity, msg).Get(ctx, nil)
}

// pushOptions retry a push without limit: the receivers may be down for a while, and a fact must
// not be lost.
func pushOptions() workflow.ActivityOptions {
	o := activityOptions()
	o.RetryPolicy.MaximumInterval = 5 * time.Minute
	return o
}
