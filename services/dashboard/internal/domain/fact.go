package domain

import (
	"crypto/sha256"
	"encoding/json"
	"time"
)

// FactKind names what a journey fact records.
type FactKind string

// Fact kinds, one per ingest fact.
const (
	KindReferral     FactKind = "referral"
	KindTriage       FactKind = "triage"
	KindIntervention FactKind = "intervention"
	KindOutcome      FactKind = "outcome"
	KindDischarge    FactKind = "discharge"
	KindRTT          FactKind = "rtt"
	KindCancellation FactKind = "cancellation"
	KindAdmission    FactKind = "admission"
)

// Segment is the population health segment (the journey contract's enum values).
type Segment int32

// Segments.
const (
	SegmentUnspecified      Segment = 0
	SegmentGenerallyHealthy Segment = 1
	SegmentLongTerm         Segment = 2
	SegmentComplex          Segment = 3
)

// InterventionStatus is the state an intervention reached (the ingest contract's enum values).
type InterventionStatus int32

// Intervention statuses.
const (
	InterventionScheduled    InterventionStatus = 1
	InterventionStarted      InterventionStatus = 2
	InterventionCompleted    InterventionStatus = 3
	InterventionDidNotAttend InterventionStatus = 4
)

// RTTStatus is the state of a referral-to-treatment clock (the ingest contract's enum values).
type RTTStatus int32

// RTT statuses.
const (
	RTTStarted   RTTStatus = 1
	RTTStopped   RTTStatus = 2
	RTTNullified RTTStatus = 3
	RTTBreached  RTTStatus = 4
)

// Score is one measure score on the scale it was taken on.
type Score struct {
	Measure string  `json:"measure"`
	Value   float64 `json:"value"`
	Scale   string  `json:"scale,omitempty"`
}

// Fact is one journey fact. Exactly one of the kind-specific parts is set, matching Kind. Facts
// built from ingest requests and from journey events are normalised alike, so the same event
// gives the same Fact (and Digest) whichever way it arrives.
type Fact struct {
	EventID    string    `json:"eventId"`
	JourneyID  string    `json:"journeyId"`
	PathwayID  string    `json:"pathwayId"`
	Version    int       `json:"version"`
	PCN        string    `json:"pcn"`
	Segment    Segment   `json:"segment"`
	OccurredAt time.Time `json:"occurredAt"`
	Kind       FactKind  `json:"kind"`

	Referral     *Referral     `json:"referral,omitempty"`
	Triage       *Triage       `json:"triage,omitempty"`
	Intervention *Intervention `json:"intervention,omitempty"`
	Outcome      *Outcome      `json:"outcome,omitempty"`
	Discharge    *Reasoned     `json:"discharge,omitempty"`
	RTT          *RTT          `json:"rtt,omitempty"`
	Cancellation *Reasoned     `json:"cancellation,omitempty"`
	Admission    *Admission    `json:"admission,omitempty"`
}

// Referral opens a journey.
type Referral struct {
	Source     int32     `json:"source"`
	ReferredAt time.Time `json:"referredAt"`
}

// Triage is a completed triage (Completed) or a breach of its due time without one.
type Triage struct {
	Disposition string  `json:"disposition,omitempty"`
	Baseline    []Score `json:"baseline,omitempty"`
	Breached    bool    `json:"breached"`
	Completed   bool    `json:"completed"`
}

// Intervention is a change of an intervention's state. UnitPricePence is kept for completed
// interventions only (the cost charged).
type Intervention struct {
	ID             string             `json:"id"`
	Code           string             `json:"code"`
	Provider       string             `json:"provider,omitempty"`
	Status         InterventionStatus `json:"status"`
	UnitPricePence int64              `json:"unitPricePence,omitempty"`
}

// Outcome is measures taken at a collection point.
type Outcome struct {
	Point  string  `json:"point"`
	Scores []Score `json:"scores"`
}

// Reasoned is a discharge or a cancellation.
type Reasoned struct {
	Reason string `json:"reason,omitempty"`
}

// RTT is a change of the RTT clock that started at StartedAt.
type RTT struct {
	Status     RTTStatus `json:"status"`
	StartedAt  time.Time `json:"startedAt"`
	DaysWaited int       `json:"daysWaited"`
}

// Admission is an unplanned hospital admission during the journey, reported once the patient
// has left hospital. DischargedAt is the hospital discharge, not the end of the pathway.
type Admission struct {
	ID           string    `json:"id"`
	AdmittedAt   time.Time `json:"admittedAt"`
	DischargedAt time.Time `json:"dischargedAt"`
	Reason       string    `json:"reason,omitempty"`
}

// Digest identifies the fact's content: the same event ID with another digest is a different
// fact under a reused ID.
func (f Fact) Digest() []byte {
	b, _ := json.Marshal(f) // a Fact always encodes: plain fields only
	sum := sha256.Sum256(b)
	return sum[:]
}

// NormaliseIntervention keeps what every source of the fact carries: the provider and price are
// only on record once the intervention is completed (journey events do not repeat them before).
func NormaliseIntervention(iv Intervention) *Intervention {
	if iv.Status != InterventionCompleted {
		iv.UnitPricePence = 0
		if iv.Status != InterventionScheduled {
			iv.Provider = ""
		}
	}
	return &iv
}
