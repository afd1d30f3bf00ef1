package journey

import (
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// rttListens reports whether the pinned RTT clock reacts to ev in the given list.
func rttIn(def *pathway.Definition, pick func(*pathway.RTTClock) []pathway.Event, ev pathway.Event) bool {
	return def.SLA.RTT != nil && slices.Contains(pick(def.SLA.RTT), ev)
}

func startsOn(r *pathway.RTTClock) []pathway.Event    { return r.StartsOn }
func stopsOn(r *pathway.RTTClock) []pathway.Event     { return r.StopsOn }
func nullifiedBy(r *pathway.RTTClock) []pathway.Event { return r.NullifiedBy }

// startRTT starts a new 18-week (or the version's) clock unless one is running.
func (c *change) startRTT(trigger string) {
	if c.def.SLA.RTT == nil || c.s.RTT.Status == RTTRunning {
		return
	}
	weeks := c.def.SLA.RTT.Weeks
	breach := addDays(c.now, 7*weeks, pathway.CalendarDays)
	c.s.RTT = RTTState{Status: RTTRunning, StartedAt: timePtr(c.now), BreachAt: timePtr(breach)}
	i := c.emit(&journeyv1.RTTClockStarted{
		JourneyId: c.s.JourneyID, RequestId: c.reqID, StartedAt: c.ts(),
		BreachAt: timestamppb.New(breach), Trigger: trigger, Weeks: int32(weeks),
	})
	c.rttFact(i, dashboardv1.RTTStatus_RTT_STATUS_STARTED)
}

// stopRTT stops a running clock.
func (c *change) stopRTT(reason string) {
	if c.s.RTT.Status != RTTRunning {
		return
	}
	started := *c.s.RTT.StartedAt
	c.s.RTT.Status, c.s.RTT.StoppedAt, c.s.RTT.Reason = RTTStopped, timePtr(c.now), reason
	i := c.emit(&journeyv1.RTTClockStopped{
		JourneyId: c.s.JourneyID, RequestId: c.reqID, StartedAt: timestamppb.New(started),
		StoppedAt: c.ts(), Reason: reason, DaysWaited: int32(daysBetween(started, c.now)),
	})
	c.rttFact(i, dashboardv1.RTTStatus_RTT_STATUS_STOPPED)
}

// nullifyRTT nullifies a running clock; the next booking starts a new one.
func (c *change) nullifyRTT(reason string) {
	if c.s.RTT.Status != RTTRunning {
		return
	}
	started := *c.s.RTT.StartedAt
	c.s.RTT.Status, c.s.RTT.StoppedAt, c.s.RTT.Reason = RTTNullified, timePtr(c.now), reason
	c.s.RTT.RestartOnRebooking = true
	i := c.emit(&journeyv1.RTTClockNullified{
		JourneyId: c.s.JourneyID, RequestId: c.reqID, StartedAt: timestamppb.New(started),
		NullifiedAt: c.ts(), Reason: reason,
	})
	c.rttFact(i, dashboardv1.RTTStatus_RTT_STATUS_NULLIFIED)
}

func (c *change) rttFact(event int, status dashboardv1.RTTStatus) {
	var started *timestamppb.Timestamp
	days := 0
	if c.s.RTT.StartedAt != nil {
		started = timestamppb.New(*c.s.RTT.StartedAt)
		days = daysBetween(*c.s.RTT.StartedAt, c.now)
	}
	c.dashboard(event, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Rtt{Rtt: &dashboardv1.RTTStatusFact{
			Status: status, StartedAt: started, DaysWaited: int32(days),
		}}
	})
}

// tick records every clock that has fallen due by now: triage breach, RTT breach, follow-ups due,
// and the close of a discharged journey whose follow-up window has passed.
func (c *change) tick() {
	s := c.s
	if s.Status == StatusActive && s.Triage.CompletedAt == nil && !s.Triage.Breached &&
		!s.Triage.DueAt.IsZero() && !c.now.Before(s.Triage.DueAt) {
		s.Triage.Breached = true
		i := c.emit(&journeyv1.TriageBreached{JourneyId: s.JourneyID, DueAt: timestamppb.New(s.Triage.DueAt), OccurredAt: c.ts()})
		c.dashboard(i, func(r *dashboardv1.RecordJourneyFactRequest) {
			r.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{Breached: true}}
		})
	}
	if s.Status == StatusActive && s.RTT.Status == RTTRunning && !s.RTT.Breached && !c.now.Before(*s.RTT.BreachAt) {
		s.RTT.Breached = true
		i := c.emit(&journeyv1.RTTClockBreached{
			JourneyId: s.JourneyID, StartedAt: timestamppb.New(*s.RTT.StartedAt),
			BreachAt: timestamppb.New(*s.RTT.BreachAt), Weeks: int32(c.def.SLA.RTT.Weeks), OccurredAt: c.ts(),
		})
		c.rttFact(i, dashboardv1.RTTStatus_RTT_STATUS_BREACHED)
	}
	if s.Status != StatusDischarged {
		return
	}
	for k := range s.FollowUps {
		f := &s.FollowUps[k]
		if !f.Due && !c.now.Before(f.DueAt) {
			f.Due = true
			c.emit(&journeyv1.FollowUpDue{
				JourneyId: s.JourneyID, CollectionPoint: f.Point, Measures: f.Measures,
				DueAt: timestamppb.New(f.DueAt), OccurredAt: c.ts(),
			})
		}
	}
	if s.CloseAt != nil && !c.now.Before(*s.CloseAt) {
		c.close()
	}
}

// close finishes a discharged journey.
func (c *change) close() {
	c.s.Status = StatusClosed
	c.emit(&journeyv1.JourneyClosed{JourneyId: c.s.JourneyID, OccurredAt: c.ts(), Stage: c.s.Stage})
}

// nextDeadline returns the earliest clock still to fall due, if any.
func nextDeadline(s *State) (time.Time, bool) {
	var next time.Time
	consider := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	if s.Status == StatusActive && s.Triage.CompletedAt == nil && !s.Triage.Breached && !s.Triage.DueAt.IsZero() {
		consider(s.Triage.DueAt)
	}
	if s.Status == StatusActive && s.RTT.Status == RTTRunning && !s.RTT.Breached {
		consider(*s.RTT.BreachAt)
	}
	if s.Status == StatusDischarged {
		for _, f := range s.FollowUps {
			if !f.Due {
				consider(f.DueAt)
			}
		}
		if s.CloseAt != nil {
			consider(*s.CloseAt)
		}
	}
	return next, !next.IsZero()
}
