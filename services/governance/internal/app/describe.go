package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// Describe says in one line what an event did, for the audit trail.
func Describe(e domain.Event) string {
	c := e.Context()
	switch e := e.(type) {
	case domain.DraftCreated:
		if e.BasedOn > 0 {
			return fmt.Sprintf("%s created draft version %d from version %d", c.Actor, c.Version, e.BasedOn)
		}
		return fmt.Sprintf("%s created empty draft version %d", c.Actor, c.Version)
	case domain.DraftUpdated:
		return fmt.Sprintf("%s updated the document of version %d", c.Actor, c.Version)
	case domain.SubmittedForReview:
		return fmt.Sprintf("%s submitted version %d for review", c.Actor, c.Version)
	case domain.ReviewApproved:
		return fmt.Sprintf("%s approved version %d", c.Actor, c.Version)
	case domain.VersionApproved:
		return fmt.Sprintf("version %d approved by %s", c.Version, strings.Join(e.Reviewers, " and "))
	case domain.ChangesRequested:
		return fmt.Sprintf("%s requested %d change(s) to version %d", c.Actor, len(e.Comments), c.Version)
	case domain.ApprovalsReset:
		return fmt.Sprintf("approvals of version %d reset (%s)", c.Version, strings.Join(e.Cleared, ", "))
	case domain.Published:
		return fmt.Sprintf("%s published version %d effective from %s", c.Actor, c.Version, stamp(e.EffectiveFrom))
	case domain.EffectivePeriodChanged:
		if e.EffectiveTo.IsZero() {
			return fmt.Sprintf("version %d in effect with no end date (because of version %d)", c.Version, e.CausedBy)
		}
		return fmt.Sprintf("version %d in effect until %s (because of version %d)", c.Version, stamp(e.EffectiveTo), e.CausedBy)
	case domain.Retired:
		return fmt.Sprintf("%s retired version %d", c.Actor, c.Version)
	}
	return e.Type()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
