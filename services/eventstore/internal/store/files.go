package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// unrecycledCleaner deletes Pebble's obsolete files, as the default
// cleaner does, and also stops Pebble from recycling write-ahead logs: a
// recycled log is renamed and overwritten from its start, so the tail of
// its old contents (deleted events included) would stay on disk. Pebble
// recycles logs unless its cleaner needs the files' contents, which the
// embedded ArchiveCleaner declares; Clean is replaced by remove
// (DeleteCleaner's). T is Pebble's internal file type, which cannot be
// named here and is inferred by newUnrecycledCleaner.
type unrecycledCleaner[T any] struct {
	pebble.ArchiveCleaner
	remove func(vfs.FS, T, string) error
}

func newUnrecycledCleaner[T any](remove func(vfs.FS, T, string) error) unrecycledCleaner[T] {
	return unrecycledCleaner[T]{remove: remove}
}

// Clean removes the file.
func (c unrecycledCleaner[T]) Clean(fs vfs.FS, fileType T, path string) error {
	return c.remove(fs, fileType, path)
}

// String names the cleaner in Pebble's OPTIONS file.
func (unrecycledCleaner[T]) String() string { return "delete-unrecycled" }

// obsoleteFilePoll is how often awaitObsoleteFiles looks at the directory,
// and obsoleteFileWait how long it waits at most.
const (
	obsoleteFilePoll = 5 * time.Millisecond
	obsoleteFileWait = time.Minute
)

// awaitObsoleteFiles waits until Pebble has deleted every table and
// write-ahead log it no longer uses (deletions run in the background, and
// a table still read by an open iterator goes once the iterator closes).
func (s *Store) awaitObsoleteFiles(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, obsoleteFileWait)
	defer cancel()
	tick := time.NewTicker(obsoleteFilePoll)
	defer tick.Stop()
	for {
		left, err := s.obsoleteFiles()
		if err != nil || left == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d obsolete files are still on disk: %w", left, ctx.Err())
		case <-tick.C:
		}
	}
}

// obsoleteFiles counts the tables in the directory that are not live and
// the write-ahead logs beyond those Pebble still uses.
func (s *Store) obsoleteFiles() (int, error) {
	tables, err := s.db.SSTables()
	if err != nil {
		return 0, fmt.Errorf("list live tables: %w", err)
	}
	live := map[uint64]bool{}
	for _, level := range tables {
		for _, t := range level {
			live[uint64(t.BackingSSTNum)] = true
		}
	}
	names, err := s.fs.List(s.dir)
	if err != nil {
		return 0, fmt.Errorf("list %s: %w", s.dir, err)
	}
	left, logs := 0, 0
	for _, name := range names {
		switch {
		case strings.HasSuffix(name, ".sst"):
			num, err := strconv.ParseUint(strings.TrimSuffix(name, ".sst"), 10, 64)
			if err == nil && !live[num] {
				left++
			}
		case strings.HasSuffix(name, ".log"):
			logs++
		}
	}
	if extra := logs - int(s.db.Metrics().WAL.Files); extra > 0 {
		left += extra
	}
	return left, nil
}
