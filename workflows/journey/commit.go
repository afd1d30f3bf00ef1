package journey

import (
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/nhs-pathways/pathways/events"
)

// commit stores a decided change: its events are appended to the journey stream (expected
// revision = the state's, event IDs = journey ID + stream position) and its pushes offered to the
// receivers in the same local activity; then the state moves on and the pushes not delivered join
// the outbox. Nothing changes in the workflow unless the append succeeded. Callers hold j.mu.
func (j *journey) commit(ctx workflow.Context, c *change) error {
	if len(c.events) == 0 {
		j.s, j.def = c.s, c.def
		return nil
	}
	req, err := j.appendRequest(c)
	if err != nil {
		return err
	}
	pushes := make([]Push, len(c.pushes))
	for i, p := range c.pushes {
		if pushes[i], err = encodePush(p, req.Events[p.event].ID); err != nil {
			return err
		}
		pushes[i].span = currentSpan(ctx)
	}
	rest, err := j.storeChange(ctx, req, pushes)
	if err != nil {
		return fmt.Errorf("append journey events: %w", err)
	}
	c.s.Revision = c.base + int64(len(c.events))
	j.outbox = append(j.outbox, rest...)
	j.s, j.def = c.s, c.def
	j.commits++
	return j.upsertSearchAttributes(ctx, false)
}

// appendRequest encodes the change's events with their deterministic IDs.
func (j *journey) appendRequest(c *change) (AppendRequest, error) {
	req := AppendRequest{JourneyID: c.s.JourneyID, ExpectedRevision: c.base, RequestID: c.reqID, Actor: c.actor}
	for k, m := range c.events {
		pos := c.base + 1 + int64(k)
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			return AppendRequest{}, fmt.Errorf("encode %s: %w", m.ProtoReflect().Descriptor().FullName(), err)
		}
		req.Events = append(req.Events, EncodedEvent{
			ID:         eventID(c.s.JourneyID, pos),
			Type:       string(m.ProtoReflect().Descriptor().FullName()),
			Data:       data,
			OccurredAt: c.now,
		})
	}
	return req, nil
}

// eventID is the deterministic ID of the journey's event at a stream position.
func eventID(journeyID string, pos int64) string {
	return events.EventID(events.JourneyCategory, journeyID, strconv.FormatInt(pos, 10)).String()
}

// encodePush sets the ingest request's event_id and encodes it for the outbox.
func encodePush(p pendingPush, id string) (Push, error) {
	msg := p.msg.ProtoReflect()
	msg.Set(msg.Descriptor().Fields().ByName("event_id"), protoreflect.ValueOfString(id))
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(p.msg)
	if err != nil {
		return Push{}, fmt.Errorf("encode %s push: %w", p.target, err)
	}
	return Push{Target: p.target, EventID: id, Payload: data}, nil
}

// appendEvents runs the append as a local activity, or as a regular activity in runs that began
// appending before that change (GetVersion changeLocalAppend).
func appendEvents(ctx workflow.Context, req AppendRequest) error {
	if workflow.GetVersion(ctx, changeLocalAppend, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return workflow.ExecuteActivity(ctx, acts.AppendJourneyEvents, req).Get(ctx, nil)
	}
	ctx = workflow.WithLocalActivityOptions(ctx, localAppendOptions())
	return workflow.ExecuteLocalActivity(ctx, acts.AppendJourneyEvents, req).Get(ctx, nil)
}

// localAppendOptions retry an append like the regular activity does (each attempt short, backing
// off to a minute) for as long as the event store may take to come back. Without a
// ScheduleToCloseTimeout the SDK bounds the whole local activity, retries included, by its
// StartToCloseTimeout: one slow attempt after an event store restart then failed the update for
// good, and every retry of it under the same request ID got that failure back. The options are
// not in the history, so replay is unchanged.
func localAppendOptions() workflow.LocalActivityOptions {
	o := activityOptions()
	return workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second, ScheduleToCloseTimeout: appendRetryWindow,
		RetryPolicy: o.RetryPolicy}
}

// appendRetryWindow is how long an append is retried while the event store does not answer;
// the update it belongs to waits (callers time out and retry with the same request ID, which
// joins the same update) and fails only after it.
const appendRetryWindow = 24 * time.Hour
