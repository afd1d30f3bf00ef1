package journey

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// decideStart opens a journey on the pinned version: the referral and the pinned version are
// recorded, the journey waits at the triage stage (or the entry stage when the version has no
// triage straight after referral), the triage clock is set and the RTT clock starts if the
// version starts it on referral.
func decideStart(r Referral, def *pathway.Definition, yaml string, now time.Time) *change {
	s := &State{
		JourneyID: JourneyID(r.ReferralID), ReferralID: r.ReferralID, PathwayID: def.ID, Version: def.Version,
		PCN: r.PCN, Segment: r.Segment, Source: r.Source, ReferredAt: r.ReferredAt,
		DefinitionYAML: yaml, Status: StatusActive, Revision: -1, Stage: waitingStage(def),
	}
	if t := def.SLA.Triage; t != nil {
		s.Triage = TriageState{DueAt: addDays(r.ReferredAt, t.Within, t.Days), WorkingDays: t.Days == pathway.WorkingDays}
	}
	c := newChange(s, def, now, "")
	i := c.emit(&journeyv1.ReferralReceived{
		JourneyId: s.JourneyID, ReferralId: r.ReferralID, PathwayId: def.ID, NhsNumber: r.NHSNumber,
		Source: r.Source, PcnOdsCode: r.PCN, Segment: r.Segment, ReferredAt: timestamppb.New(r.ReferredAt),
		OccurredAt: c.ts(), Stage: s.Stage,
		PatientRef: r.PatientRef, NhsNumberSealed: r.NHSNumberSealed, ReasonSealed: r.ReasonSealed,
	})
	pinned := &journeyv1.PathwayVersionPinned{
		JourneyId: s.JourneyID, Pathway: c.pathwayRef(), ReferredAt: timestamppb.New(r.ReferredAt),
		OccurredAt: c.ts(), WorkingDays: s.Triage.WorkingDays,
	}
	if !s.Triage.DueAt.IsZero() {
		pinned.TriageDueAt = timestamppb.New(s.Triage.DueAt)
	}
	c.emit(pinned)
	c.dashboard(i, func(f *dashboardv1.RecordJourneyFactRequest) {
		f.Fact = &dashboardv1.RecordJourneyFactRequest_Referral{Referral: &dashboardv1.ReferralFact{
			Source: r.Source, ReferredAt: timestamppb.New(r.ReferredAt),
		}}
	})
	if rttIn(def, startsOn, pathway.EventReferralReceived) {
		c.startRTT(string(pathway.EventReferralReceived))
	}
	c.tick() // a referral entered late may already be past its triage date
	return c
}

// waitingStage is where a new journey waits: the referral stage is passed at once, to its first
// triage stage, or to its only next stage (e.g. diagnosis); else the journey waits at entry.
func waitingStage(def *pathway.Definition) string {
	entry, _ := def.EntryStage()
	for _, id := range entry.Next {
		if st, ok := def.Stage(id); ok && st.Kind == pathway.KindTriage {
			return id
		}
	}
	if len(entry.Next) == 1 {
		return entry.Next[0]
	}
	return entry.ID
}
