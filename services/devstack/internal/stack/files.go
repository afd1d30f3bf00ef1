package stack

import (
	"fmt"
	"os"
)

// ensureDir creates dir (and its parents) if missing.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}
