package journey

import (
	"fmt"
	"slices"
	"time"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Collection points with a meaning to the workflow; follow-ups are "follow-up-<n>m".
const (
	CollectionBaseline  = "baseline"
	CollectionDischarge = "discharge"
)

func checkOutcome(s *State, def *pathway.Definition, req OutcomeRequest) error {
	if !s.open() {
		return refuse(ErrJourneyClosed, "journey %s is %s", s.JourneyID, s.Status)
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	if err := requireText("collectionPoint", req.CollectionPoint); err != nil {
		return err
	}
	if len(req.Measures) == 0 {
		return invalidRequest("measures", "at least one measure is required")
	}
	return checkScores(def, "measures", req.Measures)
}

func decideOutcome(c *change, req OutcomeRequest) {
	s := c.s
	if s.Status == StatusActive && req.CollectionPoint == CollectionDischarge {
		for _, id := range c.def.NextStages(s.Stage) {
			if st, _ := c.def.Stage(id); st.Kind == pathway.KindOutcome {
				s.Stage = id
				break
			}
		}
	}
	c.recordScores(req.CollectionPoint, req.Measures)
	ms := measuresProto(req.Measures)
	i := c.emit(&journeyv1.OutcomeRecorded{
		JourneyId: s.JourneyID, RequestId: c.reqID, CollectionPoint: req.CollectionPoint, Measures: ms, OccurredAt: c.ts(), Stage: s.Stage,
	})
	c.financeOutcome(i, req.CollectionPoint, ms)
	c.dashboard(i, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Outcome{Outcome: &dashboardv1.OutcomeFact{
			CollectionPoint: req.CollectionPoint, Measures: measuresProto(req.Measures),
		}}
	})
	pending := 0
	for k := range s.FollowUps {
		if s.FollowUps[k].Point == req.CollectionPoint {
			s.FollowUps[k].Collected = true
		}
		if !s.FollowUps[k].Collected {
			pending++
		}
	}
	if s.Status == StatusDischarged && pending == 0 {
		c.close()
	}
}

// dischargeStage returns the discharge stage the journey may go to: want if given, else the first
// discharge stage reachable from the current stage (breadth first, authored order).
func dischargeStage(s *State, def *pathway.Definition, want string) (string, bool) {
	seen := []string{s.Stage}
	queue := []string{s.Stage}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, n := range def.NextStages(id) {
			if slices.Contains(seen, n) {
				continue
			}
			seen = append(seen, n)
			if def.IsTerminal(n) && (want == "" || want == n) {
				return n, true
			}
			queue = append(queue, n)
		}
	}
	return "", false
}

func checkDischarge(s *State, def *pathway.Definition, req DischargeRequest) error {
	if err := requireActive(s); err != nil {
		return err
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	if err := requireText("reason", req.Reason); err != nil {
		return err
	}
	if req.Stage != "" && !def.IsTerminal(req.Stage) {
		return invalidRequest("stage", fmt.Sprintf("%q is not a discharge stage of %s v%d", req.Stage, def.ID, def.Version))
	}
	if _, ok := dischargeStage(s, def, req.Stage); !ok {
		return refuse(ErrInvalidTransition, "no discharge stage is reachable from stage %q", s.Stage)
	}
	for _, iv := range s.Interventions {
		if iv.Status == InterventionScheduled || iv.Status == InterventionStarted {
			return refuse(ErrInvalidTransition, "intervention %s (%s) is still %s", iv.ID, iv.Code, iv.Status)
		}
	}
	if s.Triage.CompletedAt == nil {
		return nil // discharged before triage (e.g. diagnosis not confirmed): no outcome set is due
	}
	for _, m := range def.Discharge.RequiredMeasures {
		if !slices.ContainsFunc(s.Measures, func(r RecordedScore) bool { return r.Measure == m && r.CollectionPoint != CollectionBaseline }) {
			return refuse(ErrInvalidTransition, "measure %q must be recorded after baseline before discharge", m)
		}
	}
	return nil
}

func decideDischarge(c *change, req DischargeRequest, window time.Duration) {
	s := c.s
	s.Stage, _ = dischargeStage(s, c.def, req.Stage)
	c.stopRTT(string(pathway.EventDischarged))
	s.Status, s.DischargedAt = StatusDischarged, timePtr(c.now)
	i := c.emit(&journeyv1.Discharged{JourneyId: s.JourneyID, RequestId: c.reqID, Reason: req.Reason, OccurredAt: c.ts(), Stage: s.Stage,
		NoteSealed: req.NoteSealed})
	c.dashboard(i, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Discharge{Discharge: &dashboardv1.DischargeFact{Reason: req.Reason}}
	})
	s.FollowUps = followUps(c.def, c.now)
	if len(s.FollowUps) == 0 {
		c.close()
		return
	}
	s.CloseAt = timePtr(s.FollowUps[len(s.FollowUps)-1].DueAt.Add(window))
}

// followUps lists the follow-up collections of the pinned version after a discharge at t.
func followUps(def *pathway.Definition, t time.Time) []FollowUp {
	var out []FollowUp
	for _, m := range def.Discharge.FollowUpMonths {
		f := FollowUp{Point: fmt.Sprintf("follow-up-%dm", m), Months: m, DueAt: addMonths(t, m)}
		for _, ms := range def.Measures {
			if slices.Contains(ms.Collect.FollowUpMonths, m) {
				f.Measures = append(f.Measures, ms.ID)
			}
		}
		out = append(out, f)
	}
	return out
}

func checkCancel(s *State, req CancelRequest) error {
	if !s.open() {
		return refuse(ErrJourneyClosed, "journey %s is %s", s.JourneyID, s.Status)
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	return requireText("reason", req.Reason)
}

func decideCancel(c *change, req CancelRequest) {
	s := c.s
	s.Status = StatusCancelled
	i := c.emit(&journeyv1.JourneyCancelled{
		JourneyId: s.JourneyID, RequestId: c.reqID, Reason: req.Reason, OccurredAt: c.ts(), Stage: s.Stage, RequestedBy: req.RequestedBy,
		NoteSealed: req.NoteSealed,
	})
	c.dashboard(i, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Cancellation{Cancellation: &dashboardv1.CancellationFact{Reason: req.Reason}}
	})
}
