package demo

import (
	"fmt"
	"strings"
	"time"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// Where a scripted journey ends up.
const (
	AwaitingTriage = "awaiting triage"
	TriageBreached = "triage breached"
	InIntervention = "in intervention"
	OutcomeReview  = "outcome review"
	Discharged     = "discharged"
	Cancelled      = "cancelled"
)

// Patient is one synthetic referral and the script that takes its journey to a stage.
type Patient struct {
	ReferralID string
	PathwayID  string
	Practice   string
	PCN        string
	Segment    journeyv1.Segment
	Source     journeyv1.ReferralSource
	Reason     string
	// ReferredAgo places the referral in the past (a referral older than the triage SLA is
	// breached as soon as its journey starts).
	ReferredAgo time.Duration
	// Ends is where the script leaves the journey.
	Ends  string
	steps []step
}

// Admissions is how many hospital admissions the patient's script records.
func (p Patient) Admissions() int {
	n := 0
	for _, s := range p.steps {
		if strings.HasPrefix(s.requestID, admitPrefix) {
			n++
		}
	}
	return n
}

// Synthetic ODS codes (letter + 5 digits for practices, U + 5 digits for PCNs); not real
// organisations.
var (
	practices = []string{"Y90001", "Y90002", "Y90003", "Y90004"}
	pcns      = []string{"U90001", "U90002"}
	segments  = []journeyv1.Segment{journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY,
		journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, journeyv1.Segment_SEGMENT_COMPLEX}
)

const (
	recently  = 2 * time.Hour
	longAgo   = 9 * 24 * time.Hour
	mskReason = "musculoskeletal pain for 8 weeks"
)

// Population is the synthetic population: MSK and COPD journeys at every stage.
func Population() []Patient {
	out := append(mskPopulation(), copdPopulation()...)
	for i := range out {
		out[i].Practice = practices[i%len(practices)]
		out[i].PCN = pcns[i%len(pcns)]
		out[i].Segment = segments[i%len(segments)]
	}
	return out
}

func mskPatient(n int, ago time.Duration, ends string, steps ...step) Patient {
	return Patient{ReferralID: fmt.Sprintf("DEMO-MSK-%04d", n), PathwayID: "msk", Reason: mskReason,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, ReferredAgo: ago, Ends: ends, steps: steps}
}

func mskTriaged(disposition string) []step {
	return []step{book("spa-triage", "spa-triage", 0), attend("complete", "spa-triage"),
		triage(disposition, m("msk-hq", 30), m("eq5d5l-index", 0.61), m("eq-vas", 60))}
}

func mskDischargeScores() []*coordinatorv1.Measure {
	return []*coordinatorv1.Measure{m("msk-hq", 44), m("eq5d5l-index", 0.82), m("eq-vas", 80), m("feeling-supported", 8)}
}

func mskPopulation() []Patient {
	cats := then(mskTriaged("cats"), book("cats", "cats-assessment", 1), attend("start", "cats"), attend("complete", "cats"),
		book("injection", "msk-injection", 2), attend("complete", "injection"))
	return []Patient{
		mskPatient(1, recently, AwaitingTriage),
		mskPatient(2, recently, AwaitingTriage),
		mskPatient(3, recently, AwaitingTriage),
		mskPatient(4, longAgo, TriageBreached),
		mskPatient(5, longAgo, TriageBreached),
		mskPatient(6, recently, InIntervention, then(mskTriaged("physio-telephone"), book("phone", "physio-telephone", 3))...),
		mskPatient(7, recently, InIntervention, then(mskTriaged("cats"), book("cats", "cats-assessment", 1), attend("start", "cats"))...),
		mskPatient(8, recently, InIntervention, then(mskTriaged("physio-face-to-face"), book("f2f", "physio-f2f", 2), attend("dna", "f2f"))...),
		mskPatient(9, recently, OutcomeReview, then(cats, outcome("discharge", mskDischargeScores()...))...),
		mskPatient(10, recently, Discharged, then(cats, outcome("discharge", mskDischargeScores()...), discharge("treatment-complete"))...),
		mskPatient(11, recently, Cancelled, cancel("patient-declined")),
	}
}

func copdPatient(n int, ago time.Duration, ends string, steps ...step) Patient {
	return Patient{ReferralID: fmt.Sprintf("DEMO-COPD-%04d", n), PathwayID: "copd", Reason: "breathless on exertion, smoker",
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, ReferredAgo: ago, Ends: ends, steps: steps}
}

func copdTriaged() []step {
	mrc := func(v float64) *coordinatorv1.Measure { return scaled("mrc-dyspnoea", v, "MRC 1-5") }
	return []step{book("spirometry", "spirometry", 0), attend("complete", "spirometry"), outcome("baseline", m("fev1-fvc", 0.62)),
		book("triage", "respiratory-triage", 0), attend("complete", "triage"),
		triage("respiratory-clinic", mrc(3), m("cat", 22), m("days-at-home", 80), m("feeling-supported", 5)),
		book("clinic", "respiratory-outpatient", 1)}
}

func copdPopulation() []Patient {
	rehab := then(copdTriaged(), attend("complete", "clinic"), book("rehab", "pulmonary-rehab", 7), attend("start", "rehab"))
	done := then(rehab, attend("complete", "rehab"), book("review", "annual-review", 30), attend("complete", "review"),
		outcome("discharge", scaled("mrc-dyspnoea", 2, "MRC 1-5"), m("cat", 15), m("days-at-home", 86), m("feeling-supported", 8)),
		discharge("self-managing"))
	return []Patient{
		copdPatient(1, recently, AwaitingTriage),
		copdPatient(2, longAgo*2, TriageBreached),
		copdPatient(3, recently, InIntervention, copdTriaged()...),
		copdPatient(4, recently, InIntervention, rehab...),
		// Referred 150 days ago with exacerbation admissions since: the second within 30 days of the
		// first's discharge, the third within 90 days of the second's.
		copdPatient(6, 150*24*time.Hour, InIntervention, then(copdTriaged(),
			admit("1", 140, 6), admit("2", 112, 4), admit("3", 50, 3))...),
		copdPatient(7, 120*24*time.Hour, InIntervention, then(copdTriaged(), admit("1", 100, 5))...),
		// Loaded last: the e2e tests wait for this journey to be discharged.
		copdPatient(5, recently, Discharged, done...),
	}
}

// then returns a new script: base followed by more (base is not modified).
func then(base []step, more ...step) []step {
	out := make([]step, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}
