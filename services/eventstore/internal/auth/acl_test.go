package auth

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseACL(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[Operation][]string // nil: sets nothing
	}{
		{"roles as strings and lists", `{"$acl":{"$r":"$all","$w":["alice","bob"],"$d":[],"$mr":"$admins","$mw":"alice"}}`,
			map[Operation][]string{Read: {RoleAll}, Write: {"alice", "bob"}, Delete: {}, MetadataRead: {RoleAdmins}, MetadataWrite: {"alice"}}},
		{"some fields", `{"$maxCount":3,"$acl":{"$w":"alice"}}`, map[Operation][]string{Write: {"alice"}}},
		{"null field is unset", `{"$acl":{"$w":null,"$r":"bob"}}`, map[Operation][]string{Read: {"bob"}}},
		{"user default by name", `{"$acl":"$userStreamAcl"}`,
			map[Operation][]string{Read: {RoleAll}, Write: {RoleAll}, Delete: {RoleAll}, MetadataRead: {RoleAll}, MetadataWrite: {RoleAll}}},
		{"system default by name", `{"$acl":"$systemStreamAcl"}`,
			map[Operation][]string{Read: {RoleAdmins}, Write: {RoleAdmins}, Delete: {RoleAdmins}, MetadataRead: {RoleAdmins}, MetadataWrite: {RoleAdmins}}},
		{"no $acl", `{"$maxAge":10}`, nil},
		{"not JSON", `nope`, nil},
		{"empty", ``, nil},
		{"unknown named ACL", `{"$acl":"$other"}`, nil},
		{"malformed role", `{"$acl":{"$w":3,"$r":"bob"}}`, nil},
		{"malformed $acl", `{"$acl":[1]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, NewACL(tt.want), ParseACL([]byte(tt.doc)))
		})
	}
}

func TestDefaultACL(t *testing.T) {
	r, ok := DefaultACL("orders").Roles(Write)
	require.True(t, ok)
	require.Equal(t, []string{RoleAll}, r)
	r, _ = DefaultACL("$settings").Roles(Write)
	require.Equal(t, []string{RoleAdmins}, r)
	_, ok = ACL{}.Roles(Read)
	require.False(t, ok, "the zero ACL sets nothing")
	require.Equal(t, "$mw", MetadataWrite.String())
}
