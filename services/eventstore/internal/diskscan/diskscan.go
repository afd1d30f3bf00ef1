// Package diskscan looks for a byte string in every file under a directory, in clear and in the
// encodings a careless copy could leave it in (standard and URL-safe base64 at each alignment,
// lower- and upper-case hex). Tests use it to show that scavenged data has left the disk.
package diskscan

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Hit is one file holding the marker in one form.
type Hit struct {
	Path string // relative to the scanned directory
	Form string // "clear", "base64", "base64url", "hex", "HEX"
}

func (h Hit) String() string { return fmt.Sprintf("%s (%s)", h.Path, h.Form) }

// Find reads every regular file under dir (recursively, raw bytes) and answers the files holding
// marker in any form. marker should be at least 12 bytes, so that its base64 forms have a part
// independent of the bytes around it. A file removed between listing and reading (a live store
// compacting) is skipped: it holds nothing any more.
func Find(dir string, marker []byte) ([]Hit, error) {
	forms := Forms(marker)
	var hits []Hit
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path) //nolint:gosec // G304: reading every file under the directory it is given is this package's job
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, f := range forms {
			if bytes.Contains(data, f.Bytes) {
				hits = append(hits, Hit{Path: rel, Form: f.Name})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	return hits, nil
}

// Form is one encoding of a marker, as it would appear inside a longer encoded text.
type Form struct {
	Name  string
	Bytes []byte
}

// Forms answers the marker in clear, hex and, for each of the three alignments a marker can have
// inside a longer base64 text, the run of base64 characters that depends on the marker alone.
func Forms(marker []byte) []Form {
	forms := []Form{
		{"clear", marker},
		{"hex", []byte(hex.EncodeToString(marker))},
		{"HEX", bytes.ToUpper([]byte(hex.EncodeToString(marker)))},
	}
	for _, enc := range []struct {
		name string
		e    *base64.Encoding
	}{{"base64", base64.StdEncoding}, {"base64url", base64.URLEncoding}} {
		for offset := range 3 {
			text := enc.e.EncodeToString(append(make([]byte, offset), marker...))
			start := 0
			if offset > 0 {
				start = 4 // the first group mixes the bytes before the marker
			}
			end := len(text) - 4 // the last group may mix the bytes after it
			if end > start {
				forms = append(forms, Form{enc.name, []byte(text[start:end])})
			}
		}
	}
	return forms
}
