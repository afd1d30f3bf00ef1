package events

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Categories of the streams the pathways services write. A stream name is "<category>-<id>".
const (
	JourneyCategory = "journey"
	PathwayCategory = "pathway"
)

// MaxIDLength is the longest aggregate id a stream name may carry, in bytes.
const MaxIDLength = 200

// ErrInvalidStream is returned (wrapped, naming the rule) for a stream name, category or id that
// breaks the naming rules below. Nothing is sent to the server.
var ErrInvalidStream = errors.New("invalid stream name")

// Stream returns the name of the stream of aggregate id in category: "<category>-<id>".
//
// Rules, checked by ValidateStream and by every Journal call that takes a stream name:
//   - the category is 1-50 ASCII letters or digits, starting with a letter (so never '-' or '$');
//   - the id is 1-MaxIDLength bytes of valid UTF-8 with no whitespace or control characters; it
//     may contain '-' (UUIDs do).
//
// The category is therefore everything before the first '-', which is also how the server's
// $by_category projection splits names. Stream does not validate, so it can be used in
// expressions; an invalid result is rejected where it is used.
func Stream(category, id string) string {
	return category + "-" + id
}

// JourneyStream returns the stream of one patient journey: "journey-<journeyID>".
func JourneyStream(journeyID string) string { return Stream(JourneyCategory, journeyID) }

// PathwayStream returns the stream of one pathway's versions: "pathway-<pathwayID>".
func PathwayStream(pathwayID string) string { return Stream(PathwayCategory, pathwayID) }

// Category returns the category of stream: the part before the first '-', or "" when the name
// has no '-'.
func Category(stream string) string {
	category, _, ok := strings.Cut(stream, "-")
	if !ok {
		return ""
	}
	return category
}

// ID returns the aggregate id of stream: the part after the first '-', or "" when the name has
// no '-'.
func ID(stream string) string {
	_, id, _ := strings.Cut(stream, "-")
	return id
}

// ValidateStream reports whether stream is "<category>-<id>" under the rules of Stream. The error
// wraps ErrInvalidStream and names the rule broken.
func ValidateStream(stream string) error {
	category, id, ok := strings.Cut(stream, "-")
	if !ok {
		return fmt.Errorf("%w: %q: must be <category>-<id>", ErrInvalidStream, stream)
	}
	if err := ValidateCategory(category); err != nil {
		return fmt.Errorf("stream %q: %w", stream, err)
	}
	if err := ValidateID(id); err != nil {
		return fmt.Errorf("stream %q: %w", stream, err)
	}
	return nil
}

// ValidateCategory reports whether category follows the rules of Stream.
func ValidateCategory(category string) error {
	switch {
	case category == "":
		return fmt.Errorf("%w: category must not be empty", ErrInvalidStream)
	case len(category) > 50:
		return fmt.Errorf("%w: category %q is longer than 50 characters", ErrInvalidStream, category)
	case !isASCIILetter(rune(category[0])):
		return fmt.Errorf("%w: category %q must start with a letter", ErrInvalidStream, category)
	}
	for _, r := range category {
		if !isASCIILetter(r) && !('0' <= r && r <= '9') {
			return fmt.Errorf("%w: category %q may hold only letters and digits", ErrInvalidStream, category)
		}
	}
	return nil
}

// ValidateID reports whether id may be the id part of a stream name (see Stream).
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: id must not be empty", ErrInvalidStream)
	case len(id) > MaxIDLength:
		return fmt.Errorf("%w: id is longer than %d bytes", ErrInvalidStream, MaxIDLength)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: id %q is not valid UTF-8", ErrInvalidStream, id)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%w: id %q must not contain whitespace or control characters", ErrInvalidStream, id)
		}
	}
	return nil
}

func isASCIILetter(r rune) bool {
	return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}
