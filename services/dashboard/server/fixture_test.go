package server_test

import (
	"strconv"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
)

// fixture builds journeys the way the journey workflow records them: every step appends journey
// events (with the workflow's deterministic IDs) and queues the dashboard fact pushed for them.
type fixture struct {
	streams map[string][]events.Event
	order   []string
	facts   []*dashboardv1.RecordJourneyFactRequest
	js      map[string]*fjourney
}

type fjourney struct {
	id, pathway, pcn string
	segment          journeyv1.Segment
	version          int32
	rttStart         time.Time
	triageBreached   bool
	ivs              map[string]fiv
}

type fiv struct {
	code, provider string
	price          int64
}

func newFixture() *fixture {
	return &fixture{streams: map[string][]events.Event{}, js: map[string]*fjourney{}}
}

// at is a London-noon-ish instant (12:00 UTC) on a date.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }

// emit appends an event to the journey's stream and returns its ID.
func (f *fixture) emit(j *fjourney, msg proto.Message, occurred time.Time) string {
	stream := events.JourneyStream(j.id)
	if _, ok := f.streams[stream]; !ok {
		f.order = append(f.order, stream)
	}
	pos := len(f.streams[stream])
	id := events.EventID(events.JourneyCategory, j.id, strconv.Itoa(pos))
	f.streams[stream] = append(f.streams[stream], events.Event{ID: id, Payload: msg,
		Meta: events.Metadata{Actor: "journey-workflow", CorrelationID: j.id, OccurredAt: occurred}})
	return id.String()
}

func (f *fixture) push(j *fjourney, eventID string, occurred time.Time, set func(*dashboardv1.RecordJourneyFactRequest)) {
	r := &dashboardv1.RecordJourneyFactRequest{EventId: eventID, JourneyId: j.id,
		Pathway: &journeyv1.PathwayRef{PathwayId: j.pathway, Version: j.version}, PcnOdsCode: j.pcn, Segment: j.segment, OccurredAt: ts(occurred)}
	set(r)
	f.facts = append(f.facts, r)
}

func (f *fixture) referral(id, pathway, pcn string, seg journeyv1.Segment, referred time.Time) *fjourney {
	j := &fjourney{id: id, pathway: pathway, pcn: pcn, segment: seg, version: 1, ivs: map[string]fiv{}}
	f.js[id] = j
	ev := f.emit(j, &journeyv1.ReferralReceived{JourneyId: id, ReferralId: "r" + id, PathwayId: pathway, NhsNumber: "9990000018",
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, PcnOdsCode: pcn, Segment: seg, ReferredAt: ts(referred), OccurredAt: ts(referred), Stage: "triage"}, referred)
	f.emit(j, &journeyv1.PathwayVersionPinned{JourneyId: id, Pathway: &journeyv1.PathwayRef{PathwayId: pathway, Version: 1},
		ReferredAt: ts(referred), OccurredAt: ts(referred)}, referred)
	f.push(j, ev, referred, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Referral{Referral: &dashboardv1.ReferralFact{
			Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, ReferredAt: ts(referred)}}
	})
	return j
}

func score(code string, v float64, scale string) *journeyv1.Measure {
	return &journeyv1.Measure{Code: code, Value: v, Scale: scale}
}

func (f *fixture) triageBreached(j *fjourney, when time.Time) {
	j.triageBreached = true
	ev := f.emit(j, &journeyv1.TriageBreached{JourneyId: j.id, DueAt: ts(when), OccurredAt: ts(when)}, when)
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{Breached: true}}
	})
}

func (f *fixture) triage(j *fjourney, when time.Time, late bool, baseline ...*journeyv1.Measure) {
	ev := f.emit(j, &journeyv1.TriageCompleted{JourneyId: j.id, RequestId: "t", Disposition: "physio", Baseline: baseline,
		OccurredAt: ts(when), Stage: "care", Late: late}, when)
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{Disposition: "physio",
			Baseline: baseline, Breached: late || j.triageBreached, Completed: true}}
	})
}

// rttStart starts the journey's 18-week referral-to-treatment clock.
func (f *fixture) rttStart(j *fjourney, when time.Time) {
	j.rttStart = when
	ev := f.emit(j, &journeyv1.RTTClockStarted{JourneyId: j.id, StartedAt: ts(when), BreachAt: ts(when.AddDate(0, 0, 126)), Trigger: "referral-received", Weeks: 18}, when)
	f.rttFact(j, ev, dashboardv1.RTTStatus_RTT_STATUS_STARTED, when, 0)
}

// rttStop stops the clock started by rttStart at first definitive treatment.
func (f *fixture) rttStop(j *fjourney, when time.Time) {
	days := int32(when.Sub(j.rttStart).Hours() / 24)
	ev := f.emit(j, &journeyv1.RTTClockStopped{JourneyId: j.id, StartedAt: ts(j.rttStart), StoppedAt: ts(when), Reason: "first-definitive-treatment", DaysWaited: days}, when)
	f.rttFact(j, ev, dashboardv1.RTTStatus_RTT_STATUS_STOPPED, when, days)
}

func (f *fixture) rttFact(j *fjourney, ev string, st dashboardv1.RTTStatus, when time.Time, days int32) {
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Rtt{Rtt: &dashboardv1.RTTStatusFact{Status: st, StartedAt: ts(j.rttStart), DaysWaited: days}}
	})
}

func (f *fixture) ivFact(j *fjourney, ev, ivID string, st dashboardv1.InterventionStatus, when time.Time) {
	iv := j.ivs[ivID]
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Intervention{Intervention: &dashboardv1.InterventionFact{
			InterventionId: ivID, Code: iv.code, Provider: iv.provider, Status: st, UnitPricePence: iv.price}}
	})
}

func (f *fixture) schedule(j *fjourney, ivID, code, provider string, price int64, when time.Time) {
	j.ivs[ivID] = fiv{code: code, provider: provider, price: price}
	ev := f.emit(j, &journeyv1.InterventionScheduled{JourneyId: j.id, InterventionId: ivID, Code: code, Provider: provider,
		ScheduledFor: ts(when.AddDate(0, 0, 3)), OccurredAt: ts(when)}, when)
	f.ivFact(j, ev, ivID, dashboardv1.InterventionStatus_INTERVENTION_STATUS_SCHEDULED, when)
}

func (f *fixture) complete(j *fjourney, ivID string, when time.Time) {
	iv := j.ivs[ivID]
	ev := f.emit(j, &journeyv1.InterventionCompleted{JourneyId: j.id, InterventionId: ivID, Code: iv.code, Provider: iv.provider,
		UnitPricePence: iv.price, OccurredAt: ts(when)}, when)
	f.ivFact(j, ev, ivID, dashboardv1.InterventionStatus_INTERVENTION_STATUS_COMPLETED, when)
}

func (f *fixture) dna(j *fjourney, ivID string, when time.Time) {
	ev := f.emit(j, &journeyv1.DidNotAttend{JourneyId: j.id, InterventionId: ivID, FirstAppointment: true, OccurredAt: ts(when)}, when)
	f.ivFact(j, ev, ivID, dashboardv1.InterventionStatus_INTERVENTION_STATUS_DID_NOT_ATTEND, when)
}

func (f *fixture) outcome(j *fjourney, when time.Time, point string, ms ...*journeyv1.Measure) {
	ev := f.emit(j, &journeyv1.OutcomeRecorded{JourneyId: j.id, CollectionPoint: point, Measures: ms, OccurredAt: ts(when)}, when)
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Outcome{Outcome: &dashboardv1.OutcomeFact{CollectionPoint: point, Measures: ms}}
	})
}

func (f *fixture) discharge(j *fjourney, when time.Time) {
	ev := f.emit(j, &journeyv1.Discharged{JourneyId: j.id, Reason: "goals met", OccurredAt: ts(when)}, when)
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Discharge{Discharge: &dashboardv1.DischargeFact{Reason: "goals met"}}
	})
}

func (f *fixture) cancel(j *fjourney, when time.Time) {
	ev := f.emit(j, &journeyv1.JourneyCancelled{JourneyId: j.id, Reason: "moved away", OccurredAt: ts(when)}, when)
	f.push(j, ev, when, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Cancellation{Cancellation: &dashboardv1.CancellationFact{Reason: "moved away"}}
	})
}

// admission records an unplanned hospital admission (admitted to discharged), reported at recorded.
func (f *fixture) admission(j *fjourney, id string, admitted, discharged, recorded time.Time) {
	ev := f.emit(j, &journeyv1.HospitalAdmissionRecorded{JourneyId: j.id, RequestId: "admit-" + id, AdmissionId: id, AdmittedAt: ts(admitted),
		DischargedAt: ts(discharged), Reason: "copd-exacerbation", OccurredAt: ts(recorded), Stage: "care", RequestedBy: "ward-liaison"}, recorded)
	f.push(j, ev, recorded, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Admission{Admission: &dashboardv1.AdmissionFact{AdmissionId: id,
			AdmittedAt: ts(admitted), DischargedAt: ts(discharged), Reason: "copd-exacerbation"}}
	})
}

var _ = uuid.Nil
