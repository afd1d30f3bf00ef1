package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// Synthetic ODS codes of the journeys these tests make: a practice apart from the demo's
// (Y9000x), in the PCN of the demo coordinator the tests act as (coordinators see only their
// own PCNs); the browser test reads the other demo PCN's figures, which these do not move.
const (
	testPractice = "Y99001"
	testPCN      = coordinatorPCN
)

// Referrals are dated now: governance seeds the built-in pathways as in effect from its first
// start, so on a fresh data directory a referral dated earlier finds no version to pin and its
// journey stays "starting".

// restReferral is a MSK referral as REST/JSON.
func restReferral(referralID, nhs string) map[string]any {
	return map[string]any{"referralId": referralID, "pathwayId": "msk", "nhsNumber": nhs,
		"practiceOdsCode": testPractice, "pcnOdsCode": testPCN, "segment": "SEGMENT_LONG_TERM_CONDITIONS",
		"source": "REFERRAL_SOURCE_GP", "reason": "knee pain for 8 weeks",
		"referredAt": time.Now().UTC().Format(time.RFC3339Nano)}
}

// transition sends one REST transition and returns its result.
func transition(t *testing.T, api restClient, journeyID, action string, body map[string]any) *coordinatorv1.TransitionResult {
	t.Helper()
	code, raw := api.do(http.MethodPost, "/v1/journeys/"+journeyID+":"+action, body)
	require.Equal(t, http.StatusOK, code, "%s: %s", action, raw)
	var wrapped struct {
		Result json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal(raw, &wrapped), "%s", raw)
	var res coordinatorv1.TransitionResult
	require.NoError(t, protojson.Unmarshal(wrapped.Result, &res), "%s", raw)
	return &res
}

func TestMSKJourneyOverREST(t *testing.T) {
	t.Parallel()
	d := sharedStack(t)
	api := d.rest(t)
	ref := "E2E-MSK-" + uniqueSuffix()
	contract := contractID("msk", time.Now())
	before := budget(t, d, contract)

	var sub coordinatorv1.SubmitReferralResponse
	api.call(http.MethodPost, "/v1/referrals", restReferral(ref, testNHSNumber()), &sub)
	require.True(t, sub.GetCreated())
	id := sub.GetJourneyId()
	awaitJourney(t, d, d.coordinator(t), id)

	var events []string
	step := func(action string, body map[string]any) *coordinatorv1.TransitionResult {
		body["requestId"] = action + "-" + fmt.Sprint(len(events))
		res := transition(t, api, id, action, body)
		events = append(events, res.GetEvents()...)
		return res
	}
	book := func(code string) string {
		res := step("scheduleIntervention", map[string]any{"intervention": code,
			"scheduledFor": time.Now().UTC().Add(time.Hour).Format(time.RFC3339)})
		require.NotEmpty(t, res.GetInterventionId(), code)
		return res.GetInterventionId()
	}
	spa := book("spa-triage")
	step("completeIntervention", map[string]any{"interventionId": spa})
	triaged := step("triage", map[string]any{"disposition": "cats", "baseline": []map[string]any{
		{"code": "msk-hq", "value": 30}, {"code": "eq5d5l-index", "value": 0.61}, {"code": "eq-vas", "value": 60}}})
	require.Equal(t, "cats-assessment", triaged.GetStage())
	cats := book("cats-assessment")
	step("startIntervention", map[string]any{"interventionId": cats})
	step("completeIntervention", map[string]any{"interventionId": cats})
	step("recordOutcome", map[string]any{"collectionPoint": "discharge", "measures": []map[string]any{
		{"code": "msk-hq", "value": 44}, {"code": "eq5d5l-index", "value": 0.82}, {"code": "eq-vas", "value": 80}}})
	step("discharge", map[string]any{"reason": "treatment-complete", "note": "home exercise plan agreed"})

	var got coordinatorv1.GetJourneyResponse
	api.call(http.MethodGet, "/v1/journeys/"+id, nil, &got)
	require.Equal(t, "discharged", got.GetJourney().GetStage())
	require.Equal(t, "discharged", got.GetJourney().GetStatus(), "MSK keeps follow-ups after discharge")
	requireTimelineInOrder(t, &got, "ReferralReceived", "InterventionScheduled", "InterventionCompleted",
		"TriageCompleted", "RTTClockStarted", "InterventionScheduled", "InterventionStarted", "InterventionCompleted",
		"OutcomeRecorded", "Discharged")
	requireTimelineInOrder(t, &got, events...)

	requireCostedOnce(t, d, contract, before, id)
}

// requireTimelineInOrder checks the journey's timeline holds want in this order (other events
// may come between).
func requireTimelineInOrder(t *testing.T, got *coordinatorv1.GetJourneyResponse, want ...string) {
	t.Helper()
	var types []string
	for _, e := range got.GetTimeline() {
		types = append(types, e.GetType())
	}
	rest := types
	for _, w := range want {
		i := slices.Index(rest, w)
		require.GreaterOrEqual(t, i, 0, "timeline %v: %s missing or out of order (want %v in order)", types, w, want)
		rest = rest[i+1:]
	}
}

// contractID is the finance contract of pathway for the April-March year holding now.
func contractID(pathway string, now time.Time) string {
	year := now.Year()
	if now.Month() < time.April {
		year--
	}
	return fmt.Sprintf("%s-%d", pathway, year)
}

func budget(t *testing.T, d *devstack, contract string) *financev1.GetBudgetPositionResponse {
	t.Helper()
	pos, err := d.finance(t).GetBudgetPosition(d.financeReading(t), &financev1.GetBudgetPositionRequest{ContractId: contract})
	require.NoError(t, err, contract)
	return pos
}

// requireCostedOnce waits until the journey delivered its facts, then checks the finance
// ledger counts each completed intervention's price exactly once.
func requireCostedOnce(t *testing.T, d *devstack, contract string, before *financev1.GetBudgetPositionResponse, journeyID string) {
	t.Helper()
	c := d.coordinator(t)
	var j *coordinatorv1.Journey
	eventually(t, time.Minute, journeyID+" delivered to finance", func() error {
		got, err := c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
		if err != nil {
			return err
		}
		j = got.GetJourney()
		if n := j.GetPendingPushes(); n != 0 {
			return fmt.Errorf("%d pending pushes", n)
		}
		return nil
	})
	var price, completed int64
	for _, iv := range j.GetInterventions() {
		if iv.GetStatus() == "completed" {
			require.Positive(t, iv.GetUnitPricePence(), iv.GetCode())
			price += iv.GetUnitPricePence()
			completed++
		}
	}
	require.Positive(t, completed)
	after := budget(t, d, contract)
	require.Equal(t, before.GetSpentPence()+price, after.GetSpentPence(), "spent on %s moves by the completed interventions' prices, once", contract)
	require.Equal(t, before.GetActivities()+completed, after.GetActivities(), "one costed activity per completed intervention")
	for _, iv := range j.GetInterventions() {
		if iv.GetStatus() != "completed" {
			continue
		}
		was, now := spendLine(before.GetByIntervention(), iv.GetCode()), spendLine(after.GetByIntervention(), iv.GetCode())
		require.Equal(t, was.GetSpentPence()+iv.GetUnitPricePence(), now.GetSpentPence(), iv.GetCode())
		require.Equal(t, was.GetActivities()+1, now.GetActivities(), iv.GetCode())
	}
}

func spendLine(lines []*financev1.SpendLine, key string) *financev1.SpendLine {
	for _, l := range lines {
		if l.GetKey() == key {
			return l
		}
	}
	return &financev1.SpendLine{Key: key}
}

func TestCOPDJourneyOverGRPC(t *testing.T) {
	t.Parallel()
	d := sharedStack(t)
	c := d.coordinator(t)
	ctx := d.coordinating(t)
	contract := contractID("copd", time.Now())
	before := budget(t, d, contract)

	sub, err := c.SubmitReferral(ctx, &coordinatorv1.SubmitReferralRequest{ReferralId: "E2E-COPD-" + uniqueSuffix(),
		PathwayId: "copd", NhsNumber: testNHSNumber(), PracticeOdsCode: testPractice, PcnOdsCode: testPCN,
		Segment: journeyv1.Segment_SEGMENT_COMPLEX, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		Reason: "breathless on exertion", ReferredAt: timestamppb.Now()})
	require.NoError(t, err)
	require.True(t, sub.GetCreated())
	id := sub.GetJourneyId()
	awaitJourney(t, d, c, id)

	n := 0
	rid := func() string { n++; return fmt.Sprintf("copd-step-%d", n) }
	book := func(code string) string {
		res, err := c.ScheduleIntervention(ctx, &coordinatorv1.ScheduleInterventionRequest{JourneyId: id, RequestId: rid(),
			Intervention: code, ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
		require.NoError(t, err, code)
		return res.GetResult().GetInterventionId()
	}
	complete := func(iv string) {
		_, err := c.CompleteIntervention(ctx, &coordinatorv1.CompleteInterventionRequest{JourneyId: id, RequestId: rid(), InterventionId: iv})
		require.NoError(t, err, iv)
	}
	outcome := func(point string, ms ...*coordinatorv1.Measure) {
		_, err := c.RecordOutcome(ctx, &coordinatorv1.RecordOutcomeRequest{JourneyId: id, RequestId: rid(), CollectionPoint: point, Measures: ms})
		require.NoError(t, err, point)
	}
	mrc := func(v float64) *coordinatorv1.Measure {
		return &coordinatorv1.Measure{Code: "mrc-dyspnoea", Value: v, Scale: "MRC 1-5"}
	}
	m := func(code string, v float64) *coordinatorv1.Measure {
		return &coordinatorv1.Measure{Code: code, Value: v}
	}

	complete(book("spirometry"))
	outcome("baseline", m("fev1-fvc", 0.62))
	complete(book("respiratory-triage"))
	tri, err := c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: id, RequestId: rid(), Disposition: "respiratory-clinic",
		Baseline: []*coordinatorv1.Measure{mrc(3), m("cat", 22), m("days-at-home", 80), m("feeling-supported", 5)}})
	require.NoError(t, err)
	require.Contains(t, tri.GetResult().GetEvents(), "TriageCompleted")
	complete(book("respiratory-outpatient"))
	rehab := book("pulmonary-rehab")
	_, err = c.StartIntervention(ctx, &coordinatorv1.StartInterventionRequest{JourneyId: id, RequestId: rid(), InterventionId: rehab})
	require.NoError(t, err)
	complete(rehab)
	complete(book("annual-review"))
	outcome("discharge", mrc(2), m("cat", 15), m("days-at-home", 86), m("feeling-supported", 8))
	dis, err := c.Discharge(ctx, &coordinatorv1.DischargeRequest{JourneyId: id, RequestId: rid(), Reason: "self-managing"})
	require.NoError(t, err)
	require.Contains(t, dis.GetResult().GetEvents(), "Discharged")

	got, err := c.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: id})
	require.NoError(t, err)
	require.Equal(t, "discharged", got.GetJourney().GetStage())
	require.NotEqual(t, "active", got.GetJourney().GetStatus())
	requireTimelineInOrder(t, got, "ReferralReceived", "InterventionScheduled", "InterventionCompleted", "OutcomeRecorded",
		"TriageCompleted", "InterventionStarted", "InterventionCompleted", "OutcomeRecorded", "Discharged")
	requireCostedOnce(t, d, contract, before, id)
}

// submitted submits a fresh MSK referral over gRPC and returns its journey ID.
func submitted(t *testing.T, d *devstack, c coordinatorv1.CoordinatorServiceClient, referralID string) (string, *coordinatorv1.SubmitReferralRequest) {
	t.Helper()
	req := &coordinatorv1.SubmitReferralRequest{ReferralId: referralID, PathwayId: "msk", NhsNumber: testNHSNumber(),
		PracticeOdsCode: testPractice, PcnOdsCode: testPCN, Segment: journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_SELF, Reason: "back pain",
		ReferredAt: timestamppb.Now()}
	sub, err := c.SubmitReferral(d.coordinating(t), req)
	require.NoError(t, err)
	awaitJourney(t, d, c, sub.GetJourneyId())
	return sub.GetJourneyId(), req
}

// awaitJourney waits until a just-submitted journey has pinned its pathway version. Until then
// it takes no transition (the coordinator answers FailedPrecondition at stage "" / "starting"),
// so a coordinator's client reads the journey first, as the devstack's demo loader does.
func awaitJourney(t *testing.T, d *devstack, c coordinatorv1.CoordinatorServiceClient, journeyID string) {
	t.Helper()
	eventually(t, 30*time.Second, journeyID+" pinned", func() error {
		got, err := c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
		if err != nil {
			return err
		}
		if j := got.GetJourney(); j.GetVersion() == 0 || j.GetStage() == "" {
			return fmt.Errorf("version %d, stage %q, status %s", j.GetVersion(), j.GetStage(), j.GetStatus())
		}
		return nil
	})
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	d := sharedStack(t)
	c := d.coordinator(t)
	suffix := uniqueSuffix()

	t.Run("bad NHS number is InvalidArgument naming nhs_number, REST and gRPC, and changes nothing", func(t *testing.T) {
		body := restReferral("E2E-BADNHS-"+suffix, "9434765918") // check digit should be 9
		e := d.rest(t).fails(http.MethodPost, "/v1/referrals", body, http.StatusBadRequest)
		require.Equal(t, int(codes.InvalidArgument), e.Code)
		var fields []string
		for _, det := range e.Details {
			for _, v := range det.FieldViolations {
				fields = append(fields, v.Field)
			}
		}
		require.Contains(t, fields, "nhs_number", "%+v", e)

		_, err := c.SubmitReferral(d.coordinating(t), &coordinatorv1.SubmitReferralRequest{ReferralId: "E2E-BADNHS-" + suffix,
			PathwayId: "msk", NhsNumber: "12345", PracticeOdsCode: testPractice, PcnOdsCode: testPCN,
			Segment: journeyv1.Segment_SEGMENT_COMPLEX, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, Reason: "x",
			ReferredAt: timestamppb.Now()})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
		require.Contains(t, violatedFields(err), "nhs_number")

		_, err = c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: "ref-E2E-BADNHS-" + suffix})
		require.Equal(t, codes.NotFound, status.Code(err), "a refused referral starts no journey: %v", err)
	})

	t.Run("a transition not allowed now is FailedPrecondition naming the stage", func(t *testing.T) {
		id, _ := submitted(t, d, c, "E2E-EARLY-"+suffix)
		triage := func(requestID string) error {
			_, err := c.Triage(d.coordinating(t), &coordinatorv1.TriageRequest{JourneyId: id, RequestId: requestID,
				Disposition: "cats", Baseline: []*coordinatorv1.Measure{{Code: "msk-hq", Value: 30}}})
			return err
		}
		require.NoError(t, triage("first-triage"))
		now, err := c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: id})
		require.NoError(t, err)
		stage := now.GetJourney().GetStage()
		require.Equal(t, "cats-assessment", stage)

		err = triage("second-triage") // a new request: triage again once triaged
		require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
		require.Contains(t, status.Convert(err).Message(), stage)
		require.Equal(t, stage, errorInfoStage(err))

		after, err := c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: id})
		require.NoError(t, err)
		require.Equal(t, now.GetJourney().GetRevision(), after.GetJourney().GetRevision(), "a refused transition changes nothing")
	})

	t.Run("the same referral ID with another payload is AlreadyExists; the same payload answers created=false", func(t *testing.T) {
		id, req := submitted(t, d, c, "E2E-DUP-"+suffix)
		again, err := c.SubmitReferral(d.coordinating(t), req)
		require.NoError(t, err)
		require.False(t, again.GetCreated())
		require.Equal(t, id, again.GetJourneyId())

		other := proto.CloneOf(req)
		other.Reason = "a different reason"
		_, err = c.SubmitReferral(d.coordinating(t), other)
		require.Equal(t, codes.AlreadyExists, status.Code(err), "%v", err)
	})

	t.Run("a retried request ID returns the same answer and changes nothing", func(t *testing.T) {
		id, _ := submitted(t, d, c, "E2E-RETRY-"+suffix)
		req := &coordinatorv1.TriageRequest{JourneyId: id, RequestId: "triage-once-" + suffix, Disposition: "cats",
			Baseline: []*coordinatorv1.Measure{{Code: "msk-hq", Value: 30}}}
		first, err := c.Triage(d.coordinating(t), req)
		require.NoError(t, err)
		second, err := c.Triage(d.coordinating(t), req)
		require.NoError(t, err)
		require.True(t, proto.Equal(first, second), "first %v, retry %v", first, second)

		got, err := c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: id})
		require.NoError(t, err)
		require.Equal(t, first.GetResult().GetRevision(), got.GetJourney().GetRevision())
		triages := 0
		for _, e := range got.GetTimeline() {
			if e.GetType() == "TriageCompleted" {
				triages++
			}
		}
		require.Equal(t, 1, triages)
	})

	t.Run("two concurrent triages of one referral: exactly one succeeds", func(t *testing.T) {
		id, _ := submitted(t, d, c, "E2E-RACE-"+suffix)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = c.Triage(d.coordinating(t), &coordinatorv1.TriageRequest{JourneyId: id,
					RequestId: fmt.Sprintf("race-%d-%s", i, suffix), Disposition: "cats",
					Baseline: []*coordinatorv1.Measure{{Code: "msk-hq", Value: float64(20 + i)}}})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			code := status.Code(err)
			require.True(t, code == codes.Aborted || code == codes.FailedPrecondition, "the loser is refused, not broken: %v", err)
		}
		require.Equal(t, 1, ok, "errors: %v", errs)
	})
}

// violatedFields lists the BadRequest field violations of a gRPC error.
func violatedFields(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

// errorInfoStage is the stage a FailedPrecondition's ErrorInfo names.
func errorInfoStage(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetMetadata()["stage"]
		}
	}
	return ""
}
