package demo

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteSummary prints one line per demo journey: where it ends and what the load did.
func WriteSummary(w io.Writer, loaded []Loaded) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "JOURNEY\tPATHWAY\tPCN\tSCRIPTED TO\tLOAD\n")
	for _, l := range loaded {
		what := "loaded"
		switch {
		case l.Skipped:
			what = "already there"
		case l.Dated:
			what = "loaded, dated now (no pathway version was in effect at its scripted date)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.JourneyID, l.Patient.PathwayID, l.Patient.PCN, l.Patient.Ends, what)
	}
	return tw.Flush()
}
