package auth

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

func hash(t *testing.T, password string) []byte {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	require.NoError(t, err)
	return h
}

func TestAuthenticate(t *testing.T) {
	users := append(BuiltIn("admin-secret", DefaultPassword),
		User{Name: "alice", Groups: []string{"clinicians"}, PasswordHash: hash(t, "wonderland")})
	d, err := NewDirectory(users)
	require.NoError(t, err)

	p, err := d.Authenticate(AdminUser, "admin-secret")
	require.NoError(t, err)
	require.True(t, p.IsAdmin())
	p, err = d.Authenticate(OpsUser, DefaultPassword)
	require.NoError(t, err)
	require.True(t, p.IsOps())
	require.False(t, p.IsAdmin())

	for range 2 { // the second time from the remembered digest
		p, err = d.Authenticate("alice", "wonderland")
		require.NoError(t, err)
		require.Equal(t, Principal{Name: "alice", Groups: []string{"clinicians"}}, p)
	}
	for _, bad := range [][2]string{
		{AdminUser, DefaultPassword}, {"alice", "Wonderland"}, {"alice", ""}, {"mallory", "wonderland"}, {"", ""},
	} {
		p, err = d.Authenticate(bad[0], bad[1])
		require.ErrorIs(t, err, ErrUnauthenticated, "%q/%q", bad[0], bad[1])
		require.False(t, p.Authenticated())
	}

	p, ok := d.Lookup("alice")
	require.True(t, ok)
	require.Equal(t, "alice", p.Name)
	_, ok = d.Lookup("mallory")
	require.False(t, ok)
}

func TestNewDirectoryReportsEveryProblem(t *testing.T) {
	_, err := NewDirectory([]User{
		{Name: "", Password: "x"},
		{Name: "a:b", Password: "x"},
		{Name: "twice", Password: "x"},
		{Name: "twice", Password: "y"},
		{Name: "none"},
		{Name: "both", Password: "x", PasswordHash: hash(t, "x")},
		{Name: "clear", PasswordHash: []byte("not-a-hash")},
		{Name: "grouped", Password: "x", Groups: []string{""}},
	})
	for _, want := range []string{
		"users[0]: name: must not be empty", `users[1]: name "a:b": must not contain ':'`,
		`users[3]: name "twice": must be unique`, `users[4]: user "none": exactly one of password and password_hash`,
		`users[5]: user "both": exactly one`, `users[6]: user "clear": password_hash: must be a bcrypt hash`,
		`users[7]: user "grouped": groups[0]: must not be empty`,
	} {
		require.ErrorContains(t, err, want)
	}
	require.NotContains(t, err.Error(), "users[2]")
}

func TestParseBasic(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tt := range []struct {
		header, name, password string
		ok                     bool
	}{
		{"Basic " + enc("admin:changeit"), "admin", "changeit", true},
		{"basic " + enc("admin:pass:with:colons"), "admin", "pass:with:colons", true},
		{"Basic " + enc("admin:"), "admin", "", true},
		{"Basic " + enc("no-colon"), "", "", false},
		{"Basic not base64!", "", "", false},
		{"Bearer abc", "", "", false},
		{"", "", "", false},
	} {
		name, password, ok := ParseBasic(tt.header)
		require.Equal(t, tt.ok, ok, tt.header)
		if ok {
			require.Equal(t, tt.name, name)
			require.Equal(t, tt.password, password)
		}
	}
}

func TestReadUsersFile(t *testing.T) {
	write := func(body string) string {
		p := filepath.Join(t.TempDir(), "users.json")
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	h := string(hash(t, "wonderland"))
	users, err := ReadUsersFile(write(`[{"name":"alice","password_hash":"` + h + `","groups":["clinicians"]},{"name":"bob","password_hash":"` + h + `"}]`))
	require.NoError(t, err)
	require.Len(t, users, 2)
	require.Equal(t, "alice", users[0].Name)
	require.Equal(t, []string{"clinicians"}, users[0].Groups)
	d, err := NewDirectory(users)
	require.NoError(t, err)
	_, err = d.Authenticate("bob", "wonderland")
	require.NoError(t, err)

	_, err = ReadUsersFile(write(`[{"name":"alice","password":"wonderland"}]`))
	require.ErrorContains(t, err, `unknown field "password"`)
	_, err = ReadUsersFile(write(`{"name":"alice"}`))
	require.ErrorContains(t, err, "must be a JSON list")
	_, err = ReadUsersFile(filepath.Join(t.TempDir(), "missing.json"))
	require.ErrorContains(t, err, "users file")
	_, err = ReadUsersFile(write(`[{"name":"admin","password_hash":"` + h + `"},{"name":"carol"},{"name":"dave","password_hash":"plain"},` +
		`{"name":"erin","password_hash":"` + h + `"},{"name":"erin","password_hash":"` + h + `"}]`))
	for _, want := range []string{
		`entry 0: name "admin": is a built-in user; set its password with -default-admin-password`,
		"entry 1: password_hash: is required", `entry 2: user "dave": password_hash: must be a bcrypt hash`,
		`entry 4: name "erin": must be unique`,
	} {
		require.ErrorContains(t, err, want)
	}
}
