package domain

import "github.com/nhs-pathways/pathways/services/platform/identity"

// Role is what a caller may do.
type Role = string

// The roles. Authors draft, update and submit; reviewers (members of the owning Expert Oversight
// Group) review; publishers publish and retire. Every authenticated caller may read.
const (
	RoleAuthor    Role = "author"
	RoleReviewer  Role = "reviewer"
	RolePublisher Role = "publisher"
)

// Principal is the authenticated caller (platform/identity): actor, roles and Expert Oversight
// Groups. Principal.Require refuses a caller without a role with KindPermissionDenied.
type Principal = identity.Principal
