package main

import (
	"fmt"
	"io"
)

// closeInto closes c and records its error in *err unless *err already
// holds the function's own, earlier error.
func closeInto(err *error, c io.Closer, what string) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close %s: %w", what, cerr)
	}
}
