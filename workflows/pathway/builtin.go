package pathway

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
)

//go:embed definitions/*.yaml
var shipped embed.FS

// ErrNotFound is returned when no shipped version matches.
var ErrNotFound = errors.New("pathway version not found")

// builtinFiles lists the shipped versions in a fixed order.
var builtinFiles = []string{"msk.v1.yaml", "copd.v1.yaml"}

// Builtin returns the shipped starting versions (msk v1, copd v1), freshly
// parsed so callers may keep or change them. The embedded files are checked by
// the package tests; an invalid one is a build defect, so Builtin panics rather
// than returning a half-loaded catalogue.
func Builtin() []*Definition {
	out := make([]*Definition, 0, len(builtinFiles))
	for _, name := range builtinFiles {
		d, err := parseShipped(name)
		if err != nil {
			panic(err) //nolint:forbidigo // embedded at build time and verified by the tests: a build defect, like regexp.MustCompile
		}
		out = append(out, d)
	}
	return out
}

// Load returns the shipped version of a pathway, or ErrNotFound.
func Load(id string, version int) (*Definition, error) {
	name, err := shippedName(id, version)
	if err != nil {
		return nil, err
	}
	return parseShipped(name)
}

// BuiltinYAML returns the shipped document of a version as authored, comments
// included (e.g. to seed a draft of the next version).
func BuiltinYAML(id string, version int) ([]byte, error) {
	name, err := shippedName(id, version)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(shipped, "definitions/"+name)
}

func shippedName(id string, version int) (string, error) {
	name := fmt.Sprintf("%s.v%d.yaml", id, version)
	for _, n := range builtinFiles {
		if n == name {
			return n, nil
		}
	}
	return "", fmt.Errorf("pathway %q version %d: %w", id, version, ErrNotFound)
}

func parseShipped(name string) (*Definition, error) {
	doc, err := fs.ReadFile(shipped, "definitions/"+name)
	if err != nil {
		return nil, fmt.Errorf("read shipped pathway %s: %w", name, err)
	}
	d, err := Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("parse shipped pathway %s: %w", name, err)
	}
	return d, nil
}
