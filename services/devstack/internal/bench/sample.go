package bench

import (
	"slices"
	"time"
)

// Sample is what one side measured at one level: completed transitions, their latencies, the
// failed ones and the wall time from the first call to the last answer.
type Sample struct {
	Transitions int
	Errors      int
	// FirstError is the first failure's message, to say what went wrong.
	FirstError string
	Elapsed    time.Duration
	latencies  []time.Duration
}

// PerSecond is completed transitions per second of wall time.
func (s Sample) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Transitions) / s.Elapsed.Seconds()
}

// Percentile is the latency below which p (0 < p <= 1) of the completed transitions fall, by
// the nearest-rank method; 0 when nothing completed.
func (s Sample) Percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	sorted := slices.Clone(s.latencies)
	slices.Sort(sorted)
	rank := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

// merge adds another sample (another half of the same side) to s.
func (s Sample) merge(o Sample) Sample {
	s.Transitions += o.Transitions
	s.Errors += o.Errors
	if s.FirstError == "" {
		s.FirstError = o.FirstError
	}
	s.Elapsed += o.Elapsed
	s.latencies = append(s.latencies, o.latencies...)
	return s
}
