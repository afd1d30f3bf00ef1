package journey

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Search attributes of journey workflows, so coordinators can list journeys as worklists (for
// example "awaiting triage in PCN U12345, breached"). None carries patient data.
var (
	AttrPathway        = temporal.NewSearchAttributeKeyKeyword("PathwayId")
	AttrPathwayVersion = temporal.NewSearchAttributeKeyInt64("PathwayVersion")
	AttrStage          = temporal.NewSearchAttributeKeyKeyword("JourneyStage")
	AttrStatus         = temporal.NewSearchAttributeKeyKeyword("JourneyStatus")
	AttrPCN            = temporal.NewSearchAttributeKeyKeyword("PcnOdsCode")
	AttrSegment        = temporal.NewSearchAttributeKeyKeyword("PopulationSegment")
	AttrTriageDueAt    = temporal.NewSearchAttributeKeyTime("TriageDueAt")
	AttrTriageBreached = temporal.NewSearchAttributeKeyBool("TriageBreached")
	AttrRTTBreached    = temporal.NewSearchAttributeKeyBool("RttBreached")
)

// SearchAttributes lists every search attribute the journey workflow sets, for the worker (or the
// devstack) to register on the namespace before journeys start.
func SearchAttributes() []temporal.SearchAttributeKey {
	return []temporal.SearchAttributeKey{AttrPathway, AttrPathwayVersion, AttrStage, AttrStatus, AttrPCN,
		AttrSegment, AttrTriageDueAt, AttrTriageBreached, AttrRTTBreached}
}

// referralSearchAttributes are the attributes known at start, before the version is pinned.
func referralSearchAttributes(r Referral) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		AttrPathway.ValueSet(r.PathwayID),
		AttrStatus.ValueSet(string(Starting)),
		AttrPCN.ValueSet(r.PCN),
		AttrSegment.ValueSet(r.Segment.String()),
	)
}

// saSnapshot is the last set of values upserted, so only changes are written to history.
type saSnapshot struct {
	version     int
	stage       string
	status      Status
	triageDueAt time.Time
	triage, rtt bool
	set         bool
}

func snapshotOf(s *State) saSnapshot {
	return saSnapshot{version: s.Version, stage: s.Stage, status: s.Status, triageDueAt: s.Triage.DueAt,
		triage: s.Triage.Breached, rtt: s.RTT.Breached, set: true}
}

// upsertSearchAttributes writes the attributes that changed (all of them when force).
func (j *journey) upsertSearchAttributes(ctx workflow.Context, force bool) error {
	now := snapshotOf(j.s)
	if !force && now == j.sa {
		return nil
	}
	j.sa = now
	ups := []temporal.SearchAttributeUpdate{
		AttrPathway.ValueSet(j.s.PathwayID),
		AttrPathwayVersion.ValueSet(int64(j.s.Version)),
		AttrStage.ValueSet(j.s.Stage),
		AttrStatus.ValueSet(string(j.s.Status)),
		AttrPCN.ValueSet(j.s.PCN),
		AttrSegment.ValueSet(j.s.Segment.String()),
		AttrTriageBreached.ValueSet(j.s.Triage.Breached),
		AttrRTTBreached.ValueSet(j.s.RTT.Breached),
	}
	if !j.s.Triage.DueAt.IsZero() {
		ups = append(ups, AttrTriageDueAt.ValueSet(j.s.Triage.DueAt))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, ups...)
}

// RegisterSearchAttributes adds the journey search attributes to the namespace, skipping those
// already there. The worker (or the devstack) calls it once at start.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	existing, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes of %s: %w", namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, k := range SearchAttributes() {
		if _, ok := existing.GetCustomAttributes()[k.GetName()]; !ok {
			missing[k.GetName()] = k.GetValueType()
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
	if err != nil {
		return fmt.Errorf("add journey search attributes to %s: %w", namespace, err)
	}
	return nil
}
