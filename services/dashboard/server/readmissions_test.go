package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

func window(t *testing.T, r *dashboardv1.Readmissions, days int32) *dashboardv1.ReadmissionWindow {
	t.Helper()
	for _, w := range r.GetWindows() {
		if w.GetDays() == days {
			return w
		}
	}
	require.Failf(t, "readmission window missing", "%d days in %v", days, r)
	return nil
}

// readmissionMonths checks a window's months: readmitted count, closed total and pending.
func readmissionMonths(t *testing.T, w *dashboardv1.ReadmissionWindow, want ...[3]int64) {
	t.Helper()
	require.Len(t, w.GetMonths(), len(want))
	for i, m := range w.GetMonths() {
		got := [3]int64{m.GetReadmitted().GetCount(), m.GetReadmitted().GetTotal(), m.GetPending()}
		require.Equal(t, want[i], got, "%d-day window, %s: readmitted, closed, pending", w.GetDays(), m.GetMonth())
	}
}

// The fixture's COPD admissions (journeys_test.go), reported on 15 April 2026 (London), period
// January to March. Index admissions are those discharged from hospital in the period: J5 adm-1
// (9 Jan), J6 adm-1 (8 Jan), J6 adm-2 (12 Feb), J5 adm-2 (7 Mar), J6 adm-3 (18 Mar) = 5. J1's
// admissions are MSK's, which defines no window, so they never count.
//
// Days from each discharge to the next admission of the journey:
//
//	J6 adm-1  8 Jan ->  7 Feb (adm-2): 23 + 7 = 30 days: within 30 (the boundary counts) and 90
//	J5 adm-1  9 Jan ->  3 Mar (adm-2): 22 + 28 + 3 = 53 days: within 90 only
//	J6 adm-2 12 Feb -> 15 Mar (adm-3): 16 + 15 = 31 days: within 90 only
//	J5 adm-2, J6 adm-3: no later admission
//
// Windows closed by 15 April (discharge day + N < 15 Apr):
//
//	30 days: closed for discharges up to 15 Mar: all but J6 adm-3 (18 Mar + 30 = 17 Apr): pending 1
//	90 days: closed for discharges up to 14 Jan: J6 adm-1 (8 Apr), J5 adm-1 (9 Apr); pending 3
//
// 30 days: readmitted J6 adm-1 of J5 adm-1, J6 adm-1, J6 adm-2, J5 adm-2 = 1 of 4 (25%)
// 90 days: readmitted J5 adm-1 and J6 adm-1 of those two = 2 of 2
func TestReadmissionsMatchTheHandComputedFixture(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	r := svc.population(t, q1).GetReadmissions()

	require.True(t, r.GetAvailable())
	require.Equal(t, "2026-04-15", r.GetAsOfDay())
	require.Equal(t, []int32{30, 90}, r.GetWindowsDays())
	require.EqualValues(t, 5, r.GetIndexAdmissions())

	w30 := window(t, r, 30)
	require.Equal(t, []string{"copd"}, w30.GetPathwayIds())
	require.True(t, proto.Equal(share(1, 4), w30.GetReadmitted()), "%v", w30.GetReadmitted())
	require.EqualValues(t, 1, w30.GetPending())
	// By month of discharge: Jan J5 adm-1, J6 adm-1 (readmitted) = 1 of 2; Feb J6 adm-2 = 0 of 1;
	// Mar J5 adm-2 = 0 of 1, J6 adm-3 pending.
	readmissionMonths(t, w30, [3]int64{1, 2, 0}, [3]int64{0, 1, 0}, [3]int64{0, 1, 1})

	w90 := window(t, r, 90)
	require.True(t, proto.Equal(share(2, 2), w90.GetReadmitted()), "%v", w90.GetReadmitted())
	require.EqualValues(t, 3, w90.GetPending())
	readmissionMonths(t, w90, [3]int64{2, 2, 0}, [3]int64{0, 0, 1}, [3]int64{0, 0, 2})

	// U12345, long-term conditions: J5 only. 30 days: 0 of 2; 90 days: adm-1 readmitted (1 of
	// 1), adm-2 pending.
	r = svc.population(t, &dashboardv1.Filter{PcnOdsCode: pcn1, Segment: ltc, FromMonth: "2026-01", ToMonth: "2026-03"}).GetReadmissions()
	require.EqualValues(t, 2, r.GetIndexAdmissions())
	require.True(t, proto.Equal(share(0, 2), window(t, r, 30).GetReadmitted()))
	require.True(t, proto.Equal(share(1, 1), window(t, r, 90).GetReadmitted()))
	require.EqualValues(t, 1, window(t, r, 90).GetPending())

	// MSK defines no readmission window: the figure says it is not available, and why.
	r = svc.population(t, &dashboardv1.Filter{PathwayId: "msk", FromMonth: "2026-01", ToMonth: "2026-03"}).GetReadmissions()
	require.False(t, r.GetAvailable())
	require.Contains(t, r.GetReason(), "no pathway in scope defines a readmission window")
	require.Empty(t, r.GetWindows())
}

func TestReadmissionWindowsCloseAsDaysPass(t *testing.T) {
	// On 20 April J6 adm-3's 30-day window (to 17 April) has closed without a readmission:
	// 1 of 5, nothing pending. Its 90-day window is still open.
	svc := startService(t, time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC), nil)
	f := sevenJourneys()
	svc.load(t, f)
	r := svc.population(t, q1).GetReadmissions()
	require.True(t, proto.Equal(share(1, 5), window(t, r, 30).GetReadmitted()), "%v", window(t, r, 30))
	require.Zero(t, window(t, r, 30).GetPending())
	require.EqualValues(t, 3, window(t, r, 90).GetPending())

	// A late report: on 20 April J6's admission of 10 to 14 April arrives. J6 adm-3 (discharged
	// 18 Mar) was readmitted after 13 + 10 = 23 days: now 2 of 5 within 30 days. Its 90-day
	// window stays open, and adm-4 itself was discharged after the period, so it is no index.
	loaded := len(f.facts)
	f.admission(f.js["j6"], "adm-4", at(2026, 4, 10), at(2026, 4, 14), time.Date(2026, 4, 20, 8, 30, 0, 0, time.UTC))
	f.facts = f.facts[loaded:]
	svc.load(t, f)
	r = svc.population(t, q1).GetReadmissions()
	require.True(t, proto.Equal(share(2, 5), window(t, r, 30).GetReadmitted()), "%v", window(t, r, 30))
	require.True(t, proto.Equal(share(2, 2), window(t, r, 90).GetReadmitted()))
	require.EqualValues(t, 3, window(t, r, 90).GetPending())
	require.EqualValues(t, 5, r.GetIndexAdmissions())
}

func TestBadAdmissionsAreRefusedWithFieldViolations(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	req := func(a *dashboardv1.AdmissionFact) *dashboardv1.RecordJourneyFactRequest {
		return &dashboardv1.RecordJourneyFactRequest{EventId: "e", JourneyId: "j", Pathway: &journeyv1.PathwayRef{PathwayId: "copd", Version: 1},
			Segment: ltc, OccurredAt: ts(at(2026, 3, 1)), Fact: &dashboardv1.RecordJourneyFactRequest_Admission{Admission: a}}
	}
	got := violations(t, func() error {
		_, err := svc.ingest.RecordJourneyFact(t.Context(), req(&dashboardv1.AdmissionFact{}))
		return err
	}())
	require.Contains(t, got["admission.admission_id"], "is required")
	require.Contains(t, got["admission.admitted_at"], "is required")
	require.Contains(t, got["admission.discharged_at"], "is required")

	_, err := svc.ingest.RecordJourneyFact(t.Context(), req(&dashboardv1.AdmissionFact{AdmissionId: "adm-1",
		AdmittedAt: ts(at(2026, 2, 10)), DischargedAt: ts(at(2026, 2, 3))}))
	require.Contains(t, violations(t, err)["admission.discharged_at"], "must not be before admitted_at")
	dims, err := svc.query.ListDimensions(t.Context(), &dashboardv1.ListDimensionsRequest{})
	require.NoError(t, err)
	require.Empty(t, dims.GetPathwayIds(), "a refused admission changes nothing")
}
