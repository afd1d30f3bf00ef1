package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RequiredApprovals is how many distinct reviewers (by subject), none of them an author, must
// approve.
const RequiredApprovals = 2

// Approve records who's approval of a version in review. The reviewer must hold the reviewer
// role, belong to the owning Expert Oversight Group (Principal.EOGs, from the token's claim), not
// be an author (creator or editor) of the version, and not have approved already: all decided on
// the subject, whatever name they are shown under. The approval that brings the distinct
// reviewers to RequiredApprovals makes the version approved.
func (p *Pathway) Approve(who Principal, number int, comment string, now time.Time) ([]Event, error) {
	v, err := p.reviewable(who, number, "approve")
	if err != nil {
		return nil, err
	}
	if a, ok := v.approvalOf(who); ok {
		return nil, precondition("%s has already approved version %d of pathway %q%s; a reviewer approves once",
			who.Actor, number, p.ID, asName(a.Reviewer, who.Actor))
	}
	ctx := contextOf(who, number, now, comment)
	evs := []Event{ReviewApproved{ctx}}
	names, subjects := approvers(v)
	names, subjects = append(names, who.Actor), append(subjects, who.ID())
	if v.Status == StatusInReview && distinct(subjects) >= RequiredApprovals {
		ctx.Reason = "approved by " + strings.Join(names, " and ")
		evs = append(evs, VersionApproved{EventContext: ctx, Reviewers: names, ReviewerSubjects: subjects})
	}
	return evs, nil
}

// RequestChanges sends a version in review back to its authors with comments (at least one),
// clearing any approvals given so far. The same people may do it as may approve.
func (p *Pathway) RequestChanges(who Principal, number int, comments []Comment, reason string, now time.Time) ([]Event, error) {
	var vs Violations
	if len(comments) == 0 {
		vs.Add("comments", "at least one comment is required to request changes")
	}
	for i, c := range comments {
		if strings.TrimSpace(c.Text) == "" {
			vs.Add(indexed("comments", i)+".text", "must not be empty")
		}
	}
	v, err := p.reviewable(who, number, "request changes to")
	if err != nil {
		return nil, err
	}
	if err := vs.Err(); err != nil {
		return nil, err
	}
	ctx := contextOf(who, number, now, reason)
	evs := []Event{ChangesRequested{EventContext: ctx, Comments: comments}}
	if len(v.Approvals) > 0 {
		ctx.Reason = "changes requested by " + who.Actor
		evs = append(evs, reset(ctx, v))
	}
	return evs, nil
}

func (p *Pathway) reviewable(who Principal, number int, action string) (*Version, error) {
	if err := who.Require(RoleReviewer, "review pathway versions"); err != nil {
		return nil, err
	}
	v, err := p.find(number)
	if err != nil {
		return nil, err
	}
	if !who.MemberOf(v.OwningEOG) {
		return nil, denied("%s may not review pathway %q: only members of its Expert Oversight Group %q review it",
			who.Actor, p.ID, v.OwningEOG)
	}
	if name, ok := v.authorName(who); ok {
		return nil, denied("%s may not %s version %d of pathway %q: they created or edited it%s, and authors never review their own work",
			who.Actor, action, number, p.ID, asName(name, who.Actor))
	}
	if v.Status != StatusInReview && v.Status != StatusApproved {
		return nil, stateError(v, action, StatusInReview, StatusApproved)
	}
	return v, nil
}

// reset clears the approvals of v, naming whose were cleared.
func reset(ctx EventContext, v *Version) ApprovalsReset {
	names, subjects := approvers(v)
	return ApprovalsReset{EventContext: ctx, Cleared: names, ClearedSubjects: subjects}
}

// distinct counts the different subjects.
func distinct(subjects []string) int {
	seen := make(map[string]bool, len(subjects))
	for _, s := range subjects {
		seen[s] = true
	}
	return len(seen)
}

// asName says under which other name someone acted, when it differs from the current one.
func asName(recorded, current string) string {
	if recorded == current {
		return ""
	}
	return fmt.Sprintf(" (as %q)", recorded)
}

func indexed(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
