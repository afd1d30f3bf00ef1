package server_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// snapshot is everything a bad request must leave unchanged: the position, the contract and
// the feed (its last cursor, found by charging a 1p marker activity).
type snapshot struct {
	position *financev1.GetBudgetPositionResponse
	contract *financev1.Contract
	cursor   uint64
}

var markers int

// mark charges a marker activity and returns the cursor of its ProviderPayable event, the last
// event it causes, reading the feed after from.
func mark(t *testing.T, c client, from uint64) (first, last uint64) {
	t.Helper()
	markers++
	m := activity("marker", markers, "RTG", "marker", 1, now)
	_, err := c.ingest.RecordActivity(t.Context(), m)
	require.NoError(t, err)
	log := &feedLog{}
	stream, err := c.feed.Follow(reader(t.Context()), &financev1.FollowRequest{AfterCursor: from})
	require.NoError(t, err)
	for {
		e, err := stream.Recv()
		require.NoError(t, err)
		log.add(t, e)
		if first == 0 {
			first = e.GetCursor()
		}
		if e.GetEvent().GetProviderPayable().GetSourceEventId() == m.GetEventId() {
			return first, e.GetCursor()
		}
	}
}

func take(t *testing.T, c client) snapshot {
	t.Helper()
	_, cursor := mark(t, c, 0)
	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	got, err := c.finance.GetContract(reader(t.Context()), &financev1.GetContractRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	return snapshot{position: pos, contract: got.GetContract(), cursor: cursor}
}

// requireUnchanged checks the position and contract, then that the next feed event after the
// snapshot is a new marker's: the bad request added no event.
func requireUnchanged(t *testing.T, c client, before snapshot) {
	t.Helper()
	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	got, err := c.finance.GetContract(reader(t.Context()), &financev1.GetContractRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	require.True(t, proto.Equal(before.position, pos), "budget position changed")
	require.True(t, proto.Equal(before.contract, got.GetContract()), "contract changed")
	first, last := mark(t, c, before.cursor)
	require.Equal(t, []uint64{before.cursor + 1, before.cursor + 2}, []uint64{first, last},
		"the feed's next events are not the marker's: the bad request added events")
}

func TestBadInputChangesNothing(t *testing.T) {
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	good := activity("ref-1", 0, "RTG", "physio-f2f", 2800, now.Add(-24*time.Hour))
	_, err := c.ingest.RecordActivity(t.Context(), good)
	require.NoError(t, err)

	with := func(f func(r *financev1.RecordActivityRequest)) *financev1.RecordActivityRequest {
		r := proto.Clone(activity("ref-2", 0, "RTG", "physio-f2f", 2800, now.Add(-24*time.Hour))).(*financev1.RecordActivityRequest)
		f(r)
		return r
	}
	tests := []struct {
		name     string
		call     func() error
		code     codes.Code
		field    string
		contains string
	}{
		{"negative price", func() error {
			_, err := c.ingest.RecordActivity(t.Context(), with(func(r *financev1.RecordActivityRequest) { r.UnitPricePence = -2800 }))
			return err
		}, codes.InvalidArgument, "unit_price_pence", "not -2800"},
		{"no event id", func() error {
			_, err := c.ingest.RecordActivity(t.Context(), with(func(r *financev1.RecordActivityRequest) { r.EventId = "" }))
			return err
		}, codes.InvalidArgument, "event_id", "is required"},
		{"price too high to be one", func() error {
			_, err := c.ingest.RecordActivity(t.Context(), with(func(r *financev1.RecordActivityRequest) { r.UnitPricePence = 100_000_001 }))
			return err
		}, codes.InvalidArgument, "unit_price_pence", "not 100000001"},
		{"an intervention the contract agrees no price for", func() error {
			_, err := c.ingest.RecordActivity(t.Context(), with(func(r *financev1.RecordActivityRequest) { r.InterventionCode = "hydrotherapy" }))
			return err
		}, codes.FailedPrecondition, "", `contract msk-2026 agrees no unit price for intervention code "hydrotherapy"`},
		{"unknown contract: other pathway", func() error {
			_, err := c.ingest.RecordActivity(t.Context(), with(func(r *financev1.RecordActivityRequest) { r.Pathway.PathwayId = "copd" }))
			return err
		}, codes.FailedPrecondition, "", `no contract for pathway "copd" in contract year 2026`},
		{"unknown contract: other year", func() error {
			at := time.Date(2027, 4, 1, 0, 30, 0, 0, time.UTC) // 1 April 2027 01:30 London: contract year 2027
			_, err := c.ingest.RecordActivity(t.Context(), with(func(r *financev1.RecordActivityRequest) { r.OccurredAt = timestamppb.New(at) }))
			return err
		}, codes.FailedPrecondition, "", `no contract for pathway "msk" in contract year 2027`},
		{"same event id, other payload", func() error {
			changed := proto.Clone(good).(*financev1.RecordActivityRequest)
			changed.UnitPricePence = 3000
			_, err := c.ingest.RecordActivity(t.Context(), changed)
			return err
		}, codes.AlreadyExists, "", "already applied with a different payload"},
		{"non-GBP contract", func() error {
			terms := mskTerms()
			terms.ContractYear, terms.Currency = 2027, "EUR"
			_, err := c.finance.CreateContract(admin(t.Context()), &financev1.CreateContractRequest{Terms: terms})
			return err
		}, codes.InvalidArgument, "terms.currency", `only GBP is supported, not "EUR"`},
		{"amendment allocating more than the budget", func() error {
			terms := mskTerms()
			for p := int32(1); p <= 12; p++ { // periods 1-8 (released) keep their 98.75m; 9-12 ask 100m each
				amount := int64(98_750_000)
				if p > 8 {
					amount = 100_000_000
				}
				terms.Schedule = append(terms.Schedule, &financev1.AllocationPeriod{Period: p, AmountPence: amount})
			}
			_, err := c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: terms})
			return err
		}, codes.InvalidArgument, "terms.schedule", "more than the allocatable budget"},
		{"amendment cutting the budget below what was released", func() error {
			terms := mskTerms()
			terms.AnnualBudgetPence = 100_000_000
			_, err := c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: terms})
			return err
		}, codes.InvalidArgument, "terms.annual_budget_pence", "would exceed the allocatable budget"},
		{"unit price of zero", func() error {
			terms := mskTerms()
			terms.UnitPrices[0].UnitPricePence = 0
			_, err := c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: terms})
			return err
		}, codes.InvalidArgument, "terms.unit_prices[0].unit_price_pence", "must be more than 0"},
		{"two unit prices for one intervention", func() error {
			terms := mskTerms()
			terms.UnitPrices = append(terms.UnitPrices, &financev1.InterventionPrice{InterventionCode: "cats", UnitPricePence: 1})
			_, err := c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: terms})
			return err
		}, codes.InvalidArgument, fmt.Sprintf("terms.unit_prices[%d].intervention_code", len(mskPrices)), `"cats" already has a price`},
		{"amendment without the admin role", func() error {
			_, err := c.finance.AmendContract(reader(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: mskTerms()})
			return err
		}, codes.PermissionDenied, "", "finance-admin"},
		{"amendment of a stale contract", func() error {
			_, err := c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: mskTerms(), ExpectedAmendment: 3})
			return err
		}, codes.Aborted, "", "is at amendment 0, not 3"},
		{"contract created twice", func() error {
			_, err := c.finance.CreateContract(admin(t.Context()), &financev1.CreateContractRequest{Terms: mskTerms()})
			return err
		}, codes.AlreadyExists, "", "already exists"},
	}
	for _, x := range nonFinite {
		tests = append(tests, []struct {
			name     string
			call     func() error
			code     codes.Code
			field    string
			contains string
		}{
			{"contract min_change " + x.name, func() error {
				terms := mskTerms()
				terms.ContractYear, terms.OutcomeTargets[0].MinChange = 2027, x.value
				_, err := c.finance.CreateContract(admin(t.Context()), &financev1.CreateContractRequest{Terms: terms})
				return err
			}, codes.InvalidArgument, "terms.outcome_targets[0].min_change", x.rule},
			{"contract threshold " + x.name, func() error {
				terms := mskTerms()
				terms.ContractYear, terms.OutcomeTargets[0].Rule, terms.OutcomeTargets[0].Threshold = 2027, financev1.OutcomeRule_OUTCOME_RULE_THRESHOLD, x.value
				_, err := c.finance.CreateContract(admin(t.Context()), &financev1.CreateContractRequest{Terms: terms})
				return err
			}, codes.InvalidArgument, "terms.outcome_targets[0].threshold", x.rule},
			{"amendment min_change " + x.name, func() error {
				terms := mskTerms()
				terms.OutcomeTargets[0].MinChange = x.value
				_, err := c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: terms})
				return err
			}, codes.InvalidArgument, "terms.outcome_targets[0].min_change", x.rule},
			{"outcome score " + x.name, func() error {
				_, err := c.ingest.RecordOutcome(t.Context(), outcome("ref-2", "discharge", x.value, now))
				return err
			}, codes.InvalidArgument, "measures", x.rule},
		}...)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := take(t, c)
			err := tc.call()
			requireCode(t, err, tc.code, tc.contains)
			if tc.field != "" {
				require.Contains(t, violations(t, err), tc.field)
				require.Contains(t, violations(t, err)[tc.field], tc.contains)
			}
			requireUnchanged(t, c, before)
			_, err = c.finance.GetContract(reader(t.Context()), &financev1.GetContractRequest{ContractId: "msk-2027"})
			requireCode(t, err, codes.NotFound)
		})
	}
}

// nonFinite are the doubles protobuf (and its JSON: "NaN", "Infinity", "-Infinity") carries that
// no score, change or threshold may be.
var nonFinite = []struct {
	name  string
	value float64
	rule  string
}{
	{"NaN", math.NaN(), "must be a finite number, not NaN"},
	{"+Infinity", math.Inf(1), "must be a finite number, not +Infinity"},
	{"-Infinity", math.Inf(-1), "must be a finite number, not -Infinity"},
}

// TestNonFiniteOutcomeLeavesItsEventIDFree: a refused outcome recorded nothing, so the same
// event ID with a finite score is applied afresh (not a duplicate, not a conflict).
func TestNonFiniteOutcomeLeavesItsEventIDFree(t *testing.T) {
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	for _, x := range nonFinite {
		t.Run(x.name, func(t *testing.T) {
			journey := "ref-" + x.name
			_, err := c.ingest.RecordOutcome(t.Context(), outcome(journey, "discharge", x.value, now))
			requireCode(t, err, codes.InvalidArgument)
			require.Equal(t, map[string]string{"measures": `measure "msk-hq": ` + x.rule}, violations(t, err))
			got, err := c.ingest.RecordOutcome(t.Context(), outcome(journey, "discharge", 30, now))
			require.NoError(t, err)
			require.False(t, got.GetDuplicate(), "the refused outcome was not recorded")
		})
	}
}
