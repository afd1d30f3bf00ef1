package journey

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

// GovernanceVersions resolves the version in effect through the governance service; the worker
// is known to governance by the client certificate of its connection. Safe for concurrent use.
type GovernanceVersions struct {
	Client governancev1.GovernanceServiceClient
}

// VersionInEffect asks governance for the version of the pathway in effect at a time.
func (g GovernanceVersions) VersionInEffect(ctx context.Context, pathwayID string, at time.Time) (PinnedVersion, error) {
	resp, err := g.Client.GetVersionInEffect(ctx, &governancev1.GetVersionInEffectRequest{PathwayId: pathwayID, At: timestamppb.New(at)})
	switch status.Code(err) {
	case codes.OK:
	case codes.NotFound:
		return PinnedVersion{}, fmt.Errorf("%w: %v", ErrVersionNotFound, status.Convert(err).Message())
	default:
		return PinnedVersion{}, fmt.Errorf("governance GetVersionInEffect: %w", err)
	}
	return PinnedVersion{Version: int(resp.GetVersion().GetVersion()), DefinitionYAML: resp.GetDocumentYaml()}, nil
}

// StaticVersions serves fixed documents by pathway ID whatever the time: for tests and a devstack
// started without governance.
type StaticVersions map[string]PinnedVersion

// VersionInEffect returns the document held for the pathway.
func (s StaticVersions) VersionInEffect(_ context.Context, pathwayID string, _ time.Time) (PinnedVersion, error) {
	v, ok := s[pathwayID]
	if !ok {
		return PinnedVersion{}, fmt.Errorf("%w: pathway %q", ErrVersionNotFound, pathwayID)
	}
	return v, nil
}
