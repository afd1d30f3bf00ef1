package journey

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// CommitRequest appends a change's events, then offers the change's pushes to the receivers.
type CommitRequest struct {
	Append AppendRequest `json:"append"`
	Pushes []Push        `json:"pushes,omitempty"`
}

// CommitResult tells what became of each offered push, by its index in CommitRequest.Pushes.
type CommitResult struct {
	Pushes []PushOutcome `json:"pushes,omitempty"`
}

// PushOutcome is what a receiver made of an offered push.
type PushOutcome struct {
	// Taken: the receiver applied it (or already had it).
	Taken bool `json:"taken,omitempty"`
	// Rejected is the receiver's final refusal of the content (same ID, different payload;
	// invalid request). Neither taken nor rejected: not delivered yet, the push goes to the outbox.
	Rejected string `json:"rejected,omitempty"`
}

// tracerName names the spans of the offered pushes.
const tracerName = "github.com/nhs-pathways/pathways/workflows/journey"

// offerTimeout bounds each offered push, so a receiver that hangs holds the workflow task (and
// the answer of the update in it) for at most this long; the push then waits in the outbox.
const offerTimeout = 2 * time.Second

// CommitJourneyEvents appends the events as AppendJourneyEvents does (same errors, same
// idempotency), then offers the pushes once each: the receivers' calls run in parallel across
// receivers and in order within one, a receiver's later pushes are not offered after one it did
// not take. It never fails because of a push: the workflow keeps what was not taken in its outbox
// and sends it with retried activities. Receivers apply each event ID once, so a commit re-run
// after a lost answer counts once.
func (a *Activities) CommitJourneyEvents(ctx context.Context, req CommitRequest) (CommitResult, error) {
	if err := a.AppendJourneyEvents(ctx, req.Append); err != nil {
		return CommitResult{}, err
	}
	return CommitResult{Pushes: offer(ctx, req.Pushes, a.pushOnce)}, nil
}

// offer sends pushes with send: receivers in parallel, each receiver's pushes in order, stopping
// at a receiver's first push not taken.
func offer(ctx context.Context, pushes []Push, send func(context.Context, Push) error) []PushOutcome {
	out := make([]PushOutcome, len(pushes))
	byReceiver := map[string][]int{}
	var receivers []string
	for i, p := range pushes {
		r := p.Target.receiver()
		if _, ok := byReceiver[r]; !ok {
			receivers = append(receivers, r)
		}
		byReceiver[r] = append(byReceiver[r], i)
	}
	var wg sync.WaitGroup
	for _, r := range receivers {
		wg.Go(func() {
			for _, i := range byReceiver[r] {
				out[i] = offerOne(ctx, pushes[i], send)
				if !out[i].Taken && out[i].Rejected == "" {
					return
				}
			}
		})
	}
	wg.Wait()
	return out
}

func offerOne(ctx context.Context, p Push, send func(context.Context, Push) error) PushOutcome {
	ctx, cancel := context.WithTimeout(ctx, offerTimeout)
	defer cancel()
	ctx, span := otel.Tracer(tracerName).Start(ctx, "journey.push "+string(p.Target), trace.WithAttributes(
		attribute.String("journey.push.target", string(p.Target)), attribute.String("journey.push.event_id", p.EventID)))
	defer span.End()
	err := send(ctx, p)
	switch {
	case err == nil:
		return PushOutcome{Taken: true}
	case !retryable(err):
		span.SetStatus(codes.Error, err.Error())
		return PushOutcome{Rejected: err.Error()}
	}
	span.SetStatus(codes.Error, err.Error())
	return PushOutcome{}
}

// pushOnce sends one push to its receiver.
func (a *Activities) pushOnce(ctx context.Context, p Push) error {
	_, msg, err := pushCall(p)
	if err != nil {
		return err
	}
	switch m := msg.(type) {
	case *financev1.RecordActivityRequest:
		return a.PushFinanceActivity(ctx, m)
	case *financev1.RecordOutcomeRequest:
		return a.PushFinanceOutcome(ctx, m)
	case *dashboardv1.RecordJourneyFactRequest:
		return a.PushDashboardFact(ctx, m)
	}
	return refuse(ErrIngestRejected, "unknown push target %q", p.Target)
}

// receiver names the service a push target calls.
func (t PushTarget) receiver() string {
	if t == PushDashboardFact {
		return "dashboard"
	}
	return "finance"
}

// storeChange appends a change's events and, when nothing older waits in the outbox, offers its
// pushes in the same local activity (changeCommitPushes). It returns the pushes still to send, in
// order, and logs the ones a receiver refused for good (as the push loop does).
func (j *journey) storeChange(ctx workflow.Context, req AppendRequest, pushes []Push) ([]Push, error) {
	if workflow.GetVersion(ctx, changeCommitPushes, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return pushes, appendEvents(ctx, req)
	}
	creq := CommitRequest{Append: req}
	if len(j.outbox) == 0 {
		creq.Pushes = pushes
	}
	var res CommitResult
	lctx := workflow.WithLocalActivityOptions(ctx, localAppendOptions())
	if err := workflow.ExecuteLocalActivity(lctx, acts.CommitJourneyEvents, creq).Get(lctx, &res); err != nil {
		return nil, err
	}
	var rest []Push
	for i, p := range pushes {
		var o PushOutcome // not offered (the outbox was not empty): not delivered
		if i < len(res.Pushes) {
			o = res.Pushes[i]
		}
		switch {
		case o.Taken:
		case o.Rejected != "":
			workflow.GetLogger(ctx).Error("ingest push dropped", "target", string(p.Target), "eventId", p.EventID, "error", o.Rejected)
		default:
			rest = append(rest, p)
		}
	}
	return rest, nil
}

// pushCall is the activity and decoded request of a push.
func pushCall(p Push) (any, proto.Message, error) {
	var activity any
	var msg proto.Message
	switch p.Target {
	case PushFinanceActivity:
		activity, msg = acts.PushFinanceActivity, &financev1.RecordActivityRequest{}
	case PushFinanceOutcome:
		activity, msg = acts.PushFinanceOutcome, &financev1.RecordOutcomeRequest{}
	case PushDashboardFact:
		activity, msg = acts.PushDashboardFact, &dashboardv1.RecordJourneyFactRequest{}
	default:
		return nil, nil, refuse(ErrIngestRejected, "unknown push target %q", p.Target)
	}
	if err := proto.Unmarshal(p.Payload, msg); err != nil {
		return nil, nil, refuse(ErrIngestRejected, "decode %s push %s: %v", p.Target, p.EventID, err)
	}
	return activity, msg, nil
}
