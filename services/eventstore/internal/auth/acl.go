package auth

import (
	"encoding/json"
	"strings"
)

// Operation is what a caller wants to do with a stream.
type Operation int

// Operations, with the ACL key each needs.
const (
	Read          Operation = iota // $r
	Write                          // $w
	Delete                         // $d (soft delete and tombstone)
	MetadataRead                   // $mr: reading $$stream
	MetadataWrite                  // $mw: writing $$stream
	operations
)

var operationKeys = [operations]string{"$r", "$w", "$d", "$mr", "$mw"}

// String is the operation's ACL key.
func (o Operation) String() string {
	if o < 0 || o >= operations {
		return "unknown"
	}
	return operationKeys[o]
}

// ACL is the $acl of a stream's metadata: the roles allowed each operation. A nil entry is
// unset (the default applies); an empty, non-nil one allows nobody but administrators. The zero
// ACL sets nothing.
type ACL struct {
	roles [operations][]string
}

// NewACL builds an ACL from roles per operation (an operation left out is unset).
func NewACL(roles map[Operation][]string) ACL {
	var a ACL
	for op, r := range roles {
		if op >= 0 && op < operations {
			a.roles[op] = append([]string{}, r...)
		}
	}
	return a
}

// Roles answers the roles allowed op, and whether the ACL sets them.
func (a ACL) Roles(op Operation) ([]string, bool) {
	if op < 0 || op >= operations {
		return nil, false
	}
	return a.roles[op], a.roles[op] != nil
}

// Default ACLs (KurrentDB's $settings defaults: $userStreamAcl and $systemStreamAcl).
var (
	// UserStreamACL lets any authenticated user do anything with a user stream.
	UserStreamACL = uniform(RoleAll)
	// SystemStreamACL lets only administrators touch a system stream.
	SystemStreamACL = uniform(RoleAdmins)
)

func uniform(role string) ACL {
	var a ACL
	for op := range a.roles {
		a.roles[op] = []string{role}
	}
	return a
}

// DefaultACL is the ACL that applies to stream where its own $acl sets nothing.
func DefaultACL(stream string) ACL {
	if IsSystemStream(stream) {
		return SystemStreamACL
	}
	return UserStreamACL
}

// IsSystemStream reports whether stream is a system stream (its name begins with $).
func IsSystemStream(stream string) bool { return strings.HasPrefix(stream, "$") }

// ParseACL reads the $acl of a stream metadata document. $acl may be an object whose keys
// ($r, $w, $d, $mr, $mw) hold a role or a list of roles, or the string "$userStreamAcl" or
// "$systemStreamAcl" naming a default. A document that is not JSON, or whose $acl is malformed,
// sets nothing, as the real server ignores metadata it cannot parse.
func ParseACL(metadata []byte) ACL {
	var doc struct {
		ACL json.RawMessage `json:"$acl"`
	}
	if json.Unmarshal(metadata, &doc) != nil || len(doc.ACL) == 0 {
		return ACL{}
	}
	var named string
	if json.Unmarshal(doc.ACL, &named) == nil {
		switch named {
		case "$userStreamAcl":
			return UserStreamACL
		case "$systemStreamAcl":
			return SystemStreamACL
		}
		return ACL{}
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(doc.ACL, &fields) != nil {
		return ACL{}
	}
	var a ACL
	for op, key := range operationKeys {
		raw, ok := fields[key]
		if !ok || string(raw) == "null" {
			continue
		}
		roles, ok := parseRoles(raw)
		if !ok {
			return ACL{}
		}
		a.roles[op] = roles
	}
	return a
}

// parseRoles reads a role or a list of roles; ok is false for anything else.
func parseRoles(raw json.RawMessage) ([]string, bool) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil || many == nil {
		return nil, false
	}
	return many, true
}
