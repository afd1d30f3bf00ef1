package server_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

func TestEachEventIDIsAppliedOnce(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	f := sevenJourneys()
	svc.load(t, f)
	before := svc.system(t, q1)

	// A retried push (same ID, same content) is OK, says duplicate, and counts nothing twice.
	resp, err := svc.ingest.RecordJourneyFact(t.Context(), f.facts[0])
	require.NoError(t, err)
	require.True(t, resp.GetDuplicate())

	// The same ID with other content is refused and changes nothing.
	changed := proto.Clone(f.facts[0]).(*dashboardv1.RecordJourneyFactRequest)
	changed.PcnOdsCode = pcn2
	_, err = svc.ingest.RecordJourneyFact(t.Context(), changed)
	require.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)

	require.True(t, proto.Equal(before, svc.system(t, q1)))
}

func TestBadFactsAreRefusedWithFieldViolations(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	tests := []struct {
		name string
		req  *dashboardv1.RecordJourneyFactRequest
		want map[string]string
	}{
		{"empty", &dashboardv1.RecordJourneyFactRequest{}, map[string]string{
			"event_id": "is required", "journey_id": "is required", "pathway.pathway_id": "is required",
			"pathway.version": "must be 1 or more", "segment": "must be one of", "occurred_at": "is required", "fact": "is required",
		}},
		{"bad intervention", &dashboardv1.RecordJourneyFactRequest{EventId: "e", JourneyId: "j", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
			Segment: gh, OccurredAt: ts(at(2026, 1, 1)), Fact: &dashboardv1.RecordJourneyFactRequest_Intervention{Intervention: &dashboardv1.InterventionFact{
				Status: dashboardv1.InterventionStatus_INTERVENTION_STATUS_COMPLETED, UnitPricePence: -1}}},
			map[string]string{"intervention.intervention_id": "is required", "intervention.code": "is required",
				"intervention.unit_price_pence": "must not be negative", "intervention.provider": "is required"}},
		{"bad score", &dashboardv1.RecordJourneyFactRequest{EventId: "e", JourneyId: "j", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
			Segment: gh, OccurredAt: ts(at(2026, 1, 1)), Fact: &dashboardv1.RecordJourneyFactRequest_Outcome{Outcome: &dashboardv1.OutcomeFact{
				Measures: []*journeyv1.Measure{{Value: 3}}}}},
			map[string]string{"outcome.collection_point": "is required", "outcome.measures[0].code": "is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.ingest.RecordJourneyFact(t.Context(), tt.req)
			got := violations(t, err)
			for field, desc := range tt.want {
				require.Contains(t, got[field], desc, "field %s in %v", field, got)
			}
		})
	}
	dims, err := svc.query.ListDimensions(t.Context(), &dashboardv1.ListDimensionsRequest{})
	require.NoError(t, err)
	require.Empty(t, dims.GetPathwayIds(), "a refused fact must change nothing")
}

func TestBadFiltersAreRefusedWithFieldViolations(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	_, err := svc.query.GetSystemFigures(t.Context(), &dashboardv1.GetSystemFiguresRequest{Filter: &dashboardv1.Filter{
		PathwayId: "MSK!", PcnOdsCode: "u1", Segment: 9, ToMonth: "March"}})
	got := violations(t, err)
	require.Equal(t, pathway.CheckID("MSK!").Error(), got["filter.pathway_id"])
	require.Contains(t, got["filter.pcn_ods_code"], "must be an ODS code")
	require.Contains(t, got["filter.segment"], "must be")
	require.Contains(t, got["filter.to_month"], "YYYY-MM")

	_, err = svc.query.GetPopulationFigures(t.Context(), &dashboardv1.GetPopulationFiguresRequest{Filter: &dashboardv1.Filter{
		FromMonth: "2026-05", ToMonth: "2026-01"}})
	require.Contains(t, violations(t, err)["filter.from_month"], "must not be after to_month")
}

// TestNonFiniteScoresAreRefusedAndChangeNothing: NaN, +Infinity and -Infinity in a triage
// baseline or an outcome measure are InvalidArgument naming the score; the fact is not applied
// (no pathway appears, and its event ID is still free for the corrected fact).
func TestNonFiniteScoresAreRefusedAndChangeNothing(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	fact := func(eventID string, value float64, outcome bool) *dashboardv1.RecordJourneyFactRequest {
		req := &dashboardv1.RecordJourneyFactRequest{EventId: eventID, JourneyId: "j-" + eventID,
			Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, Segment: gh, OccurredAt: ts(at(2026, 1, 1))}
		ms := []*journeyv1.Measure{{Code: "msk-hq", Value: 30}, {Code: "eq-vas", Value: value}}
		if outcome {
			req.Fact = &dashboardv1.RecordJourneyFactRequest_Outcome{Outcome: &dashboardv1.OutcomeFact{CollectionPoint: "discharge", Measures: ms}}
		} else {
			req.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{Disposition: "cats", Baseline: ms, Completed: true}}
		}
		return req
	}
	for _, x := range []struct {
		name  string
		value float64
		rule  string
	}{
		{"NaN", math.NaN(), "must be a finite number, not NaN"},
		{"+Infinity", math.Inf(1), "must be a finite number, not +Infinity"},
		{"-Infinity", math.Inf(-1), "must be a finite number, not -Infinity"},
	} {
		for _, k := range []struct {
			outcome bool
			field   string
		}{{false, "triage.baseline[1].value"}, {true, "outcome.measures[1].value"}} {
			t.Run(k.field+" "+x.name, func(t *testing.T) {
				id := k.field + "-" + x.name
				_, err := svc.ingest.RecordJourneyFact(t.Context(), fact(id, x.value, k.outcome))
				require.Equal(t, map[string]string{k.field: x.rule}, violations(t, err))
				dims, err := svc.query.ListDimensions(t.Context(), &dashboardv1.ListDimensionsRequest{})
				require.NoError(t, err)
				require.Empty(t, dims.GetPathwayIds(), "a refused fact must change nothing")
			})
		}
	}
	_, err := svc.ingest.RecordJourneyFact(t.Context(), fact("outcome.measures[1].value-NaN", 60, true))
	require.NoError(t, err, "the refused fact's event ID is still free")
}

// TestPathwayIDsAreThePathwayModelsRule: filters and facts accept exactly the pathway ids
// pathway.CheckID accepts ("msk-spinal" too), refusing the others with its message.
func TestPathwayIDsAreThePathwayModelsRule(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	for i, id := range []string{"msk", "msk-spinal", "1msk", "msk--spinal", "msk-", "Msk", "a" + strings.Repeat("b", 64)} {
		t.Run(id[:min(len(id), 20)], func(t *testing.T) {
			_, ferr := svc.query.GetSystemFigures(t.Context(), &dashboardv1.GetSystemFiguresRequest{Filter: &dashboardv1.Filter{PathwayId: id}})
			_, ierr := svc.ingest.RecordJourneyFact(t.Context(), &dashboardv1.RecordJourneyFactRequest{EventId: "e" + string(rune('a'+i)),
				JourneyId: "j", Pathway: &journeyv1.PathwayRef{PathwayId: id, Version: 1}, Segment: gh, OccurredAt: ts(at(2026, 1, 1)),
				Fact: &dashboardv1.RecordJourneyFactRequest_Discharge{Discharge: &dashboardv1.DischargeFact{}}})
			want := pathway.CheckID(id)
			if want == nil {
				require.NoError(t, ferr)
				require.NoError(t, ierr)
				return
			}
			require.Equal(t, map[string]string{"filter.pathway_id": want.Error()}, violations(t, ferr))
			require.Equal(t, map[string]string{"pathway.pathway_id": want.Error()}, violations(t, ierr))
		})
	}
}

func TestFiguresFollowNewFacts(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	f := sevenJourneys()
	svc.load(t, f)
	require.EqualValues(t, 6, svc.system(t, q1).GetReferralsReceived())
	g := newFixture()
	g.referral("j8", "msk", pcn1, ltc, at(2026, 3, 25))
	svc.load(t, g)
	sys := svc.system(t, q1)
	require.EqualValues(t, 7, sys.GetReferralsReceived(), "a new referral shows at once")
	require.EqualValues(t, 2, sys.GetWaitingForTriage())
}
