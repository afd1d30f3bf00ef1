package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// profile CPU-profiles the whole process while measure runs, into dir/name.pprof; with no dir it
// only runs measure.
func profile(dir, name string, measure func() Sample) (s Sample, err error) {
	if dir == "" {
		return measure(), nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Sample{}, fmt.Errorf("profile dir: %w", err)
	}
	f, err := os.Create(filepath.Clean(filepath.Join(dir, name+".pprof")))
	if err != nil {
		return Sample{}, fmt.Errorf("cpu profile: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if err := pprof.StartCPUProfile(f); err != nil {
		return Sample{}, fmt.Errorf("cpu profile: %w", err)
	}
	s = measure()
	pprof.StopCPUProfile()
	return s, nil
}
