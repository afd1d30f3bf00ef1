package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// User is a configured user. Exactly one of PasswordHash and Password is set.
type User struct {
	Name   string
	Groups []string
	// PasswordHash is a bcrypt hash of the password (from a users file).
	PasswordHash []byte
	// Password is the password itself (the built-in users' configured passwords, embedded
	// servers); it is kept only as a keyed digest.
	Password string
}

// BuiltIn answers KurrentDB's built-in users: admin in $admins and ops in $ops, with these
// passwords.
func BuiltIn(adminPassword, opsPassword string) []User {
	return []User{
		{Name: AdminUser, Groups: []string{RoleAdmins}, Password: adminPassword},
		{Name: OpsUser, Groups: []string{RoleOps}, Password: opsPassword},
	}
}

// ErrUnauthenticated means the credentials do not prove who the caller is: an unknown user or
// a wrong password (the two are not told apart).
var ErrUnauthenticated = errors.New("unknown user or wrong password")

// Directory is the set of users the server knows. It is safe for concurrent use.
type Directory struct {
	users map[string]*account
	key   []byte // keys the password digests; random per Directory
}

type account struct {
	principal Principal
	hash      []byte // bcrypt; nil when the password was configured in clear

	mu     sync.Mutex
	digest []byte // keyed digest of the password: configured, or last verified against hash
}

// NewDirectory checks users (names present, unique and without ':', which Basic credentials
// cannot carry; exactly one of password and bcrypt hash) and answers their directory. Every
// problem is reported, naming the user by position.
func NewDirectory(users []User) (*Directory, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("password digest key: %w", err)
	}
	d := &Directory{users: map[string]*account{}, key: key}
	var errs []error
	seen := map[string]bool{}
	for i, u := range users {
		if err := checkUser(u, seen); err != nil {
			errs = append(errs, fmt.Errorf("users[%d]: %w", i, err))
			continue
		}
		a := &account{principal: Principal{Name: u.Name, Groups: append([]string{}, u.Groups...)}}
		if u.PasswordHash != nil {
			a.hash = append([]byte{}, u.PasswordHash...)
		} else {
			a.digest = d.digest(u.Password)
		}
		d.users[u.Name] = a
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return d, nil
}

// checkUser reports the first problem of u, given the names seen before it, and adds its name.
func checkUser(u User, seen map[string]bool) error {
	defer func() { seen[u.Name] = true }()
	switch {
	case u.Name == "":
		return errors.New("name: must not be empty")
	case strings.Contains(u.Name, ":"):
		return fmt.Errorf("name %q: must not contain ':'", u.Name)
	case seen[u.Name]:
		return fmt.Errorf("name %q: must be unique (already defined)", u.Name)
	case (u.PasswordHash == nil) == (u.Password == ""):
		return fmt.Errorf("user %q: exactly one of password and password_hash is required", u.Name)
	}
	if u.PasswordHash != nil {
		if _, err := bcrypt.Cost(u.PasswordHash); err != nil {
			return fmt.Errorf("user %q: password_hash: must be a bcrypt hash: %w", u.Name, err)
		}
	}
	for j, g := range u.Groups {
		if g == "" {
			return fmt.Errorf("user %q: groups[%d]: must not be empty", u.Name, j)
		}
	}
	return nil
}

func (d *Directory) digest(password string) []byte {
	m := hmac.New(sha256.New, d.key)
	m.Write([]byte(password))
	return m.Sum(nil)
}

// Authenticate answers the user whose name and password these are, or ErrUnauthenticated. A
// bcrypt comparison is made once per user and password: a verified password is remembered as a
// keyed digest, so later calls with it cost a hash, not a bcrypt round.
func (d *Directory) Authenticate(name, password string) (Principal, error) {
	a := d.users[name]
	if a == nil {
		return Anonymous, ErrUnauthenticated
	}
	got := d.digest(password)
	a.mu.Lock()
	known := a.digest
	a.mu.Unlock()
	if known != nil && hmac.Equal(known, got) {
		return a.principal, nil
	}
	if a.hash == nil || bcrypt.CompareHashAndPassword(a.hash, []byte(password)) != nil {
		return Anonymous, ErrUnauthenticated
	}
	a.mu.Lock()
	a.digest = got
	a.mu.Unlock()
	return a.principal, nil
}

// Lookup answers the user named name, for callers proven by other means (a user certificate
// whose common name is name).
func (d *Directory) Lookup(name string) (Principal, bool) {
	a := d.users[name]
	if a == nil {
		return Anonymous, false
	}
	return a.principal, true
}

// ParseBasic reads HTTP Basic credentials ("Basic " and base64 of "name:password") from an
// authorization header value. ok is false when the value is not Basic credentials.
func ParseBasic(header string) (name, password string, ok bool) {
	scheme, encoded, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}
