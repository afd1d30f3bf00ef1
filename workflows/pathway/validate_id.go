package pathway

import (
	"errors"
	"fmt"
	"regexp"
)

// MaxIDLength bounds a pathway id and every id inside a pathway document.
const MaxIDLength = 64

// idRule is the one description of the id rule, in every message that refuses an id.
const idRule = "must be a lower-case slug (a-z, 0-9, single hyphens, starting with a letter, at most 64 characters)"

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// ErrIDRequired is CheckID's error for an empty id.
var ErrIDRequired = errors.New("is required")

// CheckID is the one rule for a pathway id, used by the document's own id, governance, the
// coordinator, finance and the dashboard alike: a lower-case slug of letters and digits in
// words joined by single hyphens, starting with a letter, at most MaxIDLength characters
// ("msk", "msk-spinal", "copd"). It returns nil, ErrIDRequired, or an error describing the rule
// and what was given (the id itself when it is short enough to quote, otherwise its length).
func CheckID(id string) error {
	switch {
	case id == "":
		return ErrIDRequired
	case len(id) > MaxIDLength:
		return fmt.Errorf("%s, got %d characters", idRule, len(id))
	case !idPattern.MatchString(id):
		return fmt.Errorf("%s, got %q", idRule, id)
	}
	return nil
}
