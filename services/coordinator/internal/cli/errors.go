package cli

import (
	"errors"
	"flag"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// exit prints what went wrong and returns the exit code: field violations one per line, the
// journey's current stage when a transition is not allowed now.
func (c *call) exit(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return ExitUsage
	case errors.As(err, &ue):
		if !ue.printed {
			fmt.Fprintf(c.stderr, "pathwayctl: %s\n", ue.msg)
		}
		return ExitUsage
	}
	st, ok := status.FromError(err)
	if !ok {
		fmt.Fprintf(c.stderr, "pathwayctl: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintf(c.stderr, "pathwayctl: %s: %s\n", st.Code(), st.Message())
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fmt.Fprintf(c.stderr, "  %s: %s\n", v.GetField(), v.GetDescription())
			}
		case *errdetails.ErrorInfo:
			if stage := d.GetMetadata()["stage"]; stage != "" {
				fmt.Fprintf(c.stderr, "  current stage: %s\n", stage)
			}
		}
	}
	return codeExit(st.Code())
}

func codeExit(c codes.Code) int {
	switch c {
	case codes.InvalidArgument:
		return ExitInvalid
	case codes.NotFound:
		return ExitNotFound
	case codes.FailedPrecondition, codes.Aborted, codes.AlreadyExists, codes.PermissionDenied:
		return ExitNotAllowed
	case codes.Unauthenticated:
		return ExitUnauthorised
	}
	return ExitFailed
}
