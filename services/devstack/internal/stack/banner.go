package stack

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteBanner prints where each service listens, one row per endpoint.
func (s *Stack) WriteBanner(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "SERVICE\tAPI\tADDRESS\n")
	for _, e := range s.endpoints {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Service, e.API, e.Address)
	}
	fmt.Fprintf(tw, "data\t\t%s (remove it to reset)\n", s.cfg.DataDir)
	if s.cfg.TraceFile != "" {
		fmt.Fprintf(tw, "traces\tJSON lines\t%s\n", s.cfg.TraceFile)
	}
	if s.cfg.OTLPEndpoint != "" {
		fmt.Fprintf(tw, "telemetry\tOTLP/gRPC\t%s\n", s.cfg.OTLPEndpoint)
	}
	return tw.Flush()
}
