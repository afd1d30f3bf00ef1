package journey

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

// governanceFake answers GetVersionInEffect for msk before 2027 only.
type governanceFake struct {
	governancev1.UnimplementedGovernanceServiceServer
	doc string
}

func (g *governanceFake) GetVersionInEffect(_ context.Context, req *governancev1.GetVersionInEffectRequest) (*governancev1.GetVersionInEffectResponse, error) {
	if req.GetPathwayId() != "msk" || req.GetAt().AsTime().Year() >= 2027 {
		return nil, status.Errorf(codes.NotFound, "no version of %s in effect", req.GetPathwayId())
	}
	return &governancev1.GetVersionInEffectResponse{
		Version:      &governancev1.PathwayVersion{PathwayId: "msk", Version: 1},
		DocumentYaml: g.doc,
	}, nil
}

func TestGovernanceVersions(t *testing.T) {
	fake := &governanceFake{doc: builtinYAML(t, "msk", 1)}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	governancev1.RegisterGovernanceServiceServer(srv, fake)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	g := GovernanceVersions{Client: governancev1.NewGovernanceServiceClient(conn)}

	v, err := g.VersionInEffect(context.Background(), "msk", start)
	require.NoError(t, err)
	require.Equal(t, PinnedVersion{Version: 1, DefinitionYAML: fake.doc}, v)

	_, err = g.VersionInEffect(context.Background(), "msk", start.AddDate(1, 0, 0))
	require.ErrorIs(t, err, ErrVersionNotFound, "NotFound maps to ErrVersionNotFound")

	srv.Stop()
	_, err = g.VersionInEffect(context.Background(), "msk", start)
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrVersionNotFound, "an unreachable governance is not a missing version")
}
