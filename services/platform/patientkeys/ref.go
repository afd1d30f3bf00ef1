package patientkeys

import (
	"encoding/base32"
	"errors"
	"strings"
)

// RefPrefix begins every patient reference.
const RefPrefix = "pt-"

// refLen is the length of a reference: the prefix and 26 base32 characters of 16 bytes.
const refLen = len(RefPrefix) + 26

// refEncoding is lower-case RFC 4648 base32 without padding.
var refEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ErrRefShape is ValidRef's answer for a string that is not a patient reference.
var ErrRefShape = errors.New(`must be "pt-" followed by 26 lower-case base32 characters (a-z, 2-7)`)

// newRef returns a new random reference: "pt-" and 16 random bytes in lower-case base32.
// It is never shaped like an NHS number (it has letters and is 29 characters long).
func newRef() string {
	return RefPrefix + refEncoding.EncodeToString(randomBytes(16))
}

// ValidRef returns nil when ref is shaped as a patient reference ("pt-" and the canonical
// lower-case base32 of 16 bytes), and ErrRefShape otherwise. It never echoes ref.
func ValidRef(ref string) error {
	if len(ref) != refLen || !strings.HasPrefix(ref, RefPrefix) {
		return ErrRefShape
	}
	body := ref[len(RefPrefix):]
	raw, err := refEncoding.DecodeString(body)
	if err != nil || len(raw) != 16 || refEncoding.EncodeToString(raw) != body {
		return ErrRefShape
	}
	return nil
}

// LooksLikeRef reports whether s is shaped as a patient reference (ValidRef(s) == nil).
func LooksLikeRef(s string) bool { return ValidRef(s) == nil }
