package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

const (
	day         = 24 * time.Hour
	oldPrice    = "unit_price_pence: 2800"
	newPrice    = "unit_price_pence: 3000"
	authorRoles = "author"
)

// TestVersionLifecycle walks msk from the seeded v1 through a reviewed, published v2.
func TestVersionLifecycle(t *testing.T) {
	c := &clock{now: start}
	url := startStore(t)
	svc := startService(t, url, c)
	gov := svc.client
	alice := as(t, "alice", "author,reviewer")
	bob, carol := as(t, "bob", "reviewer"), as(t, "carol", "reviewer")
	paula := as(t, "paula", "publisher")

	// the seeded v1 is in effect
	inEffect, err := gov.GetVersionInEffect(alice, &governancev1.GetVersionInEffectRequest{PathwayId: "msk"})
	require.NoError(t, err)
	require.EqualValues(t, 1, inEffect.GetVersion().GetVersion())
	require.Equal(t, governancev1.PublicationStatus_PUBLICATION_STATUS_ACTIVE, inEffect.GetVersion().GetFhirStatus())

	// alice drafts v2 from v1 and raises the triage price
	created, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1, Reason: "price review"})
	require.NoError(t, err)
	require.EqualValues(t, 2, created.GetVersion().GetVersion())
	require.Contains(t, created.GetDocumentYaml(), "version: 2\n")
	require.Contains(t, created.GetDocumentYaml(), oldPrice)
	edited := strings.Replace(created.GetDocumentYaml(), oldPrice, newPrice, 1)
	updated, err := gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
		ExpectedRevision: created.GetVersion().GetRevision(), DocumentYaml: edited, Reason: "tariff uplift"})
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_DRAFT, updated.GetVersion().GetStatus())

	// the diff shows exactly that change
	diff, err := gov.DiffVersions(bob, &governancev1.DiffVersionsRequest{PathwayId: "msk", FromVersion: 1, ToVersion: 2})
	require.NoError(t, err)
	require.Len(t, diff.GetChanges(), 1, diff.GetText())
	require.Equal(t, "interventions[spa-triage].unit_price_pence", diff.GetChanges()[0].GetPath())
	require.Equal(t, "changed", diff.GetChanges()[0].GetKind())
	require.Contains(t, diff.GetText(), "£30.00")

	_, err = gov.SubmitForReview(alice, &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: 2, Reason: "ready"})
	require.NoError(t, err)

	// the author cannot approve; a reviewer from another EOG cannot review
	_, err = gov.Review(alice, approve())
	requireCode(t, err, codes.PermissionDenied, "authors never review their own work")
	_, err = gov.Review(as(t, "dave", "reviewer", "COPD Clinical Expert Oversight Group"), approve())
	requireCode(t, err, codes.PermissionDenied, "only members of its Expert Oversight Group")

	// two reviewers approve
	r, err := gov.Review(bob, approve())
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_IN_REVIEW, r.GetVersion().GetStatus())
	c.advance(time.Hour)
	r, err = gov.Review(carol, approve())
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_APPROVED, r.GetVersion().GetStatus())
	require.Equal(t, []string{"bob", "carol"}, r.GetVersion().GetReviewers())
	require.True(t, r.GetVersion().GetApprovalDate().AsTime().Equal(start.Add(time.Hour)))

	// an edit after approval resets the approvals
	edited2 := strings.Replace(edited, newPrice, "unit_price_pence: 3100", 1)
	u, err := gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
		ExpectedRevision: r.GetVersion().GetRevision(), DocumentYaml: edited2, Reason: "rounding"})
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_IN_REVIEW, u.GetVersion().GetStatus())
	require.Empty(t, u.GetVersion().GetApprovals())
	_, err = gov.Publish(paula, &governancev1.PublishRequest{PathwayId: "msk", Version: 2})
	requireCode(t, err, codes.FailedPrecondition, "it is in_review")
	for _, who := range []string{"bob", "carol"} {
		_, err = gov.Review(as(t, who, "reviewer"), approve())
		require.NoError(t, err)
	}

	// publish: not in the past, not by a reviewer; effective tomorrow
	_, err = gov.Publish(bob, &governancev1.PublishRequest{PathwayId: "msk", Version: 2})
	requireCode(t, err, codes.PermissionDenied, `"publisher" role`)
	v := violations(t, publishErr(paula, t, gov, start.Add(-time.Minute)))
	require.Contains(t, v["effective_from"], "must not be in the past")
	tomorrow := c.Now().Add(day)
	p, err := gov.Publish(paula, &governancev1.PublishRequest{PathwayId: "msk", Version: 2,
		EffectiveFrom: timestamppb.New(tomorrow), Reason: "EOG meeting 2 Nov"})
	require.NoError(t, err)
	require.Equal(t, governancev1.PublicationStatus_PUBLICATION_STATUS_ACTIVE, p.GetVersion().GetFhirStatus())
	require.Equal(t, "paula", p.GetVersion().GetEndorser())
	require.True(t, p.GetVersion().GetEffectivePeriod().GetStart().AsTime().Equal(tomorrow))

	// which version is in effect, before and after the date
	for _, tc := range []struct {
		at   time.Time
		want int32
	}{{c.Now(), 1}, {tomorrow.Add(-time.Second), 1}, {tomorrow, 2}, {tomorrow.Add(30 * day), 2}} {
		got, err := gov.GetVersionInEffect(alice, &governancev1.GetVersionInEffectRequest{PathwayId: "msk", At: timestamppb.New(tc.at)})
		require.NoError(t, err)
		require.Equal(t, tc.want, got.GetVersion().GetVersion(), "at %s", tc.at)
	}
	v1, err := gov.GetVersion(alice, &governancev1.GetVersionRequest{PathwayId: "msk", Version: 1})
	require.NoError(t, err)
	require.True(t, v1.GetVersion().GetEffectivePeriod().GetEnd().AsTime().Equal(tomorrow), "v1 ends when v2 starts")

	// published versions are immutable
	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
		ExpectedRevision: p.GetVersion().GetRevision(), DocumentYaml: edited})
	requireCode(t, err, codes.FailedPrecondition, "it is published")

	// retire rules: v1 cannot go while it is the only one in effect; after v2 takes over it can
	_, err = gov.Retire(paula, &governancev1.RetireRequest{PathwayId: "msk", Version: 1, Reason: "superseded"})
	requireCode(t, err, codes.FailedPrecondition, "only version in effect")
	c.advance(2 * day)
	_, err = gov.Retire(paula, &governancev1.RetireRequest{PathwayId: "msk", Version: 2, Reason: "oops"})
	requireCode(t, err, codes.FailedPrecondition, "only version in effect")
	ret, err := gov.Retire(paula, &governancev1.RetireRequest{PathwayId: "msk", Version: 1, Reason: "superseded"})
	require.NoError(t, err)
	require.Equal(t, governancev1.PublicationStatus_PUBLICATION_STATUS_RETIRED, ret.GetVersion().GetFhirStatus())
	got, err := gov.GetVersionInEffect(alice, &governancev1.GetVersionInEffectRequest{PathwayId: "msk"})
	require.NoError(t, err)
	require.EqualValues(t, 2, got.GetVersion().GetVersion())

	// the audit trail lists every event with actor, time and reason
	h, err := gov.GetHistory(alice, &governancev1.GetHistoryRequest{PathwayId: "msk", Version: 2})
	require.NoError(t, err)
	var trail []string
	for _, e := range h.GetEntries() {
		require.NotEmpty(t, e.GetActor())
		require.NotNil(t, e.GetOccurredAt())
		trail = append(trail, e.GetType()+" "+e.GetActor()+" "+e.GetReason())
	}
	require.Equal(t, []string{
		"DraftCreated alice price review",
		"DraftUpdated alice tariff uplift",
		"SubmittedForReview alice ready",
		"ReviewApproved bob ",
		"ReviewApproved carol ",
		"VersionApproved carol approved by bob and carol",
		"DraftUpdated alice rounding",
		"ApprovalsReset alice document changed by alice",
		"ReviewApproved bob ",
		"ReviewApproved carol ",
		"VersionApproved carol approved by bob and carol",
		"Published paula EOG meeting 2 Nov",
	}, trail)

	// restart the service on the same store: the same state
	before := snapshot(t, gov)
	svc.srv.Close()
	again := startService(t, url, c)
	require.Empty(t, cmpSnapshots(before, snapshot(t, again.client)))
}

func approve() *governancev1.ReviewRequest {
	return &governancev1.ReviewRequest{PathwayId: "msk", Version: 2, Decision: governancev1.ReviewDecision_REVIEW_DECISION_APPROVE}
}

func publishErr(ctx context.Context, t *testing.T, gov governancev1.GovernanceServiceClient, at time.Time) error {
	t.Helper()
	_, err := gov.Publish(ctx, &governancev1.PublishRequest{PathwayId: "msk", Version: 2, EffectiveFrom: timestamppb.New(at)})
	return err
}

// snapshot reads every version of every pathway.
func snapshot(t *testing.T, gov governancev1.GovernanceServiceClient) []*governancev1.GetVersionResponse {
	t.Helper()
	ctx := as(t, "auditor", "auditor")
	list, err := gov.ListVersions(ctx, &governancev1.ListVersionsRequest{})
	require.NoError(t, err)
	var out []*governancev1.GetVersionResponse
	for _, v := range list.GetVersions() {
		got, err := gov.GetVersion(ctx, &governancev1.GetVersionRequest{PathwayId: v.GetPathwayId(), Version: v.GetVersion()})
		require.NoError(t, err)
		out = append(out, got)
	}
	return out
}

func cmpSnapshots(a, b []*governancev1.GetVersionResponse) []string {
	var diffs []string
	if len(a) != len(b) {
		return []string{"different number of versions"}
	}
	for i := range a {
		if !proto.Equal(a[i], b[i]) {
			diffs = append(diffs, a[i].GetVersion().GetPathwayId())
		}
	}
	return diffs
}
