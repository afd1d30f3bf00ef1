package bench

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func msSample(ms ...int) Sample {
	s := Sample{Transitions: len(ms), Elapsed: time.Second}
	for _, m := range ms {
		s.latencies = append(s.latencies, time.Duration(m)*time.Millisecond)
	}
	return s
}

func TestPercentiles(t *testing.T) {
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100ms down to 1ms, unsorted
	}
	tests := []struct {
		name     string
		s        Sample
		p        float64
		want     time.Duration
		perSecon float64
	}{
		{"empty", Sample{}, 0.5, 0, 0},
		{"one", msSample(7), 0.99, 7 * time.Millisecond, 1},
		{"p50 of 1..100", msSample(hundred...), 0.5, 50 * time.Millisecond, 100},
		{"p99 of 1..100", msSample(hundred...), 0.99, 99 * time.Millisecond, 100},
		{"p100 of 1..100", msSample(hundred...), 1, 100 * time.Millisecond, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.s.Percentile(tt.p))
			require.InDelta(t, tt.perSecon, tt.s.PerSecond(), 1e-9)
		})
	}
}

func TestHalvesMergeIntoOneSide(t *testing.T) {
	a, b := msSample(10, 20), msSample(30)
	b.Errors, b.FirstError = 1, "boom"
	m := a.merge(b)
	require.Equal(t, 3, m.Transitions)
	require.Equal(t, 1, m.Errors)
	require.Equal(t, "boom", m.FirstError)
	require.Equal(t, 2*time.Second, m.Elapsed)
	require.InDelta(t, 1.5, m.PerSecond(), 1e-9)
	require.Equal(t, 20*time.Millisecond, m.Percentile(0.5))
}

func TestTableSaysWhetherTheTargetIsMet(t *testing.T) {
	tests := []struct {
		name        string
		ours, floor Sample
		want        string
	}{
		{"met", msSample(1, 1, 1), msSample(1, 1, 1, 1, 1, 1), "at least 0.50 x the floor's throughput: MET (0.50)"},
		{"missed", msSample(1), msSample(1, 1, 1), "at least 0.50 x the floor's throughput: MISSED (0.33)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := Report{Levels: []Level{{Concurrency: 1, Ours: tt.ours, Floor: tt.floor}, {Concurrency: TargetLevel, Ours: tt.ours, Floor: tt.floor}}}
			require.NoError(t, r.WriteTable(&out))
			require.Contains(t, out.String(), "concurrency  ours tx/s")
			require.Contains(t, out.String(), tt.want)
			require.Equal(t, 1, bytes.Count(out.Bytes(), []byte("target:")), "only the target level is judged")
		})
	}
}
