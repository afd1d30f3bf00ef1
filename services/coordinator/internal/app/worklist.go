package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// MaxWorklistScan bounds the journeys one worklist request reads from Temporal visibility. The
// SQL visibility store of the dev server has no ORDER BY on custom search attributes, so the
// service sorts what it reads: a worklist longer than this shows its first MaxWorklistScan
// journeys as visibility returns them (newest first), sorted.
const MaxWorklistScan = 1000

// WorklistPage is one page of a worklist.
type WorklistPage struct {
	Items         []Listed
	NextPageToken string
}

// ListWorklist returns one page of a worklist, most urgent first, of the journeys of the PCNs in
// the caller's scope only (a caller with none gets an empty worklist). A pcn_ods_code filter
// outside the scope is refused (domain.PCNNotInScope), not answered empty.
func (a *App) ListWorklist(ctx context.Context, scope domain.Scope, q domain.WorklistQuery) (WorklistPage, error) {
	if err := q.Validate(); err != nil {
		return WorklistPage{}, err
	}
	if q.PCNCode != "" && !scope.Covers(q.PCNCode) {
		return WorklistPage{}, domain.PCNNotInScope("pcn_ods_code", q.PCNCode, scope)
	}
	if scope.Empty() {
		return WorklistPage{}, nil
	}
	query, ok, err := a.visibilityQuery(ctx, scope, q)
	if err != nil || !ok {
		return WorklistPage{}, err
	}
	offset, err := decodePageToken(q.PageToken, query)
	if err != nil {
		return WorklistPage{}, err
	}
	all, err := a.journeys.List(ctx, query, MaxWorklistScan)
	if err != nil {
		return WorklistPage{}, fmt.Errorf("list worklist: %w", err)
	}
	all = a.withinScope(scope, all)
	if q.Worklist == domain.WorklistDueFollowUp {
		all = a.followUpDue(ctx, all)
	}
	slices.SortStableFunc(all, byUrgency)
	return page(all, offset, q.PageSize, query), nil
}

func (a *App) visibilityQuery(ctx context.Context, scope domain.Scope, q domain.WorklistQuery) (string, bool, error) {
	clauses := []string{fmt.Sprintf("WorkflowType = '%s'", journey.WorkflowName), "ExecutionStatus = 'Running'",
		"PcnOdsCode IN (" + quoteAll(scope.PCNs()) + ")"}
	var kinds []string
	switch q.Worklist {
	case domain.WorklistAwaitingTriage:
		clauses = append(clauses, "JourneyStatus = 'active'")
		kinds = []string{"referral", "triage"}
	case domain.WorklistBreached:
		clauses = append(clauses, "JourneyStatus = 'active'", "(TriageBreached = true OR RttBreached = true)")
	case domain.WorklistInIntervention:
		clauses = append(clauses, "JourneyStatus = 'active'")
		kinds = []string{"intervention", "assessment"}
	case domain.WorklistDueFollowUp:
		clauses = append(clauses, "JourneyStatus = 'discharged'")
	}
	if kinds != nil {
		stages, err := a.pathways.StagesOfKind(ctx, q.PathwayID, kinds...)
		if err != nil {
			return "", false, fmt.Errorf("worklist stages: %w", err)
		}
		if len(stages) == 0 {
			return "", false, nil
		}
		clauses = append(clauses, "JourneyStage IN ("+quoteAll(stages)+")")
	}
	if q.PathwayID != "" {
		clauses = append(clauses, fmt.Sprintf("PathwayId = '%s'", q.PathwayID))
	}
	if q.PCNCode != "" {
		clauses = append(clauses, fmt.Sprintf("PcnOdsCode = '%s'", q.PCNCode))
	}
	if q.Segment != 0 {
		clauses = append(clauses, fmt.Sprintf("PopulationSegment = '%s'", q.Segment.String()))
	}
	return strings.Join(clauses, " AND "), true, nil
}

// quoteAll quotes stage ids for an IN list, leaving out any id that could break the query.
func quoteAll(ids []string) string {
	var out []string
	for _, id := range ids {
		if !strings.ContainsAny(id, `'"\`) {
			out = append(out, "'"+id+"'")
		}
	}
	return strings.Join(out, ", ")
}

// withinScope keeps the journeys of PCNs in scope (the query asks only for those: this holds
// even if visibility answered more), remembering each journey's PCN.
func (a *App) withinScope(scope domain.Scope, ls []Listed) []Listed {
	out := ls[:0]
	for _, l := range ls {
		a.pcns.put(l.JourneyID, l.PCN, a.now())
		if scope.Covers(l.PCN) {
			out = append(out, l)
		}
	}
	return out
}

// followUpDue keeps the discharged journeys whose query reports a follow-up due now.
func (a *App) followUpDue(ctx context.Context, ls []Listed) []Listed {
	var out []Listed
	for _, l := range ls {
		v, err := a.journeys.State(ctx, l.JourneyID)
		if err == nil && slices.Contains(v.Flags, "follow-up-due") {
			out = append(out, l)
		}
	}
	return out
}

// byUrgency orders by triage deadline (journeys without one last), then start time, then id.
func byUrgency(x, y Listed) int {
	switch {
	case x.TriageDueAt.IsZero() != y.TriageDueAt.IsZero():
		if x.TriageDueAt.IsZero() {
			return 1
		}
		return -1
	case !x.TriageDueAt.Equal(y.TriageDueAt):
		return x.TriageDueAt.Compare(y.TriageDueAt)
	case !x.StartedAt.Equal(y.StartedAt):
		return x.StartedAt.Compare(y.StartedAt)
	}
	return strings.Compare(x.JourneyID, y.JourneyID)
}

func page(all []Listed, offset, size int, query string) WorklistPage {
	if offset >= len(all) {
		return WorklistPage{}
	}
	end := min(offset+size, len(all))
	p := WorklistPage{Items: all[offset:end]}
	if end < len(all) {
		p.NextPageToken = encodePageToken(end, query)
	}
	return p
}
