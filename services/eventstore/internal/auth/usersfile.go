package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// fileUser is one entry of a users file.
type fileUser struct {
	Name         string   `json:"name"`
	PasswordHash string   `json:"password_hash"`
	Groups       []string `json:"groups"`
}

// ReadUsersFile reads a users file: a JSON list of {"name", "password_hash" (bcrypt, as
// golang.org/x/crypto/bcrypt or htpasswd -B writes it), "groups"}. Unknown keys are refused, so
// is a password in clear, and so are the built-in users' names (their passwords have their own
// settings). Every problem is reported, naming the entry and the field.
func ReadUsersFile(path string) ([]User, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the operator's own configuration file
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var entries []fileUser
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("users file %s: must be a JSON list of {name, password_hash, groups}: %w", path, err)
	}
	var (
		users []User
		errs  []error
	)
	seen := map[string]bool{}
	for i, e := range entries {
		u := User{Name: e.Name, Groups: e.Groups, PasswordHash: []byte(e.PasswordHash)}
		var err error
		switch {
		case e.Name == AdminUser || e.Name == OpsUser:
			err = fmt.Errorf("name %q: is a built-in user; set its password with -default-%s-password", e.Name, e.Name)
		case e.PasswordHash == "":
			err = errors.New("password_hash: is required (a bcrypt hash)")
		default:
			err = checkUser(u, seen)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("users file %s: entry %d: %w", path, i, err))
			continue
		}
		users = append(users, u)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return users, nil
}
