package auth

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	admin    = Principal{Name: AdminUser, Groups: []string{RoleAdmins}}
	ops      = Principal{Name: OpsUser, Groups: []string{RoleOps}}
	alice    = Principal{Name: "alice", Groups: []string{"clinicians"}}
	bob      = Principal{Name: "bob"}
	boss     = Principal{Name: "boss", Groups: []string{RoleAdmins}} // an administrator by group
	operator = Principal{Name: "night-shift", Groups: []string{RoleOps}}
)

// aclOf answers a fixed ACL per stream (none for others).
func aclOf(acls map[string]ACL) ACLSource {
	return func(stream string) (ACL, error) { return acls[stream], nil }
}

func TestAllowed(t *testing.T) {
	restricted := NewACL(map[Operation][]string{Write: {"alice"}, Read: {"clinicians", "bob"}, Delete: {}})
	public := NewACL(map[Operation][]string{Read: {RoleAll}})
	acls := aclOf(map[string]ACL{"restricted": restricted, "$system-open": public})
	tests := []struct {
		name   string
		who    Principal
		op     Operation
		stream string
		want   bool
	}{
		{"admin reads $all", admin, Read, AllStream, true},
		{"an $admins member reads $all", boss, Read, AllStream, true},
		{"ops reads $all", ops, Read, AllStream, true},
		{"an $ops member reads $all", operator, Read, AllStream, true},
		{"a plain user may not read $all", alice, Read, AllStream, false},
		{"anonymous may not read $all", Anonymous, Read, AllStream, false},
		{"nobody writes $all", admin, Write, AllStream, false},
		{"nobody deletes $all", admin, Delete, AllStream, false},

		{"a user reads a user stream by default", bob, Read, "orders-1", true},
		{"a user writes a user stream by default", bob, Write, "orders-1", true},
		{"a user deletes a user stream by default", bob, Delete, "orders-1", true},
		{"ops writes a user stream by default ($all)", ops, Write, "orders-1", true},
		{"anonymous may not read a user stream", Anonymous, Read, "orders-1", false},
		{"anonymous may not write a user stream", Anonymous, Write, "orders-1", false},

		{"a user may not write a system stream", bob, Write, "$settings", false},
		{"a user may not read a system stream", bob, Read, "$settings", false},
		{"ops may not write a system stream by default", ops, Write, "$settings", false},
		{"admin writes a system stream", admin, Write, "$settings", true},
		{"a system stream's own $acl applies", bob, Read, "$system-open", true},
		{"unset fields of a system stream's $acl keep the default", bob, Write, "$system-open", false},

		{"$w names alice", alice, Write, "restricted", true},
		{"$w does not name bob", bob, Write, "restricted", false},
		{"$r names alice's group", alice, Read, "restricted", true},
		{"$r names bob", bob, Read, "restricted", true},
		{"$r names neither ops nor its group", ops, Read, "restricted", false},
		{"an empty $d allows nobody", alice, Delete, "restricted", false},
		{"an empty $d still allows administrators", boss, Delete, "restricted", true},

		{"metadata read of a user stream by default", bob, Read, "$$orders-1", true},
		{"metadata write of a user stream by default", bob, Write, "$$orders-1", true},
		{"metadata read of a system stream", bob, Read, "$$$settings", false},
		{"metadata deletes are refused", admin, Delete, "$$orders-1", false},
		{"anonymous may not read metadata", Anonymous, Read, "$$orders-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Allowed(tt.who, tt.op, tt.stream, acls)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestAllowedUsesMetadataACLFields(t *testing.T) {
	acl := NewACL(map[Operation][]string{MetadataRead: {"alice"}, MetadataWrite: {}})
	acls := aclOf(map[string]ACL{"s": acl})
	for _, tt := range []struct {
		who    Principal
		op     Operation
		stream string
		want   bool
	}{
		{alice, Read, "$$s", true}, {bob, Read, "$$s", false}, {alice, Write, "$$s", false},
		{bob, Read, "s", true}, // $r unset: the default
	} {
		got, err := Allowed(tt.who, tt.op, tt.stream, acls)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "%s %s %s", tt.who.Name, tt.op, tt.stream)
	}
}

func TestAllowedLooksUpTheACLOnlyWhenNeeded(t *testing.T) {
	failing := func(string) (ACL, error) { return ACL{}, errors.New("disk on fire") }
	ok, err := Allowed(admin, Write, "orders", failing)
	require.NoError(t, err, "administrators need no ACL")
	require.True(t, ok)
	ok, err = Allowed(Anonymous, Write, "orders", failing)
	require.NoError(t, err, "anonymous callers need no ACL")
	require.False(t, ok)
	_, err = Allowed(bob, Write, "orders", failing)
	require.ErrorContains(t, err, "disk on fire")
}
