package app

import "github.com/nhs-pathways/pathways/services/governance/internal/domain"

// Documents is the pathway definition model: parsing, validation, diff and the built-in versions.
type Documents interface {
	// Parse validates a YAML document and returns it in canonical form. Problems are reported as a
	// *domain.ValidationError with one violation per problem, located by its path.
	Parse(yaml []byte) (domain.Document, error)
	// Renumber returns a copy of a valid document carrying another version number.
	Renumber(yaml []byte, version int) (domain.Document, error)
	// Diff compares two documents; an empty one counts as an empty pathway.
	Diff(from, to []byte) (Diff, error)
	// Summary describes a document's structure.
	Summary(yaml []byte) (Summary, error)
	// Builtin returns the versions shipped with the code (msk v1, copd v1).
	Builtin() ([]domain.Document, error)
}

// Change is one semantic difference between two versions.
type Change struct {
	Kind, Area, Path, Before, After, Summary string
}

// Diff is the list of changes and their readable text.
type Diff struct {
	Changes []Change
	Text    string
}

// Summary is the structured summary of a document.
type Summary struct {
	Title     string
	OwningEOG string
	Counts    map[string]int
}
