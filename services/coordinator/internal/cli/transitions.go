package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// transition parses a transition's command line: JOURNEY_ID, -request-id and the flags bind
// adds; then send calls the service and the result is printed.
func (c *call) transition(ctx context.Context, name string, args []string, bind func(fs *flag.FlagSet),
	send func(ctx context.Context, client coordinatorv1.CoordinatorServiceClient, journeyID, requestID string) (*coordinatorv1.TransitionResult, error)) error {
	fs := c.newFlags(name)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: pathwayctl %s JOURNEY_ID [flags]\n", name)
		fs.PrintDefaults()
	}
	requestID := fs.String("request-id", "", "request id; repeat a failed call's id to retry it safely (default: new)")
	bind(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return oneJourneyID(name, pos)
	}
	if *requestID == "" {
		*requestID = newRequestID()
	}
	client, err := c.coordinator(ctx)
	if err != nil {
		return err
	}
	res, err := send(ctx, client, pos[0], *requestID)
	if err != nil {
		if outcomeUnknown(err) {
			fmt.Fprintf(c.stderr, "pathwayctl: the outcome is unknown; retry safely with -request-id %s\n", *requestID)
		}
		return err
	}
	return c.print(res, func(w *tabwriter.Writer) {
		head := []any{"REQUEST", "STAGE", "REVISION", "VERSION", "INTERVENTION", "EVENTS"}
		cells := []any{res.GetRequestId(), res.GetStage(), res.GetRevision(), res.GetVersion(), dash(res.GetInterventionId()),
			dash(strings.Join(res.GetEvents(), ","))}
		if id := res.GetAdmissionId(); id != "" {
			head, cells = append(head, "ADMISSION"), append(cells, id)
		}
		row(w, head...)
		row(w, cells...)
	})
}

// outcomeUnknown reports whether a failed transition may still have been applied, so the caller
// should retry it under the same request id (a refusal or bad input changed nothing; retrying
// the same request id would only repeat the answer).
func outcomeUnknown(err error) bool {
	var ue usageError
	if errors.As(err, &ue) {
		return false
	}
	st, ok := status.FromError(err)
	if !ok {
		return true
	}
	switch st.Code() {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled, codes.Internal, codes.Unknown:
		return true
	}
	return false
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "ctl-" + hex.EncodeToString(b)
}

// measures collects repeated -measure code=value[:scale] flags.
type measures []*coordinatorv1.Measure

func (m *measures) String() string { return fmt.Sprint(len(*m)) }

func (m *measures) Set(s string) error {
	code, rest, ok := strings.Cut(s, "=")
	if !ok || trim(code) == "" {
		return fmt.Errorf("%q is not code=value[:scale]", s)
	}
	value, scale, _ := strings.Cut(rest, ":")
	v, err := strconv.ParseFloat(trim(value), 64)
	if err != nil {
		return fmt.Errorf("%q: value %q is not a number", s, value)
	}
	*m = append(*m, &coordinatorv1.Measure{Code: trim(code), Value: v, Scale: trim(scale)})
	return nil
}

func triage(ctx context.Context, c *call, args []string) error {
	var disposition string
	var ms measures
	return c.transition(ctx, "triage", args, func(fs *flag.FlagSet) {
		fs.StringVar(&disposition, "disposition", "", "disposition id of the pinned pathway version")
		fs.Var(&ms, "measure", "baseline measure code=value[:scale] (repeatable)")
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		r, err := cl.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: id, RequestId: rid, Disposition: disposition, Baseline: ms})
		return r.GetResult(), err
	})
}

func schedule(ctx context.Context, c *call, args []string) error {
	var intervention, at string
	return c.transition(ctx, "schedule", args, func(fs *flag.FlagSet) {
		fs.StringVar(&intervention, "intervention", "", "intervention code of the pinned catalogue")
		fs.StringVar(&at, "at", "", "when it is booked for (RFC3339)")
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		when, err := parseTime("at", at, time.Time{})
		if err != nil {
			return nil, err
		}
		r, err := cl.ScheduleIntervention(ctx, &coordinatorv1.ScheduleInterventionRequest{JourneyId: id, RequestId: rid,
			Intervention: intervention, ScheduledFor: when})
		return r.GetResult(), err
	})
}

func interventionFlag(target *string) func(fs *flag.FlagSet) {
	return func(fs *flag.FlagSet) { fs.StringVar(target, "intervention-id", "", "intervention id (from schedule)") }
}

func startIntervention(ctx context.Context, c *call, args []string) error {
	var iv string
	return c.transition(ctx, "start", args, interventionFlag(&iv),
		func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
			r, err := cl.StartIntervention(ctx, &coordinatorv1.StartInterventionRequest{JourneyId: id, RequestId: rid, InterventionId: iv})
			return r.GetResult(), err
		})
}

func completeIntervention(ctx context.Context, c *call, args []string) error {
	var iv string
	return c.transition(ctx, "complete", args, interventionFlag(&iv),
		func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
			r, err := cl.CompleteIntervention(ctx, &coordinatorv1.CompleteInterventionRequest{JourneyId: id, RequestId: rid, InterventionId: iv})
			return r.GetResult(), err
		})
}

func didNotAttend(ctx context.Context, c *call, args []string) error {
	var iv string
	return c.transition(ctx, "dna", args, interventionFlag(&iv),
		func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
			r, err := cl.RecordDidNotAttend(ctx, &coordinatorv1.RecordDidNotAttendRequest{JourneyId: id, RequestId: rid, InterventionId: iv})
			return r.GetResult(), err
		})
}

func outcome(ctx context.Context, c *call, args []string) error {
	var point string
	var ms measures
	return c.transition(ctx, "outcome", args, func(fs *flag.FlagSet) {
		fs.StringVar(&point, "point", "", "collection point (review, discharge, follow-up-3m, ...)")
		fs.Var(&ms, "measure", "measure code=value[:scale] (repeatable)")
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		r, err := cl.RecordOutcome(ctx, &coordinatorv1.RecordOutcomeRequest{JourneyId: id, RequestId: rid, CollectionPoint: point, Measures: ms})
		return r.GetResult(), err
	})
}

// noteUsage describes the -note flag of discharge, cancel and migrate.
const noteUsage = "optional note, at most 500 characters: sealed with the patient's key, shown in the timeline, erased with the patient"

func discharge(ctx context.Context, c *call, args []string) error {
	var reason, stage, note string
	return c.transition(ctx, "discharge", args, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "", "discharge reason code of the journey's pathway version (e.g. treatment-complete)")
		fs.StringVar(&stage, "stage", "", "discharge stage, when more than one is reachable")
		fs.StringVar(&note, "note", "", noteUsage)
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		r, err := cl.Discharge(ctx, &coordinatorv1.DischargeRequest{JourneyId: id, RequestId: rid, Reason: reason, Stage: stage, Note: note})
		return r.GetResult(), err
	})
}

func cancel(ctx context.Context, c *call, args []string) error {
	var reason, note string
	return c.transition(ctx, "cancel", args, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "", "cancel reason code of the journey's pathway version (e.g. duplicate)")
		fs.StringVar(&note, "note", "", noteUsage)
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		r, err := cl.Cancel(ctx, &coordinatorv1.CancelRequest{JourneyId: id, RequestId: rid, Reason: reason, Note: note})
		return r.GetResult(), err
	})
}

func migrate(ctx context.Context, c *call, args []string) error {
	var reason, note string
	var to int
	var dry bool
	return c.transition(ctx, "migrate", args, func(fs *flag.FlagSet) {
		fs.IntVar(&to, "to", 0, "target version of the journey's pathway")
		fs.StringVar(&reason, "reason", "", "migration reason code (e.g. superseded-version)")
		fs.StringVar(&note, "note", "", noteUsage)
		fs.BoolVar(&dry, "dry-run", false, "check compatibility only")
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		r, err := cl.MigrateVersion(ctx, &coordinatorv1.MigrateVersionRequest{JourneyId: id, RequestId: rid,
			TargetVersion: int32(to), Reason: reason, DryRun: dry, Note: note})
		return r.GetResult(), err
	})
}
