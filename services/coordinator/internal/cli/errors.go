package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

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
		return ExitOK // help was asked for and printed
	case errors.As(err, &ue):
		if !ue.printed {
			fmt.Fprintf(c.stderr, "pathwayctl: %s\n", ue.msg)
		}
		return ExitUsage
	}
	var se *signInError
	if errors.Is(err, errNotSignedIn) || errors.As(err, &se) {
		fmt.Fprintf(c.stderr, "pathwayctl: %v\n", err)
		return ExitUnauthorised
	}
	st, ok := status.FromError(err)
	if !ok {
		fmt.Fprintf(c.stderr, "pathwayctl: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintf(c.stderr, "pathwayctl: %s: %s\n", st.Code(), headline(st))
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fmt.Fprintf(c.stderr, "  %s: %s\n", c.fieldName(v.GetField()), v.GetDescription())
			}
		case *errdetails.ErrorInfo:
			if stage := d.GetMetadata()["stage"]; stage != "" {
				fmt.Fprintf(c.stderr, "  current stage: %s\n", stage)
			}
		}
	}
	if hint := c.hint(st.Code()); hint != "" {
		fmt.Fprintf(c.stderr, "  %s\n", hint)
	}
	return codeExit(st.Code())
}

// coordinatorFlags names the pathwayctl flag setting each coordinator API field whose name
// differs from the flag's.
var coordinatorFlags = map[string]string{
	"journey_id": "JOURNEY_ID", "pathway_id": "-pathway", "practice_ods_code": "-practice", "pcn_ods_code": "-pcn",
	"scheduled_for": "-at", "collection_point": "-point", "target_version": "-to", "baseline": "-measure",
	"measures": "-measure", "admitted_at": "-admitted", "discharged_at": "-discharged",
}

// fieldName names an API field with the flag (or argument) that sets it, when the command has
// one: "scheduled_for (-at)", "baseline[0].code (-measure)".
func (c *call) fieldName(field string) string {
	base, _, _ := strings.Cut(field, "[")
	if f, ok := c.flagOf[base]; ok {
		return field + " (" + f + ")"
	}
	return field
}

// hint says what to try next for failures a first-time user meets: nothing listening, a token
// refused, or a role missing.
func (c *call) hint(code codes.Code) string {
	switch code {
	case codes.Unavailable:
		if len(c.dialed) > 0 {
			return "is the service running at " + c.dialed[len(c.dialed)-1] + "? Set -coordinator/-governance (PATHWAYCTL_COORDINATOR/PATHWAYCTL_GOVERNANCE)."
		}
	case codes.Unauthenticated:
		return "your token was refused: sign in again with pathwayctl login (to the provider this service trusts)"
	case codes.PermissionDenied:
		return "pathwayctl whoami shows the roles, groups and organisations your token gives you"
	}
	return ""
}

// headline is the status message, without the field violations it repeats when they follow one
// per line.
func headline(st *status.Status) string {
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.BadRequest); ok {
			msg, _, _ := strings.Cut(st.Message(), ":")
			return msg
		}
	}
	return st.Message()
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
