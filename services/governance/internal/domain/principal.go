package domain

import "slices"

// Role is what a caller may do.
type Role string

// The roles. Authors draft, update and submit; reviewers (members of the owning Expert Oversight
// Group) review; publishers publish and retire. Every authenticated caller may read.
const (
	RoleAuthor    Role = "author"
	RoleReviewer  Role = "reviewer"
	RolePublisher Role = "publisher"
)

// Principal is the authenticated caller. It is a value; safe to share.
type Principal struct {
	Actor string
	Roles []Role
	EOGs  []string
}

// Has reports whether the principal holds the role.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// MemberOf reports whether the principal belongs to the Expert Oversight Group.
func (p Principal) MemberOf(eog string) bool { return slices.Contains(p.EOGs, eog) }

func (p Principal) require(r Role, action string) error {
	if p.Actor == "" {
		return denied("an identified actor is required to %s", action)
	}
	if !p.Has(r) {
		return denied("%s may not %s: the %q role is required", p.Actor, action, r)
	}
	return nil
}
