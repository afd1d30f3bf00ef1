// Package secretfile writes files holding secrets (keys, tokens) so that nobody else can read
// them, even for a moment, and no reader ever sees half a file: the content goes to a new file
// (mode 0600) in the target's directory (made 0700 when missing), is synced, then takes the
// target's name, and the directory entry is synced. Write replaces the target; Create never does,
// so processes racing to create the same key all end up with the first one written.
package secretfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path atomically, replacing what was there.
func Write(path string, data []byte) error {
	tmp, err := stage(path, data)
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp) }() // gone after the rename; cleans up a failure
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// Create writes data to path unless a file is already there, and returns what path then holds:
// data, or the existing file's content when another writer got there first.
func Create(path string, data []byte) ([]byte, error) {
	tmp, err := stage(path, data)
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.Remove(tmp) }()
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return os.ReadFile(path) //nolint:gosec // G304: the path the caller keeps its secret in
		}
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return data, syncDir(filepath.Dir(path))
}

// stage writes data to a new 0600 file beside path, synced, and returns its name.
func stage(path string, data []byte) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*") // created 0600
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	err = f.Chmod(0o600) // whatever the umask
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir) //nolint:gosec // G304: the secret file's own directory
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
