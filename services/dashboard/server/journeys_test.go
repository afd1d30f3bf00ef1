package server_test

import (
	"time"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

const (
	pcn1 = "U12345"
	pcn2 = "U67890"
	ltc  = journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS
	gh   = journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY
	cx   = journeyv1.Segment_SEGMENT_COMPLEX
)

var (
	// fixtureNow: the period Jan-Mar 2026 is reported on 15 April 2026, so snapshot figures are
	// taken at the end of March: 1 April 2026 00:00 BST (31 March 23:00 UTC).
	fixtureNow = time.Date(2026, 4, 15, 9, 0, 0, 0, time.UTC)
)

// sevenJourneys is the hand-computed fixture (all times 12:00 UTC):
//
//	J1 msk  U12345 LTC  ref 5 Jan; triage 6 Jan on time (MSK-HQ 20, EQ-5D 0.5); RTT 5-20 Jan;
//	                    physio NZX01 £30 sched 10 Jan, done 20 Jan; discharge 1 Mar (MSK-HQ 30,
//	                    EQ-5D 0.7, feeling supported 8)
//	J2 msk  U12345 LTC  ref 10 Jan; triage breached 12 Jan, done 15 Jan (MSK-HQ 30); RTT from
//	                    10 Jan still running; 3-month outcome 10 Mar (MSK-HQ 34)
//	J3 msk  U67890 GH   ref 1 Oct 2025 (before the period); triage 3 Oct 2025; RTT from 1 Oct 2025
//	                    still running; physio sched 1 Feb, did not attend 5 Feb
//	J4 msk  U12345 LTC  ref 20 Mar; not triaged; RTT from 20 Mar
//	J5 copd U12345 LTC  ref 1 Feb; triage 10 Feb (CAT 20, MRC 4 on MRC 1-5, days at home 70,
//	                    feeling supported 4); pulmonary rehab NZX01 £725 sched 12 Feb, done 20 Feb;
//	                    discharge 15 Mar (CAT 17, MRC 3, days at home 85, feeling supported 7)
//	J6 copd U67890 CX   ref 5 Feb; triage 8 Feb (CAT 25, breathlessness 2 on mMRC 0-4); stop
//	                    smoking 8ZX01 £180 done 1 Mar; discharge 20 Mar (CAT 26, mMRC 2)
//	J7 msk  U67890 GH   ref 25 Jan; cancelled 28 Jan
//
// Unplanned hospital admissions (admitted - discharged from hospital, reported on):
//
//	J5 adm-1  2 Jan -  9 Jan (reported 10 Feb: the exacerbation that led to the referral)
//	   adm-2  3 Mar -  7 Mar (reported 8 Mar)
//	J6 adm-1  3 Jan -  8 Jan (reported 8 Feb)
//	   adm-2  7 Feb - 12 Feb (reported 13 Feb)
//	   adm-3 15 Mar - 18 Mar (reported 19 Mar)
//	J1 adm-1 25 Jan - 27 Jan, adm-2 5 Feb - 6 Feb (MSK defines no readmission window)
func sevenJourneys() *fixture {
	f := newFixture()
	j1 := f.referral("j1", "msk", pcn1, ltc, at(2026, 1, 5))
	f.rttStart(j1, at(2026, 1, 5))
	f.triage(j1, at(2026, 1, 6), false, score("msk-hq", 20, ""), score("eq5d5l-index", 0.5, ""))
	f.schedule(j1, "iv1", "physio", "NZX01", 3000, at(2026, 1, 10))
	f.complete(j1, "iv1", at(2026, 1, 20))
	f.rttStop(j1, at(2026, 1, 20))
	f.admission(j1, "adm-1", at(2026, 1, 25), at(2026, 1, 27), at(2026, 1, 28))
	f.admission(j1, "adm-2", at(2026, 2, 5), at(2026, 2, 6), at(2026, 2, 7))
	f.outcome(j1, at(2026, 3, 1), "discharge", score("msk-hq", 30, ""), score("eq5d5l-index", 0.7, ""), score("feeling-supported", 8, ""))
	f.discharge(j1, at(2026, 3, 1))

	j2 := f.referral("j2", "msk", pcn1, ltc, at(2026, 1, 10))
	f.rttStart(j2, at(2026, 1, 10))
	f.triageBreached(j2, at(2026, 1, 12))
	f.triage(j2, at(2026, 1, 15), true, score("msk-hq", 30, ""))
	f.outcome(j2, at(2026, 3, 10), "follow-up-3m", score("msk-hq", 34, ""))

	j3 := f.referral("j3", "msk", pcn2, gh, at(2025, 10, 1))
	f.rttStart(j3, at(2025, 10, 1))
	f.triage(j3, at(2025, 10, 3), false)
	f.schedule(j3, "iv1", "physio", "NZX01", 3000, at(2026, 2, 1))
	f.dna(j3, "iv1", at(2026, 2, 5))

	j4 := f.referral("j4", "msk", pcn1, ltc, at(2026, 3, 20))
	f.rttStart(j4, at(2026, 3, 20))

	j5 := f.referral("j5", "copd", pcn1, ltc, at(2026, 2, 1))
	f.triage(j5, at(2026, 2, 10), false, score("cat", 20, ""), score("mrc-dyspnoea", 4, "MRC 1-5"),
		score("days-at-home", 70, ""), score("feeling-supported", 4, ""))
	f.admission(j5, "adm-1", at(2026, 1, 2), at(2026, 1, 9), at(2026, 2, 10))
	f.schedule(j5, "iv1", "pulmonary-rehab", "NZX01", 72500, at(2026, 2, 12))
	f.complete(j5, "iv1", at(2026, 2, 20))
	f.admission(j5, "adm-2", at(2026, 3, 3), at(2026, 3, 7), at(2026, 3, 8))
	f.outcome(j5, at(2026, 3, 15), "discharge", score("cat", 17, ""), score("mrc-dyspnoea", 3, "MRC 1-5"),
		score("days-at-home", 85, ""), score("feeling-supported", 7, ""))
	f.discharge(j5, at(2026, 3, 15))

	j6 := f.referral("j6", "copd", pcn2, cx, at(2026, 2, 5))
	f.triage(j6, at(2026, 2, 8), false, score("cat", 25, ""), score("mrc-dyspnoea", 2, "mMRC 0-4"))
	f.admission(j6, "adm-1", at(2026, 1, 3), at(2026, 1, 8), at(2026, 2, 8))
	f.admission(j6, "adm-2", at(2026, 2, 7), at(2026, 2, 12), at(2026, 2, 13))
	j6.ivs["iv1"] = fiv{code: "stop-smoking", provider: "8ZX01", price: 18000}
	f.complete(j6, "iv1", at(2026, 3, 1))
	f.admission(j6, "adm-3", at(2026, 3, 15), at(2026, 3, 18), at(2026, 3, 19))
	f.outcome(j6, at(2026, 3, 20), "discharge", score("cat", 26, ""), score("mrc-dyspnoea", 2, "mMRC 0-4"))
	f.discharge(j6, at(2026, 3, 20))

	j7 := f.referral("j7", "msk", pcn2, gh, at(2026, 1, 25))
	f.cancel(j7, at(2026, 1, 28))
	return f
}
