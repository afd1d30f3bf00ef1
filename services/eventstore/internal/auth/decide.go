package auth

import "strings"

// AllStream is the name of the global log.
const AllStream = "$all"

// metastreamPrefix prefixes the metadata stream of every stream.
const metastreamPrefix = "$$"

// ACLSource answers the ACL in the metadata of stream (the zero ACL when there is none). Allowed
// calls it only when the decision depends on it.
type ACLSource func(stream string) (ACL, error)

// Allowed decides whether p may do op (Read, Write or Delete) on stream, the way KurrentDB's
// legacy ACL policy does:
//
//   - $all: Read by administrators and operators only; nothing else, by anyone.
//   - $$s (the metadata of s): Read and Write become MetadataRead and MetadataWrite on s;
//     Delete is refused to everyone.
//   - anonymous callers: refused.
//   - administrators: allowed, without looking at the ACL.
//   - otherwise the roles of the stream's ACL for the operation, or the default ACL's where the
//     stream's sets none; the caller needs one of them ($all: any authenticated caller).
//
// The error is acls' error, if it was called and failed.
func Allowed(p Principal, op Operation, stream string, acls ACLSource) (bool, error) {
	if stream == AllStream {
		return op == Read && (p.IsAdmin() || p.IsOps()), nil
	}
	if strings.HasPrefix(stream, metastreamPrefix) {
		switch op {
		case Read:
			op = MetadataRead
		case Write:
			op = MetadataWrite
		default:
			return false, nil
		}
		stream = strings.TrimPrefix(stream, metastreamPrefix)
	}
	if !p.Authenticated() {
		return false, nil
	}
	if p.IsAdmin() {
		return true, nil
	}
	acl, err := acls(stream)
	if err != nil {
		return false, err
	}
	roles, ok := acl.Roles(op)
	if !ok {
		roles, _ = DefaultACL(stream).Roles(op)
	}
	return p.hasAnyRole(roles), nil
}
