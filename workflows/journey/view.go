package journey

import (
	"time"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// View is what the state query returns: the journey as a coordinator sees it, without the pinned
// document or internal bookkeeping. It carries no patient identifier.
type View struct {
	JourneyID     string            `json:"journeyId"`
	ReferralID    string            `json:"referralId"`
	PathwayID     string            `json:"pathwayId"`
	Version       int               `json:"version"`
	PCN           string            `json:"pcn"`
	Segment       journeyv1.Segment `json:"segment"`
	Stage         string            `json:"stage"`
	Status        Status            `json:"status"`
	Revision      int64             `json:"revision"`
	Triage        TriageState       `json:"triage"`
	RTT           RTTState          `json:"rtt"`
	Interventions []Intervention    `json:"interventions,omitempty"`
	Measures      []RecordedScore   `json:"measures,omitempty"`
	FollowUps     []FollowUp        `json:"followUps,omitempty"`
	DischargedAt  *time.Time        `json:"dischargedAt,omitempty"`
	// NextDeadline is the next clock to fall due, if any.
	NextDeadline *time.Time `json:"nextDeadline,omitempty"`
	// Flags name conditions a worklist shows: "triage-breached", "rtt-breached", "follow-up-due".
	Flags []string `json:"flags,omitempty"`
	// PendingPushes counts facts not yet delivered to finance or the dashboard.
	PendingPushes int `json:"pendingPushes"`
	Migrations    int `json:"migrations,omitempty"`
	// Admissions counts the unplanned hospital admissions recorded.
	Admissions int `json:"admissions,omitempty"`
}

// Starting is the status the query reports before the journey's pathway version is pinned.
const Starting Status = "starting"

func (j *journey) view() View {
	s := j.s
	if s == nil {
		return View{JourneyID: JourneyID(j.in.Referral.ReferralID), ReferralID: j.in.Referral.ReferralID,
			PathwayID: j.in.Referral.PathwayID, Status: Starting, Revision: -1}
	}
	v := View{
		JourneyID: s.JourneyID, ReferralID: s.ReferralID, PathwayID: s.PathwayID, Version: s.Version,
		PCN: s.PCN, Segment: s.Segment, Stage: s.Stage, Status: s.Status, Revision: s.Revision,
		Triage: s.Triage, RTT: s.RTT, Interventions: s.Interventions, Measures: s.Measures,
		FollowUps: s.FollowUps, DischargedAt: s.DischargedAt, Flags: flags(s),
		PendingPushes: len(j.outbox), Migrations: s.Migrations, Admissions: s.Admissions,
	}
	if next, ok := nextDeadline(s); ok {
		v.NextDeadline = &next
	}
	return v
}

func flags(s *State) []string {
	var out []string
	if s.Triage.Breached {
		out = append(out, "triage-breached")
	}
	if s.RTT.Breached {
		out = append(out, "rtt-breached")
	}
	for _, f := range s.FollowUps {
		if f.Due && !f.Collected {
			out = append(out, "follow-up-due")
			break
		}
	}
	return out
}
