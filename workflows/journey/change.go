package journey

import (
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// change is one decided transition: the next state and the facts to record, not yet stored.
// Decisions are pure: they read the state, the pinned definition and the workflow time, and write
// only to their change.
type change struct {
	s *State
	// base is the stream revision the decision was made on: the expected revision of its append.
	base  int64
	def   *pathway.Definition
	now   time.Time
	reqID string
	// actor is who asked for the change (the request's RequestedBy); "" for the workflow's own
	// changes (clocks, the referral).
	actor  string
	events []proto.Message
	pushes []pendingPush
	// interventionID is the intervention a ScheduleIntervention created.
	interventionID string
	// admissionID is the admission a RecordAdmission recorded.
	admissionID string
	// gates are the workflow code versions the handler decided under.
	gates gates
}

// pendingPush is an ingest request about events[event]; its event_id is set once the event has
// its ID.
type pendingPush struct {
	target PushTarget
	event  int
	msg    proto.Message
}

func newChange(s *State, def *pathway.Definition, now time.Time, reqID string) *change {
	return &change{s: s.clone(), base: s.Revision, def: def, now: now, reqID: reqID}
}

func (c *change) emit(m proto.Message) int {
	c.events = append(c.events, m)
	return len(c.events) - 1
}

func (c *change) ts() *timestamppb.Timestamp { return timestamppb.New(c.now) }

func (c *change) pathwayRef() *journeyv1.PathwayRef {
	return &journeyv1.PathwayRef{PathwayId: c.s.PathwayID, Version: int32(c.s.Version)}
}

// dashboard queues a dashboard fact about events[event].
func (c *change) dashboard(event int, set func(*dashboardv1.RecordJourneyFactRequest)) {
	r := &dashboardv1.RecordJourneyFactRequest{
		JourneyId:  c.s.JourneyID,
		Pathway:    c.pathwayRef(),
		PcnOdsCode: c.s.PCN,
		Segment:    c.s.Segment,
		OccurredAt: c.ts(),
	}
	set(r)
	c.pushes = append(c.pushes, pendingPush{target: PushDashboardFact, event: event, msg: r})
}

// financeActivity queues the charge of a delivered intervention.
func (c *change) financeActivity(event int, iv Intervention) {
	c.pushes = append(c.pushes, pendingPush{target: PushFinanceActivity, event: event, msg: &financev1.RecordActivityRequest{
		JourneyId:        c.s.JourneyID,
		Pathway:          c.pathwayRef(),
		InterventionId:   iv.ID,
		InterventionCode: iv.Code,
		Provider:         iv.Provider,
		UnitPricePence:   iv.UnitPricePence,
		OccurredAt:       c.ts(),
		PcnOdsCode:       c.s.PCN,
		Segment:          c.s.Segment,
	}})
}

// financeOutcome queues an outcome for outcome incentives.
func (c *change) financeOutcome(event int, point string, ms []*journeyv1.Measure) {
	c.pushes = append(c.pushes, pendingPush{target: PushFinanceOutcome, event: event, msg: &financev1.RecordOutcomeRequest{
		JourneyId:       c.s.JourneyID,
		Pathway:         c.pathwayRef(),
		CollectionPoint: point,
		Measures:        ms,
		OccurredAt:      c.ts(),
		PcnOdsCode:      c.s.PCN,
		Segment:         c.s.Segment,
	}})
}

func measuresProto(scores []Score) []*journeyv1.Measure {
	out := make([]*journeyv1.Measure, len(scores))
	for i, sc := range scores {
		out[i] = &journeyv1.Measure{Code: sc.Measure, Value: sc.Value, Scale: sc.Scale}
	}
	return out
}

func timePtr(t time.Time) *time.Time { return &t }
