package journey

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// pushLoop pushes the outbox to the ingest services in order, one at a time. A push is retried
// until the receiver takes it; receivers apply each event ID once, so a push repeated after a
// continue-as-new or a worker crash counts once. A push the receiver rejects for good (same ID,
// different content) is logged and dropped so the rest still flow.
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
	switch p.Target {
	case PushFinanceActivity:
		return execPush(ctx, acts.PushFinanceActivity, p, &financev1.RecordActivityRequest{})
	case PushFinanceOutcome:
		return execPush(ctx, acts.PushFinanceOutcome, p, &financev1.RecordOutcomeRequest{})
	case PushDashboardFact:
		return execPush(ctx, acts.PushDashboardFact, p, &dashboardv1.RecordJourneyFactRequest{})
	}
	return refuse(ErrIngestRejected, "unknown push target %q", p.Target)
}

func execPush(ctx workflow.Context, activity any, p Push, msg proto.Message) error {
	if err := proto.Unmarshal(p.Payload, msg); err != nil {
		return refuse(ErrIngestRejected, "decode %s push %s: %v", p.Target, p.EventID, err)
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
