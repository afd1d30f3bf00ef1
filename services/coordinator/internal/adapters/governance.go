package adapters

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// stageCacheTTL is how long the stage kinds of published versions are reused.
const stageCacheTTL = 30 * time.Second

// Governance reads pathway versions from the governance service, calling as Actor. Safe for
// concurrent use.
type Governance struct {
	Client governancev1.GovernanceServiceClient
	Actor  string

	mu     sync.Mutex
	cached map[string]stageKinds
}

type stageKinds struct {
	at     time.Time
	byKind map[string][]string
}

func (g *Governance) outgoing(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "x-actor", g.Actor)
}

// Document returns the YAML document of a pathway version.
func (g *Governance) Document(ctx context.Context, pathwayID string, version int) (string, error) {
	resp, err := g.Client.GetVersion(g.outgoing(ctx), &governancev1.GetVersionRequest{PathwayId: pathwayID, Version: int32(version)})
	switch status.Code(err) {
	case codes.OK:
		return resp.GetDocumentYaml(), nil
	case codes.NotFound:
		return "", domain.Refuse(domain.KindNotFound, "pathway %s has no version %d", pathwayID, version)
	}
	return "", fmt.Errorf("governance GetVersion %s v%d: %w", pathwayID, version, err)
}

// StagesOfKind returns the stage ids of the given kinds across the published and retired
// versions of a pathway ("" for all pathways), sorted.
func (g *Governance) StagesOfKind(ctx context.Context, pathwayID string, kinds ...string) ([]string, error) {
	byKind, err := g.stageKinds(ctx, pathwayID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range kinds {
		out = append(out, byKind[k]...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (g *Governance) stageKinds(ctx context.Context, pathwayID string) (map[string][]string, error) {
	g.mu.Lock()
	c, ok := g.cached[pathwayID]
	g.mu.Unlock()
	if ok && time.Since(c.at) < stageCacheTTL {
		return c.byKind, nil
	}
	byKind, err := g.loadStageKinds(ctx, pathwayID)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	if g.cached == nil {
		g.cached = map[string]stageKinds{}
	}
	g.cached[pathwayID] = stageKinds{at: time.Now(), byKind: byKind}
	g.mu.Unlock()
	return byKind, nil
}

func (g *Governance) loadStageKinds(ctx context.Context, pathwayID string) (map[string][]string, error) {
	byKind := map[string][]string{}
	req := &governancev1.ListVersionsRequest{PathwayId: pathwayID, PageSize: 500, Statuses: []governancev1.VersionStatus{
		governancev1.VersionStatus_VERSION_STATUS_PUBLISHED, governancev1.VersionStatus_VERSION_STATUS_RETIRED}}
	for {
		resp, err := g.Client.ListVersions(g.outgoing(ctx), req)
		if err != nil {
			return nil, fmt.Errorf("governance ListVersions: %w", err)
		}
		for _, v := range resp.GetVersions() {
			if err := g.addStages(ctx, v.GetPathwayId(), int(v.GetVersion()), byKind); err != nil {
				return nil, err
			}
		}
		if req.PageToken = resp.GetNextPageToken(); req.PageToken == "" {
			return byKind, nil
		}
	}
}

func (g *Governance) addStages(ctx context.Context, pathwayID string, version int, byKind map[string][]string) error {
	doc, err := g.Document(ctx, pathwayID, version)
	if err != nil {
		return err
	}
	def, err := pathway.Parse([]byte(doc))
	if err != nil {
		return fmt.Errorf("pathway %s v%d document: %w", pathwayID, version, err)
	}
	for _, st := range def.Stages {
		byKind[string(st.Kind)] = append(byKind[string(st.Kind)], st.ID)
	}
	return nil
}
