package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/server"
)

func TestInvalidDocumentReportsEveryProblemWithItsPath(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	alice := as(t, "alice", authorRoles)
	d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	require.NoError(t, err)
	doc := d.GetDocumentYaml()
	bad := strings.Replace(doc, oldPrice, "unit_price_pence: -5", 1)
	bad = strings.Replace(bad, "kind: referral", "kind: nonsense", 1)

	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1, DocumentYaml: bad})
	v := violations(t, err)
	require.Contains(t, v, "document_yaml.interventions[0].unit_price_pence", "%v", v)
	require.Contains(t, v, "document_yaml.stages[0].kind", "%v", v)

	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1,
		DocumentYaml: strings.Replace(doc, "version: 2\n", "version: 7\n", 1)})
	require.Contains(t, violations(t, err)["document_yaml.version"], "must be 2")

	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1,
		DocumentYaml: "id: msk\n  nonsense: [\n"})
	require.Contains(t, violations(t, err), "document_yaml")

	// nothing changed
	got, err := gov.GetVersion(alice, &governancev1.GetVersionRequest{PathwayId: "msk", Version: 2})
	require.NoError(t, err)
	require.Equal(t, doc, got.GetDocumentYaml())
	require.EqualValues(t, 1, got.GetVersion().GetRevision())
}

func TestStaleRevisionIsAbortedAndRetrySucceeds(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	alice, ann := as(t, "alice", authorRoles), as(t, "ann", authorRoles)
	d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	require.NoError(t, err)
	first := strings.Replace(d.GetDocumentYaml(), oldPrice, newPrice, 1)
	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1, DocumentYaml: first})
	require.NoError(t, err)
	second := strings.Replace(d.GetDocumentYaml(), oldPrice, "unit_price_pence: 2900", 1)
	_, err = gov.UpdateDraft(ann, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1, DocumentYaml: second})
	requireCode(t, err, codes.Aborted, "revision 2, not 1")

	fresh, err := gov.GetVersion(ann, &governancev1.GetVersionRequest{PathwayId: "msk", Version: 2})
	require.NoError(t, err)
	u, err := gov.UpdateDraft(ann, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
		ExpectedRevision: fresh.GetVersion().GetRevision(), DocumentYaml: second})
	require.NoError(t, err)
	require.Equal(t, []string{"alice", "ann"}, u.GetVersion().GetAuthors())
}

func TestCallerAndInputChecks(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	_, err := gov.CreateDraft(t.Context(), &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	requireCode(t, err, codes.Unauthenticated, "bearer access token")

	reader := as(t, "reader", "board")
	_, err = gov.CreateDraft(reader, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	requireCode(t, err, codes.PermissionDenied, `"author" role`)
	_, err = gov.GetVersion(reader, &governancev1.GetVersionRequest{PathwayId: "msk", Version: 9})
	requireCode(t, err, codes.NotFound, "no version 9")
	_, err = gov.GetVersion(reader, &governancev1.GetVersionRequest{PathwayId: "Bad Id"})
	v := violations(t, err)
	require.Contains(t, v, "pathway_id")
	require.Contains(t, v, "version")
	_, err = gov.Review(as(t, "bob", "reviewer"), &governancev1.ReviewRequest{PathwayId: "msk", Version: 1})
	require.Contains(t, violations(t, err), "decision")
	_, err = gov.GetVersionInEffect(reader, &governancev1.GetVersionInEffectRequest{PathwayId: "hips"})
	requireCode(t, err, codes.NotFound, `pathway "hips" does not exist`)
}

func TestNewPathwayAndListing(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	alice := as(t, "alice", authorRoles)
	_, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "falls"})
	v := violations(t, err)
	require.Contains(t, v, "title")
	require.Contains(t, v, "owning_eog")
	d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "falls", Title: "Falls prevention", OwningEog: "Frailty EOG"})
	require.NoError(t, err)
	require.Equal(t, governancev1.PublicationStatus_PUBLICATION_STATUS_DRAFT, d.GetVersion().GetFhirStatus())
	_, err = gov.SubmitForReview(alice, &governancev1.SubmitForReviewRequest{PathwayId: "falls", Version: 1})
	requireCode(t, err, codes.FailedPrecondition, "no document yet")
	_, err = gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "falls"})
	requireCode(t, err, codes.FailedPrecondition, "already has an open version 1 (draft)")

	reader := as(t, "reader", "board")
	var all []string
	token := ""
	for range 5 {
		page, err := gov.ListVersions(reader, &governancev1.ListVersionsRequest{PageSize: 2, PageToken: token})
		require.NoError(t, err)
		for _, v := range page.GetVersions() {
			all = append(all, v.GetPathwayId()+"/"+v.GetStatus().String())
		}
		if token = page.GetNextPageToken(); token == "" {
			break
		}
	}
	require.Equal(t, []string{"copd/VERSION_STATUS_PUBLISHED", "falls/VERSION_STATUS_DRAFT", "msk/VERSION_STATUS_PUBLISHED"}, all)

	drafts, err := gov.ListVersions(reader, &governancev1.ListVersionsRequest{Statuses: []governancev1.VersionStatus{governancev1.VersionStatus_VERSION_STATUS_DRAFT}})
	require.NoError(t, err)
	require.Len(t, drafts.GetVersions(), 1)
	msk, err := gov.ListVersions(reader, &governancev1.ListVersionsRequest{PathwayId: "msk"})
	require.NoError(t, err)
	require.Len(t, msk.GetVersions(), 1)
	_, err = gov.ListVersions(reader, &governancev1.ListVersionsRequest{PageToken: "garbage!", PageSize: -1})
	v = violations(t, err)
	require.Contains(t, v, "page_token")
	require.Contains(t, v, "page_size")
	_, err = gov.ListVersions(reader, &governancev1.ListVersionsRequest{Statuses: []governancev1.VersionStatus{0}})
	require.Contains(t, violations(t, err), "statuses[0]")
	_, err = gov.ListVersions(reader, &governancev1.ListVersionsRequest{PathwayId: "hips"})
	requireCode(t, err, codes.NotFound, `pathway "hips" does not exist`)
}

func TestSeedingIsIdempotentAcrossReplicas(t *testing.T) {
	url := startStore(t)
	c := &clock{now: start}
	// two replicas start at the same time against the empty store
	started := make(chan *server.Server, 2)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			srv, err := server.Start(t.Context(), testConfig(url, c))
			errs <- err
			started <- srv
		}()
	}
	for range 2 {
		require.NoError(t, <-errs)
		srv := <-started
		t.Cleanup(srv.Close)
	}
	c.advance(day)
	later := startService(t, url, c) // a later start does not seed again
	reader := as(t, "reader", "board")
	list, err := later.client.ListVersions(reader, &governancev1.ListVersionsRequest{})
	require.NoError(t, err)
	require.Len(t, list.GetVersions(), 2)
	for _, id := range []string{"msk", "copd"} {
		h, err := later.client.GetHistory(reader, &governancev1.GetHistoryRequest{PathwayId: id, Version: 1})
		require.NoError(t, err)
		require.Len(t, h.GetEntries(), 2, "seeded once")
		require.Equal(t, "system:seed", h.GetEntries()[1].GetActor())
		require.Equal(t, "Published", h.GetEntries()[1].GetType())
	}
}

func TestRequestChangesThenResubmit(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	alice, bob, carol := as(t, "alice", authorRoles), as(t, "bob", "reviewer"), as(t, "carol", "reviewer")
	d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	require.NoError(t, err)
	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1,
		DocumentYaml: strings.Replace(d.GetDocumentYaml(), oldPrice, newPrice, 1)})
	require.NoError(t, err)
	_, err = gov.SubmitForReview(alice, &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: 2})
	require.NoError(t, err)
	_, err = gov.Review(bob, approve())
	require.NoError(t, err)

	changes := &governancev1.ReviewRequest{PathwayId: "msk", Version: 2, Decision: governancev1.ReviewDecision_REVIEW_DECISION_REQUEST_CHANGES}
	_, err = gov.Review(carol, changes)
	require.Contains(t, violations(t, err), "comments")
	changes.Comments = []*governancev1.ReviewComment{{Path: "interventions[spa-triage].unit_price_pence", Text: "agree the uplift with finance first"}}
	r, err := gov.Review(carol, changes)
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_CHANGES_REQUESTED, r.GetVersion().GetStatus())
	require.Empty(t, r.GetVersion().GetApprovals(), "requesting changes clears approvals")
	require.Equal(t, "agree the uplift with finance first", r.GetVersion().GetRequestedChanges()[0].GetText())
	_, err = gov.Review(bob, approve())
	requireCode(t, err, codes.FailedPrecondition, "it is changes_requested")

	s, err := gov.SubmitForReview(alice, &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: 2, Reason: "finance agreed"})
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_IN_REVIEW, s.GetVersion().GetStatus())
}

// approvedDraft drafts msk v2 with a new price and has bob and carol approve it.
func approvedDraft(t *testing.T, gov governancev1.GovernanceServiceClient) {
	t.Helper()
	alice := as(t, "alice", authorRoles)
	d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	require.NoError(t, err)
	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2, ExpectedRevision: 1,
		DocumentYaml: strings.Replace(d.GetDocumentYaml(), oldPrice, newPrice, 1)})
	require.NoError(t, err)
	_, err = gov.SubmitForReview(alice, &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: 2})
	require.NoError(t, err)
	for _, who := range []string{"bob", "carol"} {
		_, err = gov.Review(as(t, who, "reviewer"), approve())
		require.NoError(t, err)
	}
}

func TestWithdrawingAScheduledVersionRestoresItsPredecessor(t *testing.T) {
	c := &clock{now: start}
	gov := startService(t, startStore(t), c).client
	c.advance(time.Hour)
	approvedDraft(t, gov)
	paula := as(t, "paula", "publisher")
	nextWeek := c.Now().Add(7 * day)
	_, err := gov.Publish(paula, &governancev1.PublishRequest{PathwayId: "msk", Version: 2, EffectiveFrom: timestamppb.New(nextWeek)})
	require.NoError(t, err)

	r, err := gov.Retire(paula, &governancev1.RetireRequest{PathwayId: "msk", Version: 2, Reason: "tariff not agreed"})
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_RETIRED, r.GetVersion().GetStatus())
	got, err := gov.GetVersionInEffect(paula, &governancev1.GetVersionInEffectRequest{PathwayId: "msk", At: timestamppb.New(nextWeek.Add(day))})
	require.NoError(t, err)
	require.EqualValues(t, 1, got.GetVersion().GetVersion(), "v1 stays in effect")
	require.Nil(t, got.GetVersion().GetEffectivePeriod().GetEnd(), "v1's period is open again")

	h, err := gov.GetHistory(paula, &governancev1.GetHistoryRequest{PathwayId: "msk", Version: 1})
	require.NoError(t, err)
	var types []string
	for _, e := range h.GetEntries() {
		types = append(types, e.GetType())
	}
	require.Equal(t, []string{"DraftCreated", "Published", "EffectivePeriodChanged", "EffectivePeriodChanged"}, types)
}
