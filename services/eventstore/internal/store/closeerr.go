package store

import (
	"fmt"
	"io"
)

// closeInto closes c and records its error in *err unless *err already
// holds the function's own, earlier error. Deferred with a named result, it
// makes a failed Close of an iterator or a value handle a failed call
// instead of a silently dropped error.
func closeInto(err *error, c io.Closer, what string) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close %s: %w", what, cerr)
	}
}

// closeFatalInto is closeInto for reads inside a write batch, where any
// storage failure is a storageError that stops the writer.
func closeFatalInto(err *error, c io.Closer, what string) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fatalf("close %s: %w", what, cerr)
	}
}
