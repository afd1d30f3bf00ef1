package journey

import (
	"time"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// Status is where a journey is in its life.
type Status string

// Statuses.
const (
	StatusActive     Status = "active"
	StatusDischarged Status = "discharged" // discharged, follow-ups outstanding
	StatusClosed     Status = "closed"     // discharged and follow-ups done or expired
	StatusCancelled  Status = "cancelled"
)

// RTTStatus is the state of the referral-to-treatment clock.
type RTTStatus string

// RTT clock statuses. "" means the clock never started.
const (
	RTTRunning   RTTStatus = "running"
	RTTStopped   RTTStatus = "stopped"
	RTTNullified RTTStatus = "nullified"
)

// InterventionStatus is the state of one intervention of the journey.
type InterventionStatus string

// Intervention statuses.
const (
	InterventionScheduled    InterventionStatus = "scheduled"
	InterventionStarted      InterventionStatus = "started"
	InterventionCompleted    InterventionStatus = "completed"
	InterventionDidNotAttend InterventionStatus = "did-not-attend"
)

// State is the whole state of a journey. It is what the workflow carries across continue-as-new,
// so it holds no patient identifier. The zero value is not usable; the workflow builds it.
type State struct {
	JourneyID  string                   `json:"journeyId"`
	ReferralID string                   `json:"referralId"`
	PathwayID  string                   `json:"pathwayId"`
	Version    int                      `json:"version"`
	PCN        string                   `json:"pcn"`
	Segment    journeyv1.Segment        `json:"segment"`
	Source     journeyv1.ReferralSource `json:"source"`
	ReferredAt time.Time                `json:"referredAt"`
	// DefinitionYAML is the pinned version's document, kept for the journey's life.
	DefinitionYAML string `json:"definitionYaml"`

	Stage  string `json:"stage"`
	Status Status `json:"status"`
	// Revision is the journey stream's last revision (-1 while the stream is empty).
	Revision int64 `json:"revision"`

	Triage        TriageState     `json:"triage"`
	RTT           RTTState        `json:"rtt"`
	Interventions []Intervention  `json:"interventions,omitempty"`
	Measures      []RecordedScore `json:"measures,omitempty"`
	FollowUps     []FollowUp      `json:"followUps,omitempty"`
	DischargedAt  *time.Time      `json:"dischargedAt,omitempty"`
	CloseAt       *time.Time      `json:"closeAt,omitempty"`
	Migrations    int             `json:"migrations,omitempty"`
	// Admissions counts the hospital admissions recorded; LastAdmissionDischargedAt is the
	// hospital discharge of the last one (the next must not start before it).
	Admissions                int               `json:"admissions,omitempty"`
	LastAdmissionDischargedAt *time.Time        `json:"lastAdmissionDischargedAt,omitempty"`
	Answers                   []AnsweredRequest `json:"answers,omitempty"`
	Outbox                    []Push            `json:"outbox,omitempty"`
}

// TriageState is the triage SLA and decision.
type TriageState struct {
	DueAt       time.Time  `json:"dueAt"`
	WorkingDays bool       `json:"workingDays,omitempty"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
	Disposition string     `json:"disposition,omitempty"`
	Breached    bool       `json:"breached,omitempty"`
}

// RTTState is the current (or last) RTT clock.
type RTTState struct {
	Status    RTTStatus  `json:"status,omitempty"`
	StartedAt *time.Time `json:"startedAt,omitempty"`
	BreachAt  *time.Time `json:"breachAt,omitempty"`
	StoppedAt *time.Time `json:"stoppedAt,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	Breached  bool       `json:"breached,omitempty"`
	// FirstAppointment is the intervention ID of the first appointment booked on this clock.
	FirstAppointment string `json:"firstAppointment,omitempty"`
	// RestartOnRebooking is set by a nullification: the next booking starts a new clock.
	RestartOnRebooking bool `json:"restartOnRebooking,omitempty"`
}

// Intervention is one intervention of the journey, priced from the pinned catalogue.
type Intervention struct {
	ID             string             `json:"id"`
	Code           string             `json:"code"`
	Provider       string             `json:"provider"`
	UnitPricePence int64              `json:"unitPricePence"`
	Status         InterventionStatus `json:"status"`
	ScheduledFor   time.Time          `json:"scheduledFor"`
	StartedAt      *time.Time         `json:"startedAt,omitempty"`
	CompletedAt    *time.Time         `json:"completedAt,omitempty"`
}

// RecordedScore is a measure score recorded at a collection point.
type RecordedScore struct {
	Score
	CollectionPoint string    `json:"collectionPoint"`
	At              time.Time `json:"at"`
}

// FollowUp is a follow-up measure collection after discharge.
type FollowUp struct {
	Point     string    `json:"point"`
	Months    int       `json:"months"`
	DueAt     time.Time `json:"dueAt"`
	Measures  []string  `json:"measures,omitempty"`
	Due       bool      `json:"due,omitempty"`
	Collected bool      `json:"collected,omitempty"`
}

// AnsweredRequest is a request ID with its first answer, kept (bounded) for deduplication across
// continue-as-new.
type AnsweredRequest struct {
	ID     string       `json:"id"`
	Result UpdateResult `json:"result"`
}

// Push is a fact waiting to be pushed to an ingest service. Payload is the binary protobuf request.
type Push struct {
	Target  PushTarget `json:"target"`
	EventID string     `json:"eventId"`
	Payload []byte     `json:"payload"`
	// span is the trace span of the update (or run) that queued the push, so the push's activity
	// joins that trace. It lives in memory only: it is not part of the carried state.
	span any
}

// PushTarget names the ingest call a Push goes to.
type PushTarget string

// Push targets.
const (
	PushFinanceActivity PushTarget = "finance-activity"
	PushFinanceOutcome  PushTarget = "finance-outcome"
	PushDashboardFact   PushTarget = "dashboard-fact"
)

// maxAnswers bounds the request IDs remembered across continue-as-new.
const maxAnswers = 256

func (s *State) answer(id string) (UpdateResult, bool) {
	for _, a := range s.Answers {
		if a.ID == id {
			return a.Result, true
		}
	}
	return UpdateResult{}, false
}

func (s *State) remember(id string, r UpdateResult) {
	s.Answers = append(s.Answers, AnsweredRequest{ID: id, Result: r})
	if n := len(s.Answers) - maxAnswers; n > 0 {
		s.Answers = append([]AnsweredRequest(nil), s.Answers[n:]...)
	}
}

func (s *State) intervention(id string) (int, bool) {
	for i, iv := range s.Interventions {
		if iv.ID == id {
			return i, true
		}
	}
	return -1, false
}

func (s *State) open() bool { return s.Status == StatusActive || s.Status == StatusDischarged }

// clone returns a deep copy, so a decision can be computed on a copy and committed only after its
// events are stored.
func (s *State) clone() *State {
	c := *s
	c.Interventions = append([]Intervention(nil), s.Interventions...)
	c.Measures = append([]RecordedScore(nil), s.Measures...)
	c.FollowUps = append([]FollowUp(nil), s.FollowUps...)
	c.Answers = append([]AnsweredRequest(nil), s.Answers...)
	c.Outbox = append([]Push(nil), s.Outbox...)
	return &c
}
