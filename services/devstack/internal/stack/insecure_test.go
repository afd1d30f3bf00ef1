package stack_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
)

// TestInsecureRunsThePlaintextStack: -insecure runs every service in plaintext without a
// provider, callers naming themselves with the interim metadata (x-actor, x-roles, x-orgs).
func TestInsecureRunsThePlaintextStack(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Insecure = true
	s := startStack(t, cfg)
	require.Empty(t, s.CAFile())
	require.Empty(t, s.Issuer())
	require.Nil(t, s.Provider())
	_, err := s.TokenFor(t.Context(), coordU90001)
	require.Error(t, err, "no provider, no tokens")
	require.True(t, strings.HasSuffix(s.EventStoreURL, "?tls=false"), s.EventStoreURL)
	require.Equal(t, "http://", s.DashboardURL()[:len("http://")])

	c := clientsOf(t, s) // plaintext
	coordinator := metadata.AppendToOutgoingContext(t.Context(), "x-actor", "coord-test", "x-roles", "coordinator", "x-orgs", "U90001")
	v, err := c.governance.GetVersionInEffect(coordinator, &governancev1.GetVersionInEffectRequest{PathwayId: "msk"})
	require.NoError(t, err)
	require.EqualValues(t, 1, v.GetVersion().GetVersion())
	resp, err := c.coordinator.SubmitReferral(coordinator, &coordinatorv1.SubmitReferralRequest{ReferralId: "R-INSECURE",
		PathwayId: "msk", NhsNumber: demo.NHSNumbers(1)[0], PracticeOdsCode: "Y90001", PcnOdsCode: "U90001",
		Segment: journeyv1.Segment_SEGMENT_COMPLEX, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		Reason: "knee pain", ReferredAt: timestamppb.New(time.Now())})
	require.NoError(t, err)
	got, err := c.coordinator.GetJourney(coordinator, &coordinatorv1.GetJourneyRequest{JourneyId: resp.GetJourneyId()})
	require.NoError(t, err)
	require.Equal(t, resp.GetJourneyId(), got.GetJourney().GetJourneyId())

	_, err = c.coordinator.GetJourney(t.Context(), &coordinatorv1.GetJourneyRequest{JourneyId: resp.GetJourneyId()})
	require.Equal(t, codes.Unauthenticated, status.Code(err), "a caller must still name themselves: %v", err)
}
