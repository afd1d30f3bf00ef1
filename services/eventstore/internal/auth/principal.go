// Package auth decides who calls the event store and what they may do, the way KurrentDB does
// with its built-in users and stream access control lists (ACLs):
//
//   - Users have a name, a password (kept as a bcrypt hash or a keyed digest, never in clear) and
//     groups. The built-in users are admin (group $admins) and ops (group $ops). A user always
//     holds a role equal to its own name besides its groups.
//   - $admins (and the user named admin) may do everything except delete a metadata stream.
//   - $all may be read only by $admins and $ops; nobody writes or deletes $all.
//   - Any other stream is governed by the $acl of its metadata ($r, $w, $d, $mr, $mw, each a
//     role or a list of roles, $all meaning any authenticated user), each field falling back to
//     the default: any authenticated user for user streams, $admins for system streams (names
//     beginning with $). Reading or writing $$s (the metadata of s) needs $mr or $mw on s.
//   - Anonymous callers may do nothing on streams.
//
// Decisions are pure: the caller supplies the stream's ACL through a function called only when
// the decision needs it. Everything here is safe for concurrent use.
package auth

import "slices"

// Well-known role names.
const (
	// RoleAdmins is the administrators' group: every stream access is granted.
	RoleAdmins = "$admins"
	// RoleOps is the operators' group: may read $all, otherwise governed by ACLs.
	RoleOps = "$ops"
	// RoleAll in an ACL stands for any authenticated user.
	RoleAll = "$all"
)

// Names of the built-in users.
const (
	AdminUser = "admin"
	OpsUser   = "ops"
)

// DefaultPassword is the password KurrentDB gives its built-in users unless configured.
const DefaultPassword = "changeit"

// Principal is an authenticated caller, or the anonymous one (the zero value).
type Principal struct {
	// Name is the user name; empty for the anonymous caller.
	Name string
	// Groups are the user's groups (roles besides its name).
	Groups []string
}

// Anonymous is the caller that presented no credentials.
var Anonymous = Principal{}

// Authenticated reports whether the caller proved who it is.
func (p Principal) Authenticated() bool { return p.Name != "" }

// HasRole reports whether role is the caller's name or one of its groups.
func (p Principal) HasRole(role string) bool {
	return p.Authenticated() && (p.Name == role || slices.Contains(p.Groups, role))
}

// IsAdmin reports whether the caller is an administrator (group $admins or the user admin).
func (p Principal) IsAdmin() bool { return p.HasRole(RoleAdmins) || p.HasRole(AdminUser) }

// IsOps reports whether the caller is an operator (group $ops or the user ops).
func (p Principal) IsOps() bool { return p.HasRole(RoleOps) || p.HasRole(OpsUser) }

// hasAnyRole reports whether the caller holds one of roles, $all matching any authenticated
// caller.
func (p Principal) hasAnyRole(roles []string) bool {
	if !p.Authenticated() {
		return false
	}
	for _, r := range roles {
		if r == RoleAll || p.HasRole(r) {
			return true
		}
	}
	return false
}
