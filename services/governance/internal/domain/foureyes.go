package domain

import "slices"

// Four-eyes bookkeeping: people are told apart by subject (Principal.ID()), never by the name
// shown. For events recorded before events carried subjects, the recorded name stands in as the
// subject (EventContext.ActorID); such names are also kept aside, so that a caller shown under
// one of them counts as that author or reviewer too (only ever refusing more, never less).

// IsAuthor reports whether the person identified by subject created or edited the version.
func (v *Version) IsAuthor(subject string) bool { return slices.Contains(v.AuthorSubjects, subject) }

// ApprovedBy reports whether the approval of the person identified by subject currently stands.
func (v *Version) ApprovedBy(subject string) bool {
	_, ok := v.approvalBy(subject)
	return ok
}

func (v *Version) approvalBy(subject string) (Approval, bool) {
	i := slices.IndexFunc(v.Approvals, func(a Approval) bool { return a.Subject == subject })
	if i < 0 {
		return Approval{}, false
	}
	return v.Approvals[i], true
}

// authorName returns the name under which who created or edited the version, if they did: by
// subject, or by name for an author recorded without a subject.
func (v *Version) authorName(who Principal) (string, bool) {
	if i := slices.Index(v.AuthorSubjects, who.ID()); i >= 0 {
		return v.Authors[i], true
	}
	if slices.Contains(v.legacyAuthors, who.Actor) {
		return who.Actor, true
	}
	return "", false
}

// approvalOf returns who's standing approval, if any: by subject, or by name for an approval
// recorded without a subject.
func (v *Version) approvalOf(who Principal) (Approval, bool) {
	if a, ok := v.approvalBy(who.ID()); ok {
		return a, true
	}
	if slices.Contains(v.legacyApprovers, who.Actor) {
		return v.approvalBy(who.Actor)
	}
	return Approval{}, false
}

// addAuthor records the caller of c as an author, once per subject.
func (v *Version) addAuthor(c EventContext) {
	if c.legacy() && !slices.Contains(v.legacyAuthors, c.Actor) {
		v.legacyAuthors = append(v.legacyAuthors, c.Actor)
	}
	if !v.IsAuthor(c.ActorID()) {
		v.Authors = append(v.Authors, c.Actor)
		v.AuthorSubjects = append(v.AuthorSubjects, c.ActorID())
	}
}

// addApproval records the approval of the caller of c.
func (v *Version) addApproval(c EventContext) {
	v.Approvals = append(v.Approvals, Approval{Reviewer: c.Actor, Subject: c.ActorID(), At: c.At, Comment: c.Reason})
	if c.legacy() {
		v.legacyApprovers = append(v.legacyApprovers, c.Actor)
	}
}

// approvers returns the names and subjects of the standing approvals, in order.
func approvers(v *Version) (names, subjects []string) {
	for _, a := range v.Approvals {
		names, subjects = append(names, a.Reviewer), append(subjects, a.Subject)
	}
	return names, subjects
}
