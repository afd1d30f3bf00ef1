package bench

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/config"
)

// Config is one benchmark run.
type Config struct {
	// Duration is the measured time of each side (ours, floor) at each level, split in two halves
	// run in the order ours, floor, floor, ours so neither side gains from running second.
	Duration time.Duration
	// Warmup runs both sides, unmeasured, at each level before the measured halves.
	Warmup time.Duration
	// Levels are the numbers of concurrent coordinators (and floor clients).
	Levels []int
	// DataDir holds the devstack's durable state; empty means a temporary directory, removed at the
	// end.
	DataDir string
	// ProfileDir, when set, receives a CPU profile of the whole process for each measured half:
	// c<level>-<ours|floor>-<1|2>.pprof.
	ProfileDir string
	// HistorySample is how many transitions the history count uses on each side (0 skips it).
	HistorySample int
}

// DefaultConfig is the benchmark of issue #5.
func DefaultConfig() Config {
	return Config{Duration: 20 * time.Second, Warmup: 3 * time.Second, Levels: []int{1, 16, 64}, HistorySample: 30}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Duration < 2*time.Millisecond {
		errs = append(errs, fmt.Errorf("duration: must be at least 2ms, not %s", c.Duration))
	}
	if c.Warmup < 0 {
		errs = append(errs, fmt.Errorf("warmup: must not be negative, not %s", c.Warmup))
	}
	if len(c.Levels) == 0 {
		errs = append(errs, errors.New("concurrency: at least one level is required"))
	}
	for _, n := range c.Levels {
		if n < 1 || n > 1024 {
			errs = append(errs, fmt.Errorf("concurrency: each level must be 1..1024, not %d", n))
		}
	}
	if c.HistorySample < 0 || c.HistorySample > 300 {
		errs = append(errs, fmt.Errorf("history-sample: must be 0..300, not %d", c.HistorySample))
	}
	return errors.Join(errs...)
}

// LoadConfig reads the command's flags (args without the program name) and validates them,
// listing every problem. -h and -version print to out and return config.ErrHelp / ErrVersion.
func LoadConfig(args []string, out io.Writer) (Config, error) {
	cfg := DefaultConfig()
	levels := joinLevels(cfg.Levels)
	fs := config.New("pathwaysbench", func(string) string { return "" }, out) // flags only: a run is named by its command line
	fs.DefaultLogLevel("warn")                                                // the services' info logs would bury the figures
	fs.Summary("pathwaysbench measures journey transitions through the coordinator API against bare Temporal Updates.")
	fs.Duration(&cfg.Duration, "duration", "", "measured time of each side at each level (two halves: ours, floor, floor, ours)")
	fs.Duration(&cfg.Warmup, "warmup", "", "unmeasured warm-up of each side at each level")
	fs.String(&levels, "concurrency", "", "comma-separated numbers of concurrent coordinators")
	fs.String(&cfg.DataDir, "data-dir", "", "devstack data directory (default: a temporary one, removed afterwards)")
	fs.String(&cfg.ProfileDir, "cpuprofile-dir", "", "write a CPU profile of each measured half into this directory")
	fs.Int(&cfg.HistorySample, "history-sample", "", "transitions used to count Temporal history events per transition (0 skips)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	var errs []error
	cfg.Levels, errs = parseLevels(levels)
	if err := fs.Check(append(errs, cfg.Validate())...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func parseLevels(s string) ([]int, []error) {
	var out []int
	var errs []error
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("concurrency: %q is not a whole number", f))
			continue
		}
		out = append(out, n)
	}
	return out, errs
}

func joinLevels(levels []int) string {
	parts := make([]string, len(levels))
	for i, n := range levels {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}
