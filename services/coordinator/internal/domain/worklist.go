package domain

import (
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Worklist names a coordinator worklist.
type Worklist int

// Worklists.
const (
	WorklistAwaitingTriage Worklist = iota + 1
	WorklistBreached
	WorklistInIntervention
	WorklistDueFollowUp
)

// Page sizes of worklists.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// WorklistQuery asks for one page of a worklist. Empty filters match everything.
type WorklistQuery struct {
	Worklist  Worklist
	PathwayID string
	PCNCode   string
	Segment   journeyv1.Segment
	PageSize  int
	PageToken string
}

// Validate checks the worklist and filters (they go into a visibility query, so only known
// shapes pass) and applies the default page size.
func (q *WorklistQuery) Validate() error {
	var v Violations
	if q.Worklist < WorklistAwaitingTriage || q.Worklist > WorklistDueFollowUp {
		v.Addf("worklist", "is required: AWAITING_TRIAGE, BREACHED, IN_INTERVENTION or DUE_FOLLOW_UP")
	}
	if q.PathwayID != "" {
		v.Add("pathway_id", pathway.CheckID(q.PathwayID))
	}
	if q.PCNCode != "" {
		v.Add("pcn_ods_code", ValidatePCNCode(q.PCNCode))
	}
	if _, ok := journeyv1.Segment_name[int32(q.Segment)]; !ok {
		v.Addf("segment", "is not a known segment")
	}
	switch {
	case q.PageSize < 0 || q.PageSize > MaxPageSize:
		v.Addf("page_size", "must be between 0 and %d", MaxPageSize)
	case q.PageSize == 0:
		q.PageSize = DefaultPageSize
	}
	return v.Err()
}
