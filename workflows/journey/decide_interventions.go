package journey

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// interventionStage returns the stage in which the intervention may be booked: the current stage
// if it offers it, else the first next stage that does (the booking moves the journey there).
func interventionStage(s *State, def *pathway.Definition, code string) (string, bool) {
	candidates := append([]string{s.Stage}, def.NextStages(s.Stage)...)
	for _, id := range candidates {
		for _, iv := range def.InterventionsAt(id) {
			if iv.ID == code {
				return id, true
			}
		}
	}
	return "", false
}

func checkSchedule(s *State, def *pathway.Definition, req ScheduleInterventionRequest) error {
	if err := requireActive(s); err != nil {
		return err
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	if _, ok := def.Intervention(req.Intervention); !ok {
		return invalidRequest("intervention", fmt.Sprintf("%q is not in the catalogue of %s v%d", req.Intervention, def.ID, def.Version))
	}
	if req.ScheduledFor.IsZero() {
		return invalidRequest("scheduledFor", "is required")
	}
	stage, ok := interventionStage(s, def, req.Intervention)
	if !ok {
		return refuse(ErrInvalidTransition, "intervention %q is not offered at stage %q or the stages after it", req.Intervention, s.Stage)
	}
	scores := latestScores(s, nil)
	if stage != s.Stage {
		if ok, why := def.CanEnter(stage, scores); !ok {
			return refuse(ErrNotEligible, "stage %q cannot be entered: %s", stage, strings.Join(why, "; "))
		}
	}
	if ok, why := def.Eligible(req.Intervention, scores); !ok {
		return refuse(ErrNotEligible, "not eligible for %q: %s", req.Intervention, strings.Join(why, "; "))
	}
	return nil
}

func decideSchedule(c *change, req ScheduleInterventionRequest) {
	s := c.s
	item, _ := c.def.Intervention(req.Intervention)
	s.Stage, _ = interventionStage(s, c.def, req.Intervention)
	if s.RTT.RestartOnRebooking {
		s.RTT.RestartOnRebooking = false
		c.startRTT("rebooked-after-dna")
	}
	iv := Intervention{
		ID: fmt.Sprintf("iv-%d", len(s.Interventions)+1), Code: item.ID, Provider: item.Provider,
		UnitPricePence: item.UnitPricePence, Status: InterventionScheduled, ScheduledFor: req.ScheduledFor.UTC(),
	}
	first := s.RTT.Status == RTTRunning && s.RTT.FirstAppointment == ""
	if first {
		s.RTT.FirstAppointment = iv.ID
	}
	s.Interventions = append(s.Interventions, iv)
	c.interventionID = iv.ID
	i := c.emit(&journeyv1.InterventionScheduled{
		JourneyId: s.JourneyID, RequestId: c.reqID, InterventionId: iv.ID, Code: iv.Code, Provider: iv.Provider,
		ScheduledFor: timestamppb.New(iv.ScheduledFor), FirstAppointment: first, OccurredAt: c.ts(), Stage: s.Stage,
	})
	c.interventionFact(i, iv, dashboardv1.InterventionStatus_INTERVENTION_STATUS_SCHEDULED)
}

// checkIntervention validates a request on a booked intervention in one of the allowed statuses.
func checkIntervention(s *State, req InterventionRequest, allowed ...InterventionStatus) error {
	if err := requireActive(s); err != nil {
		return err
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	k, ok := s.intervention(req.InterventionID)
	if !ok {
		return invalidRequest("interventionId", fmt.Sprintf("%q is not an intervention of journey %s", req.InterventionID, s.JourneyID))
	}
	for _, st := range allowed {
		if s.Interventions[k].Status == st {
			return nil
		}
	}
	return refuse(ErrInvalidTransition, "intervention %s is %s", req.InterventionID, s.Interventions[k].Status)
}

func decideStartIntervention(c *change, req InterventionRequest) {
	k, _ := c.s.intervention(req.InterventionID)
	iv := &c.s.Interventions[k]
	iv.Status, iv.StartedAt = InterventionStarted, timePtr(c.now)
	i := c.emit(&journeyv1.InterventionStarted{
		JourneyId: c.s.JourneyID, RequestId: c.reqID, InterventionId: iv.ID, Code: iv.Code, OccurredAt: c.ts(), Stage: c.s.Stage,
	})
	c.interventionFact(i, *iv, dashboardv1.InterventionStatus_INTERVENTION_STATUS_STARTED)
	c.definitiveTreatment(iv.Code)
}

func decideCompleteIntervention(c *change, req InterventionRequest) {
	k, _ := c.s.intervention(req.InterventionID)
	iv := &c.s.Interventions[k]
	if iv.StartedAt == nil {
		iv.StartedAt = timePtr(c.now)
	}
	iv.Status, iv.CompletedAt = InterventionCompleted, timePtr(c.now)
	i := c.emit(&journeyv1.InterventionCompleted{
		JourneyId: c.s.JourneyID, RequestId: c.reqID, InterventionId: iv.ID, Code: iv.Code, Provider: iv.Provider,
		UnitPricePence: iv.UnitPricePence, OccurredAt: c.ts(), Stage: c.s.Stage,
	})
	c.financeActivity(i, *iv)
	c.interventionFact(i, *iv, dashboardv1.InterventionStatus_INTERVENTION_STATUS_COMPLETED)
	c.definitiveTreatment(iv.Code)
}

// definitiveTreatment stops the RTT clock when a definitive treatment is delivered.
func (c *change) definitiveTreatment(code string) {
	if item, ok := c.def.Intervention(code); ok && item.DefinitiveTreatment &&
		rttIn(c.def, stopsOn, pathway.EventFirstDefinitiveTreatment) {
		c.stopRTT(string(pathway.EventFirstDefinitiveTreatment))
	}
}

func decideDidNotAttend(c *change, req InterventionRequest) {
	s := c.s
	k, _ := s.intervention(req.InterventionID)
	iv := &s.Interventions[k]
	iv.Status = InterventionDidNotAttend
	first := s.RTT.Status == RTTRunning && s.RTT.FirstAppointment == iv.ID
	i := c.emit(&journeyv1.DidNotAttend{
		JourneyId: s.JourneyID, RequestId: c.reqID, InterventionId: iv.ID, FirstAppointment: first, OccurredAt: c.ts(),
	})
	c.interventionFact(i, *iv, dashboardv1.InterventionStatus_INTERVENTION_STATUS_DID_NOT_ATTEND)
	if first && rttIn(c.def, nullifiedBy, pathway.EventDNAFirstAppointment) {
		c.nullifyRTT(string(pathway.EventDNAFirstAppointment))
	}
}

func (c *change) interventionFact(event int, iv Intervention, status dashboardv1.InterventionStatus) {
	c.dashboard(event, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Intervention{Intervention: &dashboardv1.InterventionFact{
			InterventionId: iv.ID, Code: iv.Code, Provider: iv.Provider, Status: status, UnitPricePence: iv.UnitPricePence,
		}}
	})
}
