package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// TargetLevel and TargetRatio are issue #5's target: at 64 coordinators, at least half the
// floor's throughput.
const (
	TargetLevel = 64
	TargetRatio = 0.5
)

// Level is both sides measured at one concurrency.
type Level struct {
	Concurrency int
	Ours, Floor Sample
	// Drain is how long the journeys took, after our measured halves, to push what those
	// transitions had queued (the calls answer once the event is appended; pushes follow). The
	// bench waits for it so the floor's halves never share the machine with our leftover pushes;
	// it is not counted in our throughput.
	Drain time.Duration
}

// Ratio is our throughput over the floor's.
func (l Level) Ratio() float64 {
	if l.Floor.PerSecond() == 0 {
		return 0
	}
	return l.Ours.PerSecond() / l.Floor.PerSecond()
}

// Report is a whole run.
type Report struct {
	Levels []Level
	// OursHistory and FloorHistory count Temporal history events per transition on each side
	// (zero when the count was skipped).
	OursHistory, FloorHistory HistoryCount
}

// WriteTable prints one row per level and the target check.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "concurrency\tours tx/s\tp50\tp99\terrors\tfloor tx/s\tp50\tp99\terrors\tratio\t\n")
	for _, l := range r.Levels {
		fmt.Fprintf(tw, "%d\t%.1f\t%s\t%s\t%d\t%.1f\t%s\t%s\t%d\t%.2f\t\n", l.Concurrency,
			l.Ours.PerSecond(), ms(l.Ours.Percentile(0.5)), ms(l.Ours.Percentile(0.99)), l.Ours.Errors,
			l.Floor.PerSecond(), ms(l.Floor.Percentile(0.5)), ms(l.Floor.Percentile(0.99)), l.Floor.Errors, l.Ratio())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range r.Levels {
		for _, side := range []struct {
			name string
			s    Sample
		}{{"ours", l.Ours}, {"floor", l.Floor}} {
			if side.s.FirstError != "" {
				fmt.Fprintf(w, "first error (%s, concurrency %d): %s\n", side.name, l.Concurrency, side.s.FirstError)
			}
		}
	}
	r.writeTarget(w)
	return nil
}

func (r Report) writeTarget(w io.Writer) {
	for _, l := range r.Levels {
		if l.Concurrency != TargetLevel {
			continue
		}
		verdict := "MET"
		if l.Ratio() < TargetRatio {
			verdict = "MISSED"
		}
		fmt.Fprintf(w, "target: at %d coordinators at least %.2f x the floor's throughput: %s (%.2f)\n",
			TargetLevel, TargetRatio, verdict, l.Ratio())
	}
}

// WriteHistory prints the history events per transition of both sides.
func (r Report) WriteHistory(w io.Writer) {
	if r.OursHistory.Transitions == 0 {
		return
	}
	fmt.Fprintf(w, "history events per transition: ours %.2f, floor %.2f\n", r.OursHistory.PerTransition(), r.FloorHistory.PerTransition())
	fmt.Fprintf(w, "  ours:  %s\n", r.OursHistory)
	fmt.Fprintf(w, "  floor: %s\n", r.FloorHistory)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
