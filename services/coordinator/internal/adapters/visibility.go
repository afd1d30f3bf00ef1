package adapters

import (
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// List reads up to limit journeys matching a visibility query, following pages.
func (j Journeys) List(ctx context.Context, query string, limit int) ([]app.Listed, error) {
	var out []app.Listed
	var token []byte
	for len(out) < limit {
		resp, err := j.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: int32(min(limit-len(out), 500)), NextPageToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("list journeys (%s): %w", query, err)
		}
		for _, e := range resp.GetExecutions() {
			out = append(out, listed(e.GetExecution().GetWorkflowId(), e.GetStartTime().AsTime(), e.GetSearchAttributes()))
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	return out, nil
}

func listed(id string, started time.Time, sa *commonpb.SearchAttributes) app.Listed {
	f := sa.GetIndexedFields()
	l := app.Listed{JourneyID: id, StartedAt: started}
	decode(f[journey.AttrPathway.GetName()], &l.PathwayID)
	decode(f[journey.AttrStage.GetName()], &l.Stage)
	decode(f[journey.AttrStatus.GetName()], &l.Status)
	decode(f[journey.AttrPCN.GetName()], &l.PCN)
	decode(f[journey.AttrSegment.GetName()], &l.Segment)
	decode(f[journey.AttrTriageDueAt.GetName()], &l.TriageDueAt)
	decode(f[journey.AttrTriageBreached.GetName()], &l.TriageBreached)
	decode(f[journey.AttrRTTBreached.GetName()], &l.RTTBreached)
	var v int64
	decode(f[journey.AttrPathwayVersion.GetName()], &v)
	l.Version = int(v)
	return l
}

// decode reads a search attribute payload; a missing or unreadable one leaves the zero value.
func decode(p *commonpb.Payload, into any) {
	if p != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(p, into)
	}
}
