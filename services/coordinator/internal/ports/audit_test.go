package ports

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

const svc = "/pathways.coordinator.v1.CoordinatorService/"

// entry is what a test expects of one recorded call.
type entry struct {
	method   string
	journeys []string
	outcome  coordinatorv1.AccessOutcome
	code     string
	request  string
}

func listAccess(t *testing.T, a *AuditServer, req *coordinatorv1.ListAccessRequest) []*coordinatorv1.AccessEntry {
	t.Helper()
	var out []*coordinatorv1.AccessEntry
	for {
		res, err := a.ListAccess(as(auditor), req)
		require.NoError(t, err)
		out = append(out, res.GetEntries()...)
		if res.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = res.GetNextPageToken()
	}
}

// TestEveryReadAndChangeLeavesOneAuditEntry: each call, allowed or not, is one entry naming
// the caller (subject, name, organisations), the method, the journeys, the outcome, when and
// from where; an auditor reads them back with ListAccess.
func TestEveryReadAndChangeLeavesOneAuditEntry(t *testing.T) {
	j := withJourneys()
	j.listed = []app.Listed{{JourneyID: "ref-own", PCN: ownPCN}, {JourneyID: "ref-other", PCN: otherPCN}}
	s, audit := newServers(j, storeTrail(t))
	ctx := as(coordinator)
	referral := &coordinatorv1.SubmitReferralRequest{ReferralId: "R-1", PathwayId: "msk", NhsNumber: "9434765919",
		PracticeOdsCode: "A81001", PcnOdsCode: ownPCN, Segment: journeyv1.Segment_SEGMENT_COMPLEX,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, Reason: "knee pain", ReferredAt: timestamppb.New(start.Add(-time.Hour))}
	_, err := s.SubmitReferral(ctx, referral)
	require.NoError(t, err)
	referral.ReferralId, referral.PcnOdsCode = "R-2", otherPCN
	_, _ = s.SubmitReferral(ctx, referral)
	for _, id := range []string{"ref-own", "ref-other", "ref-gone"} {
		_, _ = s.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: id})
	}
	_, _ = s.Cancel(ctx, &coordinatorv1.CancelRequest{JourneyId: "ref-own", RequestId: "cancel-1", Reason: "moved-away"})
	_, _ = s.Cancel(ctx, &coordinatorv1.CancelRequest{JourneyId: "ref-other", RequestId: "cancel-2", Reason: "moved-away"})
	_, _ = s.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: "ref-own", RequestId: "triage-1"}) // no disposition
	_, _ = s.ListWorklist(ctx, &coordinatorv1.ListWorklistRequest{Worklist: coordinatorv1.Worklist_WORKLIST_BREACHED})

	want := []entry{
		{svc + "SubmitReferral", []string{"ref-R-1"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_ALLOWED, "OK", ""},
		{svc + "SubmitReferral", []string{"ref-R-2"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_REFUSED, "PERMISSION_DENIED", ""},
		{svc + "GetJourney", []string{"ref-own"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_ALLOWED, "OK", ""},
		{svc + "GetJourney", []string{"ref-other"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_REFUSED, "NOT_FOUND", ""},
		{svc + "GetJourney", []string{"ref-gone"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_NOT_FOUND, "NOT_FOUND", ""},
		{svc + "Cancel", []string{"ref-own"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_ALLOWED, "OK", "cancel-1"},
		{svc + "Cancel", []string{"ref-other"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_REFUSED, "NOT_FOUND", "cancel-2"},
		{svc + "Triage", []string{"ref-own"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_FAILED, "INVALID_ARGUMENT", "triage-1"},
		{svc + "ListWorklist", []string{"ref-own"}, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_ALLOWED, "OK", ""},
	}
	got := listAccess(t, audit, &coordinatorv1.ListAccessRequest{From: timestamppb.New(start)})
	require.Len(t, got, len(want), "one entry per call")
	for i, e := range got {
		got := entry{e.GetMethod(), e.GetJourneyIds(), e.GetOutcome(), e.GetCode(), e.GetRequestId()}
		require.Equal(t, want[i], got, "entry %d", i)
		require.Equal(t, "sub-c1", e.GetSubject())
		require.Equal(t, "Casey Coordinator", e.GetActor())
		require.Equal(t, []string{ownPCN, "RXX"}, e.GetOrgs())
		require.Equal(t, "10.0.0.7:51234", e.GetPeer())
		require.Equal(t, "203.0.113.9", e.GetForwardedFor())
		require.Equal(t, start.Add(time.Duration(i+1)*time.Second), e.GetAt().AsTime(), "when, in call order")
		require.NotEmpty(t, e.GetEntryId())
	}
}

func TestListAccessFiltersBySubjectJourneyAndTimeAndPages(t *testing.T) {
	s, audit := newServers(withJourneys(), storeTrail(t))
	other := coordinator
	other.Subject, other.Actor = "sub-c2", "Charlie Coordinator"
	for i := range 6 { // at start+1s ... start+6s
		who := []identity.Principal{coordinator, other}[i%2]
		id := []string{"ref-own", "ref-other", "ref-gone"}[i%3]
		_, _ = s.GetJourney(as(who), &coordinatorv1.GetJourneyRequest{JourneyId: id})
	}
	journeysOf := func(es []*coordinatorv1.AccessEntry) (out []string) {
		for _, e := range es {
			out = append(out, e.GetSubject()+":"+e.GetJourneyIds()[0])
		}
		return out
	}
	from := timestamppb.New(start)
	require.Equal(t, []string{"sub-c2:ref-other", "sub-c2:ref-own", "sub-c2:ref-gone"},
		journeysOf(listAccess(t, audit, &coordinatorv1.ListAccessRequest{From: from, Subject: "sub-c2"})))
	require.Equal(t, []string{"sub-c1:ref-own", "sub-c2:ref-own"},
		journeysOf(listAccess(t, audit, &coordinatorv1.ListAccessRequest{From: from, JourneyId: "ref-own"})))
	require.Equal(t, []string{"sub-c2:ref-other", "sub-c1:ref-gone", "sub-c2:ref-own"},
		journeysOf(listAccess(t, audit, &coordinatorv1.ListAccessRequest{From: timestamppb.New(start.Add(2 * time.Second)),
			To: timestamppb.New(start.Add(5 * time.Second))})), "from inclusive, to exclusive")

	first, err := audit.ListAccess(as(auditor), &coordinatorv1.ListAccessRequest{From: from, PageSize: 4})
	require.NoError(t, err)
	require.Len(t, first.GetEntries(), 4)
	require.NotEmpty(t, first.GetNextPageToken())
	rest, err := audit.ListAccess(as(auditor), &coordinatorv1.ListAccessRequest{From: from, PageSize: 4, PageToken: first.GetNextPageToken()})
	require.NoError(t, err)
	require.Equal(t, []string{"sub-c1:ref-other", "sub-c2:ref-gone"}, journeysOf(rest.GetEntries()), "the second page goes on")

	_, err = audit.ListAccess(as(auditor), &coordinatorv1.ListAccessRequest{From: from, Subject: "sub-c1", PageToken: first.GetNextPageToken()})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "a token of other filters")
	_, err = audit.ListAccess(as(auditor), &coordinatorv1.ListAccessRequest{})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "from is required")
}

func TestListAccessNeedsTheAuditorRole(t *testing.T) {
	_, audit := newServers(withJourneys(), storeTrail(t))
	_, err := audit.ListAccess(as(coordinator), &coordinatorv1.ListAccessRequest{From: timestamppb.New(start)})
	require.Equal(t, codes.PermissionDenied, status.Code(err))
}

// TestAReadThatCannotBeRecordedIsNotAnswered: no patient data leaves without an audit entry; a
// command's answer stands (its change is in the journey's own stream).
func TestAReadThatCannotBeRecordedIsNotAnswered(t *testing.T) {
	j := withJourneys()
	j.listed = []app.Listed{{JourneyID: "ref-own", PCN: ownPCN}}
	broken, _ := newServers(j, brokenTrail{})
	a := app.New(j, timelineFake{}, pathwaysFake{}, testVault(), []byte("k"), func() time.Time { return start })
	for name, s := range map[string]*Server{"trail down": broken, "no trail configured": NewServer(a)} {
		t.Run(name, func(t *testing.T) {
			got, err := s.GetJourney(as(coordinator), &coordinatorv1.GetJourneyRequest{JourneyId: "ref-own"})
			require.Equal(t, codes.Unavailable, status.Code(err))
			require.Nil(t, got)
			list, err := s.ListWorklist(as(coordinator), &coordinatorv1.ListWorklistRequest{Worklist: coordinatorv1.Worklist_WORKLIST_BREACHED})
			require.Equal(t, codes.Unavailable, status.Code(err))
			require.Nil(t, list)
		})
	}
	res, err := broken.Cancel(as(coordinator), &coordinatorv1.CancelRequest{JourneyId: "ref-own", RequestId: "c-1", Reason: "moved-away"})
	require.NoError(t, err)
	require.Equal(t, "c-1", res.GetResult().GetRequestId())
}

// TestARESTReadRecordsTheClientsAddress: through the gateway (in -insecure mode, identity from
// the interim headers) the entry holds the X-Forwarded-For the gateway passes on: the client's
// claim, then the address the gateway saw.
func TestARESTReadRecordsTheClientsAddress(t *testing.T) {
	s, audit := newServers(withJourneys(), storeTrail(t))
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(Identity.Unary))
	coordinatorv1.RegisterCoordinatorServiceServer(srv, s)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	gw, err := Gateway(t.Context(), conn, Identity)
	require.NoError(t, err)

	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v1/journeys/ref-own", nil)
	req.RemoteAddr = "192.0.2.10:40000"
	req.Header.Set("X-Actor", "coord-017")
	req.Header.Set("X-Roles", "coordinator")
	req.Header.Set("X-Orgs", ownPCN)
	req.Header.Set("X-Forwarded-For", "198.51.100.4")
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	got := listAccess(t, audit, &coordinatorv1.ListAccessRequest{From: timestamppb.New(start)})
	require.Len(t, got, 1)
	require.Equal(t, "coord-017", got[0].GetSubject())
	require.Equal(t, []string{ownPCN}, got[0].GetOrgs())
	require.Equal(t, "198.51.100.4, 192.0.2.10", got[0].GetForwardedFor())
	require.Equal(t, svc+"GetJourney", got[0].GetMethod())
	require.Equal(t, coordinatorv1.AccessOutcome_ACCESS_OUTCOME_ALLOWED, got[0].GetOutcome())
}
