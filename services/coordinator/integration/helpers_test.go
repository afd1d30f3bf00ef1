package integration

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// referral returns a valid MSK referral (a synthetic NHS number of the 999 test range), referred
// when the stack started (the built-in pathway versions are in effect from then).
func (s *stack) referral(id string) *coordinatorv1.SubmitReferralRequest {
	return &coordinatorv1.SubmitReferralRequest{
		ReferralId: id, PathwayId: "msk", NhsNumber: "9990001006", PracticeOdsCode: "A81001", PcnOdsCode: "U12345",
		Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		Reason: "knee pain for 8 weeks", ReferredAt: timestamppb.New(s.at),
	}
}

func baseline() []*coordinatorv1.Measure {
	return []*coordinatorv1.Measure{{Code: "msk-hq", Value: 30}, {Code: "eq5d5l-index", Value: 0.61}, {Code: "eq-vas", Value: 60}}
}

func dischargeScores() []*coordinatorv1.Measure {
	return []*coordinatorv1.Measure{{Code: "msk-hq", Value: 44}, {Code: "eq5d5l-index", Value: 0.82}, {Code: "eq-vas", Value: 80},
		{Code: "feeling-supported", Value: 8}}
}

func requireCode(t *testing.T, err error, code codes.Code, contains string) {
	t.Helper()
	require.Error(t, err)
	st := status.Convert(err)
	require.Equal(t, code, st.Code(), st.Message())
	require.Contains(t, st.Message(), contains)
}

// violations returns the BadRequest field violations of an error, by field.
func violations(t *testing.T, err error) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out[v.GetField()] = v.GetDescription()
			}
		}
	}
	return out
}

// stageOf returns the stage named in an error's ErrorInfo.
func stageOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetMetadata()["stage"]
		}
	}
	return ""
}
