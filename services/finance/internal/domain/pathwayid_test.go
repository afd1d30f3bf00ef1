package domain_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// TestPathwayIDIsThePathwayModelsRule: contracts, activities and outcomes accept exactly the
// pathway ids pathway.CheckID accepts ("msk-spinal" could be published but had no contract),
// refusing the others with its message.
func TestPathwayIDIsThePathwayModelsRule(t *testing.T) {
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"msk", "msk-spinal", "copd2", "a" + strings.Repeat("b", 63),
		"", "MSK", "1msk", "msk--spinal", "msk-", "msk_spinal", "a" + strings.Repeat("b", 64)} {
		t.Run(id[:min(len(id), 20)], func(t *testing.T) {
			terms := domain.Terms{PathwayID: id, Year: 2026, BudgetPence: 1_000_000, Currency: "GBP"}
			act := domain.Activity{EventID: "e1", JourneyID: "j1", PathwayID: id, InterventionCode: "physio", Provider: "RTG",
				StatedPricePence: 2800, OccurredAt: at}
			out := domain.Outcome{EventID: "e2", JourneyID: "j1", PathwayID: id, CollectionPoint: "discharge",
				Measures: map[string]float64{"msk-hq": 30}, OccurredAt: at}
			want := pathway.CheckID(id)
			if want == nil {
				require.NoError(t, terms.Validate())
				require.NoError(t, act.Validate())
				require.NoError(t, out.Validate())
				return
			}
			require.Equal(t, []domain.Violation{{Field: "terms.pathway_id", Description: want.Error()}}, violationsOf(t, terms.Validate()))
			require.Equal(t, []domain.Violation{{Field: "pathway.pathway_id", Description: want.Error()}}, violationsOf(t, act.Validate()))
			require.Equal(t, []domain.Violation{{Field: "pathway.pathway_id", Description: want.Error()}}, violationsOf(t, out.Validate()))
		})
	}
}

// TestContractIDsAreUnambiguous: with hyphens allowed in pathway ids, "<pathway>-<year>" still
// names one pathway and year: the year is the four digits after the last hyphen.
func TestContractIDsAreUnambiguous(t *testing.T) {
	type key struct {
		pathway string
		year    int
	}
	seen := map[string]key{}
	for _, p := range []string{"msk", "msk-spinal", "msk-2026", "msk-spinal-2026", "msk-2026-2027", "spinal-2026"} {
		for _, y := range []int{2000, 2026, 2027, 2100} {
			id := domain.ContractID(p, y)
			if other, dup := seen[id]; dup {
				t.Fatalf("%q names both %v and %v", id, other, key{p, y})
			}
			seen[id] = key{p, y}
			cut := strings.LastIndexByte(id, '-')
			require.Equal(t, p, id[:cut], id)
			require.Equal(t, strconv.Itoa(y), id[cut+1:], id)
		}
	}
	require.Equal(t, "msk-spinal-2026", domain.ContractID("msk-spinal", 2026))
}

func TestOutcomeScoresAndTargetsMustBeFinite(t *testing.T) {
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	for _, x := range nonFinite {
		t.Run(x.name, func(t *testing.T) {
			out := domain.Outcome{EventID: "e2", JourneyID: "j1", PathwayID: "msk", CollectionPoint: "discharge",
				Measures: map[string]float64{"msk-hq": 30, "eq-vas": x.value, "eq5d5l-index": x.value}, OccurredAt: at}
			require.Equal(t, []domain.Violation{
				{Field: "measures", Description: `measure "eq-vas": ` + x.rule},
				{Field: "measures", Description: `measure "eq5d5l-index": ` + x.rule},
			}, violationsOf(t, out.Validate()))

			terms := domain.Terms{PathwayID: "msk", Year: 2026, BudgetPence: 1_000_000, Currency: "GBP", Targets: []domain.Target{
				{ID: "a", Measure: "msk-hq", Rule: domain.RuleImprovement, MinChange: x.value, Threshold: x.value, WeightBP: 100}}}
			require.Equal(t, []domain.Violation{
				{Field: "terms.outcome_targets[0].min_change", Description: x.rule},
				{Field: "terms.outcome_targets[0].threshold", Description: x.rule},
			}, violationsOf(t, terms.Validate()))
		})
	}
	negative := domain.Terms{PathwayID: "msk", Year: 2026, BudgetPence: 1_000_000, Currency: "GBP", Targets: []domain.Target{
		{ID: "a", Measure: "msk-hq", Rule: domain.RuleImprovement, MinChange: -0.5, WeightBP: 100}}}
	require.Equal(t, []domain.Violation{{Field: "terms.outcome_targets[0].min_change", Description: "must not be negative, not -0.5"}},
		violationsOf(t, negative.Validate()))
}

var nonFinite = []struct {
	name  string
	value float64
	rule  string
}{
	{"NaN", math.NaN(), "must be a finite number, not NaN"},
	{"+Infinity", math.Inf(1), "must be a finite number, not +Infinity"},
	{"-Infinity", math.Inf(-1), "must be a finite number, not -Infinity"},
}

func violationsOf(t *testing.T, err error) []domain.Violation {
	t.Helper()
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	return ve.Violations
}
