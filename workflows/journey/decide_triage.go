package journey

import (
	"fmt"
	"strings"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// requireActive refuses requests on a journey that is no longer in active care.
func requireActive(s *State) error {
	if s.Status != StatusActive {
		return refuse(ErrJourneyClosed, "journey %s is %s", s.JourneyID, s.Status)
	}
	return nil
}

func requireText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalidRequest(field, "is required")
	}
	return nil
}

// checkTriage validates a triage request against the state and the pinned version.
func checkTriage(s *State, def *pathway.Definition, req TriageRequest) error {
	if err := requireActive(s); err != nil {
		return err
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	if s.Triage.CompletedAt != nil {
		return refuse(ErrInvalidTransition, "journey %s was already triaged (%s)", s.JourneyID, s.Triage.Disposition)
	}
	d, ok := def.Disposition(req.Disposition)
	if !ok {
		return invalidRequest("disposition", fmt.Sprintf("%q is not a disposition of %s v%d", req.Disposition, def.ID, def.Version))
	}
	triage, ok := triageStage(s, def)
	if !ok {
		return refuse(ErrInvalidTransition, "no triage stage at or after stage %q", s.Stage)
	}
	if !def.CanTransition(triage, d.Stage) {
		return refuse(ErrInvalidTransition, "disposition %q leads to stage %q, which is not reachable from stage %q", d.ID, d.Stage, triage)
	}
	if err := checkScores(def, "baseline", req.Baseline); err != nil {
		return err
	}
	scores := latestScores(s, req.Baseline)
	for _, st := range []string{triage, d.Stage} {
		if st == s.Stage {
			continue
		}
		if ok, why := def.CanEnter(st, scores); !ok {
			return refuse(ErrNotEligible, "stage %q cannot be entered: %s", st, strings.Join(why, "; "))
		}
	}
	return nil
}

// triageStage is the stage triage happens in: the current stage if it is a triage stage, else
// the first triage stage it leads to (the journey passes through it).
func triageStage(s *State, def *pathway.Definition) (string, bool) {
	if st, ok := def.Stage(s.Stage); ok && st.Kind == pathway.KindTriage {
		return st.ID, true
	}
	for _, id := range def.NextStages(s.Stage) {
		if st, ok := def.Stage(id); ok && st.Kind == pathway.KindTriage {
			return id, true
		}
	}
	return "", false
}

// decideTriage records the disposition and baseline, moves to the disposition's stage and applies
// its RTT effect.
func decideTriage(c *change, req TriageRequest) {
	d, _ := c.def.Disposition(req.Disposition)
	s := c.s
	s.Stage = d.Stage
	s.Triage.CompletedAt, s.Triage.Disposition = timePtr(c.now), d.ID
	c.recordScores(CollectionBaseline, req.Baseline)
	late := !s.Triage.DueAt.IsZero() && c.now.After(s.Triage.DueAt)
	i := c.emit(&journeyv1.TriageCompleted{
		JourneyId: s.JourneyID, RequestId: c.reqID, Disposition: d.ID, Baseline: measuresProto(req.Baseline),
		OccurredAt: c.ts(), Stage: s.Stage, RequestedBy: req.RequestedBy, Late: late,
	})
	if c.gates.baselineOutcome && len(req.Baseline) > 0 {
		c.financeOutcome(i, CollectionBaseline, measuresProto(req.Baseline))
	}
	c.dashboard(i, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{
			Disposition: d.ID, Baseline: measuresProto(req.Baseline), Breached: late || s.Triage.Breached, Completed: true,
		}}
	})
	switch {
	case d.RTT == pathway.RTTStart || rttIn(c.def, startsOn, pathway.EventTriageCompleted):
		c.startRTT("triage:" + d.ID)
	case d.RTT == pathway.RTTStop:
		c.stopRTT("triage:" + d.ID)
	}
}
