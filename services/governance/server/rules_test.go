package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
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
	_, err := gov.GetVersion(t.Context(), &governancev1.GetVersionRequest{PathwayId: "msk", Version: 1})
	requireCode(t, err, codes.Unauthenticated, "x-actor")

	reader := as(t, "reader", "")
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

	reader := as(t, "reader", "")
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
	_, err = gov.ListVersions(reader, &governancev1.ListVersionsRequest{PageToken: "garbage!"})
	require.Contains(t, violations(t, err), "page_token")
}

func TestSeedingIsIdempotentAcrossReplicas(t *testing.T) {
	url := startStore(t)
	c := &clock{now: start}
	a, b := startService(t, url, c), startService(t, url, c)
	_ = a
	c.advance(day)
	startService(t, url, c) // a later start does not re-seed
	list, err := b.client.ListVersions(as(t, "reader", ""), &governancev1.ListVersionsRequest{})
	require.NoError(t, err)
	require.Len(t, list.GetVersions(), 2)
	h, err := b.client.GetHistory(as(t, "reader", ""), &governancev1.GetHistoryRequest{PathwayId: "copd", Version: 1})
	require.NoError(t, err)
	require.Len(t, h.GetEntries(), 2)
	require.Equal(t, "system:seed", h.GetEntries()[1].GetActor())
}
