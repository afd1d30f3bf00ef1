package domain

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func validReferral() Referral {
	return Referral{ReferralID: "R-1001", PathwayID: "msk", NHSNumber: "9434765919", PracticeCode: "A81001",
		PCNCode: "U12345", Segment: journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_SELF, Reason: "back pain", ReferredAt: now.Add(-time.Hour)}
}

func violationsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	out := map[string]string{}
	for _, v := range ve.Violations {
		out[v.Field] = v.Description
	}
	return out
}

func TestReferralValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Referral)
		fields []string
	}{
		{"bad referral id", func(r *Referral) { r.ReferralID = "has space" }, []string{"referral_id"}},
		{"no pathway", func(r *Referral) { r.PathwayID = "" }, []string{"pathway_id"}},
		{"wrong check digit", func(r *Referral) { r.NHSNumber = "9434765918" }, []string{"nhs_number"}},
		{"practice not letter+5 digits", func(r *Referral) { r.PracticeCode = "U1234" }, []string{"practice_ods_code"}},
		{"PCN not U+5 digits", func(r *Referral) { r.PCNCode = "A81001" }, []string{"pcn_ods_code"}},
		{"no segment", func(r *Referral) { r.Segment = 0 }, []string{"segment"}},
		{"unknown segment", func(r *Referral) { r.Segment = 42 }, []string{"segment"}},
		{"no source", func(r *Referral) { r.Source = 0 }, []string{"source"}},
		{"no reason", func(r *Referral) { r.Reason = "  " }, []string{"reason"}},
		{"reason too long", func(r *Referral) { r.Reason = strings.Repeat("a", MaxReasonLength+1) }, []string{"reason"}},
		{"no time", func(r *Referral) { r.ReferredAt = time.Time{} }, []string{"referred_at"}},
		{"future", func(r *Referral) { r.ReferredAt = now.Add(time.Hour) }, []string{"referred_at"}},
		{"several at once", func(r *Referral) { r.NHSNumber, r.PCNCode = "123", "" }, []string{"nhs_number", "pcn_ods_code"}},
	}
	require.NoError(t, validReferral().Validate(now))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReferral()
			tt.change(&r)
			got := violationsOf(t, r.Validate(now))
			require.Len(t, got, len(tt.fields), "%v", got)
			for _, f := range tt.fields {
				require.Contains(t, got, f)
			}
			require.NotContains(t, r.Validate(now).Error(), "9434765918")
		})
	}
}

func TestReferralFingerprint(t *testing.T) {
	a := validReferral()
	key := []byte("k")
	require.Equal(t, a.Fingerprint(key), validReferral().Fingerprint(key), "same referral, same fingerprint")
	b := validReferral()
	b.Reason = "knee pain"
	require.NotEqual(t, a.Fingerprint(key), b.Fingerprint(key), "any field changes it")
	require.NotEqual(t, a.Fingerprint(key), a.Fingerprint([]byte("other")), "keyed")
	require.NotContains(t, a.Fingerprint(key), a.NHSNumber)
	c := validReferral()
	c.ReferredAt = a.ReferredAt.In(time.FixedZone("BST", 3600))
	require.Equal(t, a.Fingerprint(key), c.Fingerprint(key), "the same instant in another zone is the same referral")
}

func TestCommandValidate(t *testing.T) {
	tests := []struct {
		name   string
		cmd    Command
		fields []string
	}{
		{"triage ok", Command{Transition: Triage, JourneyID: "ref-1", RequestID: "r1", Disposition: "cats"}, nil},
		{"no ids", Command{Transition: Triage, Disposition: "cats"}, []string{"journey_id", "request_id"}},
		{"triage without disposition", Command{Transition: Triage, JourneyID: "ref-1", RequestID: "r1"}, []string{"disposition"}},
		{"baseline without code", Command{Transition: Triage, JourneyID: "ref-1", RequestID: "r1", Disposition: "cats",
			Measures: []Measure{{Value: 3}}}, []string{"baseline[0].code"}},
		{"schedule without time", Command{Transition: ScheduleIntervention, JourneyID: "ref-1", RequestID: "r1", Intervention: "x"},
			[]string{"scheduled_for"}},
		{"complete without id", Command{Transition: CompleteIntervention, JourneyID: "ref-1", RequestID: "r1"}, []string{"intervention_id"}},
		{"outcome without measures", Command{Transition: RecordOutcome, JourneyID: "ref-1", RequestID: "r1", CollectionPoint: "review"},
			[]string{"measures"}},
		{"discharge without reason", Command{Transition: Discharge, JourneyID: "ref-1", RequestID: "r1"}, []string{"reason"}},
		{"migrate to version 0", Command{Transition: MigrateVersion, JourneyID: "ref-1", RequestID: "r1", Reason: "x"},
			[]string{"target_version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cmd.Validate(now)
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			got := violationsOf(t, err)
			require.Len(t, got, len(tt.fields), "%v", got)
			for _, f := range tt.fields {
				require.Contains(t, got, f)
			}
		})
	}
}

func TestWorklistQueryValidate(t *testing.T) {
	q := WorklistQuery{Worklist: WorklistAwaitingTriage}
	require.NoError(t, q.Validate())
	require.Equal(t, DefaultPageSize, q.PageSize)

	bad := WorklistQuery{PathwayID: "MSK'; --", PCNCode: "A81001", PageSize: MaxPageSize + 1}
	got := violationsOf(t, bad.Validate())
	require.Contains(t, got, "worklist")
	require.Contains(t, got, "pathway_id", "filters go into a visibility query: only known shapes pass")
	require.Contains(t, got, "pcn_ods_code")
	require.Contains(t, got, "page_size")
}

// pathwayIDs are ids the old coordinator rule and the pathway model disagreed on, and a few
// both accept: the coordinator now answers exactly as pathway.CheckID does, with its message.
var pathwayIDs = []string{"msk", "copd", "msk-spinal", "msk-2026", "MSK", "1msk", "msk--spinal", "msk-", "msk_spinal",
	"a" + strings.Repeat("b", 63), "a" + strings.Repeat("b", 64)}

func TestPathwayIDIsThePathwayModelsRule(t *testing.T) {
	for _, id := range pathwayIDs {
		t.Run(id[:min(len(id), 20)], func(t *testing.T) {
			want := pathway.CheckID(id)
			r := validReferral()
			r.PathwayID = id
			q := WorklistQuery{Worklist: WorklistAwaitingTriage, PathwayID: id}
			if want == nil {
				require.NoError(t, r.Validate(now))
				require.NoError(t, q.Validate())
				return
			}
			require.Equal(t, map[string]string{"pathway_id": want.Error()}, violationsOf(t, r.Validate(now)))
			require.Equal(t, map[string]string{"pathway_id": want.Error()}, violationsOf(t, q.Validate()))
		})
	}
}

func TestMeasuresMustBeFinite(t *testing.T) {
	triage := func(ms ...Measure) Command {
		return Command{Transition: Triage, JourneyID: "ref-1", RequestID: "r1", Disposition: "cats", Measures: ms}
	}
	outcome := func(ms ...Measure) Command {
		return Command{Transition: RecordOutcome, JourneyID: "ref-1", RequestID: "r1", CollectionPoint: "discharge", Measures: ms}
	}
	ok := Measure{Code: "msk-hq", Value: 30}
	tests := []struct {
		name string
		cmd  Command
		want map[string]string
	}{
		{"baseline NaN", triage(ok, Measure{Code: "eq-vas", Value: math.NaN()}),
			map[string]string{"baseline[1].value": "must be a finite number, not NaN"}},
		{"baseline +Inf", triage(Measure{Code: "eq-vas", Value: math.Inf(1)}),
			map[string]string{"baseline[0].value": "must be a finite number, not +Infinity"}},
		{"baseline -Inf", triage(Measure{Code: "eq-vas", Value: math.Inf(-1)}),
			map[string]string{"baseline[0].value": "must be a finite number, not -Infinity"}},
		{"outcome NaN", outcome(Measure{Code: "msk-hq", Value: math.NaN()}),
			map[string]string{"measures[0].value": "must be a finite number, not NaN"}},
		{"outcome +Inf and -Inf", outcome(ok, Measure{Code: "a", Value: math.Inf(1)}, Measure{Code: "b", Value: math.Inf(-1)}),
			map[string]string{"measures[1].value": "must be a finite number, not +Infinity", "measures[2].value": "must be a finite number, not -Infinity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, violationsOf(t, tt.cmd.Validate(now)))
		})
	}
	require.NoError(t, triage(ok, Measure{Code: "eq5d5l-index", Value: -0.59}).Validate(now), "negative and fractional scores are fine")
}
