package domain

import (
	"strconv"
	"strings"
	"time"
)

// RequiredApprovals is how many distinct reviewers, none of them an author, must approve.
const RequiredApprovals = 2

// Approve records who's approval of a version in review. The reviewer must hold the reviewer
// role, belong to the owning Expert Oversight Group, not be an author (creator or editor) of the
// version, and not have approved already. The second approval makes the version approved.
func (p *Pathway) Approve(who Principal, number int, comment string, now time.Time) ([]Event, error) {
	v, err := p.reviewable(who, number, "approve")
	if err != nil {
		return nil, err
	}
	if v.ApprovedBy(who.Actor) {
		return nil, precondition("%s has already approved version %d of pathway %q", who.Actor, number, p.ID)
	}
	ctx := EventContext{Version: number, Actor: who.Actor, At: now, Reason: comment}
	evs := []Event{ReviewApproved{ctx}}
	if v.Status == StatusInReview && len(v.Approvals)+1 >= RequiredApprovals {
		ctx.Reason = "approved by " + strings.Join(append(approvers(v), who.Actor), " and ")
		evs = append(evs, VersionApproved{EventContext: ctx, Reviewers: append(approvers(v), who.Actor)})
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
	ctx := EventContext{Version: number, Actor: who.Actor, At: now, Reason: reason}
	evs := []Event{ChangesRequested{EventContext: ctx, Comments: comments}}
	if len(v.Approvals) > 0 {
		ctx.Reason = "changes requested by " + who.Actor
		evs = append(evs, ApprovalsReset{EventContext: ctx, Cleared: approvers(v)})
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
	if v.IsAuthor(who.Actor) {
		return nil, denied("%s may not %s version %d of pathway %q: they created or edited it, and authors never review their own work",
			who.Actor, action, number, p.ID)
	}
	if v.Status != StatusInReview && v.Status != StatusApproved {
		return nil, stateError(v, action, StatusInReview, StatusApproved)
	}
	return v, nil
}

func indexed(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
