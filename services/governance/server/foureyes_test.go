package server_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// person calls with a token whose subject and display name differ: four-eyes must tell people
// apart by the subject the provider vouches for, never by the name.
func person(t *testing.T, subject, name, roles string) context.Context {
	tok := identitytest.Shared().Token(t, identitytest.Person{Subject: subject, Name: name,
		Roles: []string{roles}, EOGs: []string{mskEOG}})
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
}

// TestFourEyesByVerifiedSubject: one person holding two tokens with different names (their
// provider account renamed, say) approves once only; an author signing in under another name
// cannot approve their own version; two distinct subjects approve it.
func TestFourEyesByVerifiedSubject(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	author := person(t, "sub-author-1", "Alice Author", "author")
	d, err := gov.CreateDraft(author, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1, Reason: "review"})
	require.NoError(t, err)
	_, err = gov.SubmitForReview(author, &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: d.GetVersion().GetVersion(), Reason: "ready"})
	require.NoError(t, err)

	_, err = gov.Review(person(t, "sub-author-1", "A. Reviewer", "reviewer"), approve())
	requireCode(t, err, codes.PermissionDenied, "authors never review their own work")

	r, err := gov.Review(person(t, "sub-bob", "Bob", "reviewer"), approve())
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_IN_REVIEW, r.GetVersion().GetStatus())
	_, err = gov.Review(person(t, "sub-bob", "Robert Jones", "reviewer"), approve())
	requireCode(t, err, codes.FailedPrecondition, "has already approved")
	r, err = gov.Review(person(t, "sub-carol", "Bob", "reviewer"), approve()) // another person with the same name counts
	require.NoError(t, err)
	require.Equal(t, governancev1.VersionStatus_VERSION_STATUS_APPROVED, r.GetVersion().GetStatus())
}
