package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// run runs pathwayctl with nothing in its environment but an empty configuration directory.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	var out, errs bytes.Buffer
	code := Run(context.Background(), args, &out, &errs, func(k string) string {
		if k == "PATHWAYS_CONFIG_DIR" {
			return dir
		}
		return ""
	})
	return code, out.String(), errs.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"no command", nil, "a command is required"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"bad output", []string{"-o", "xml", "show", "x"}, "-o must be table or json"},
		{"show without id", []string{"show"}, "show needs one journey id"},
		{"unknown worklist", []string{"worklist", "overdue"}, `unknown worklist "overdue"`},
		{"bad segment", []string{"submit", "-segment", "healthy"}, "-segment"},
		{"bad time", []string{"submit", "-segment", "LTC", "-source", "GP", "-referred-at", "yesterday"}, "RFC3339"},
		{"bad measure", []string{"triage", "ref-1", "-measure", "msk-hq"}, "code=value"},
		{"two journeys", []string{"cancel", "a", "b", "-reason", "other"}, "one journey id"},
		{"unquoted reason", []string{"discharge", "ref-R-1", "-reason", "treatment", "complete"},
			"discharge needs one journey id, got 2 arguments (ref-R-1 complete); quote flag values that contain spaces"},
		{"bad version", []string{"pathways", "show", "msk", "latest"}, "must be a number"},
		{"bad decision", []string{"pathways", "review", "msk", "2", "-decision", "maybe"}, "-decision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, tt.args...)
			require.Equal(t, ExitUsage, code, errs)
			require.Contains(t, errs, tt.says)
		})
	}
}

func TestMeasuresFlag(t *testing.T) {
	var m measures
	require.NoError(t, m.Set("msk-hq=30"))
	require.NoError(t, m.Set("mrc=3:mrc-1-5"))
	require.Error(t, m.Set("cat=high"))
	require.Len(t, m, 2)
	require.Equal(t, "mrc-1-5", m[1].GetScale())
	require.InDelta(t, 3.0, m[1].GetValue(), 0)
}

func TestExitPrintsViolationsOnePerLineAndTheStage(t *testing.T) {
	var errs bytes.Buffer
	c := &call{stderr: &errs}
	st, err := status.New(codes.InvalidArgument, "invalid request").WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "nhs_number", Description: "check digit does not match (modulus 11)"},
			{Field: "pcn_ods_code", Description: "must be a PCN ODS code"}}})
	require.NoError(t, err)
	require.Equal(t, ExitInvalid, c.exit(st.Err()))
	lines := strings.Split(strings.TrimSpace(errs.String()), "\n")
	require.Equal(t, []string{"pathwayctl: InvalidArgument: invalid request",
		"  nhs_number: check digit does not match (modulus 11)", "  pcn_ods_code: must be a PCN ODS code"}, lines)

	errs.Reset()
	st, err = status.New(codes.FailedPrecondition, "Triage is not allowed now").WithDetails(&errdetails.ErrorInfo{
		Reason: "TRANSITION_NOT_ALLOWED", Metadata: map[string]string{"stage": "cats-assessment"}})
	require.NoError(t, err)
	require.Equal(t, ExitNotAllowed, c.exit(st.Err()))
	require.Contains(t, errs.String(), "current stage: cats-assessment")

	require.Equal(t, ExitNotFound, c.exit(status.Error(codes.NotFound, "journey x not found")))
	require.Equal(t, ExitNotAllowed, c.exit(status.Error(codes.Aborted, "changed")))
	require.Equal(t, ExitUnauthorised, c.exit(status.Error(codes.Unauthenticated, "who")))
	require.Equal(t, ExitFailed, c.exit(status.Error(codes.Unavailable, "down")))
}

func TestFirstRunMistakes(t *testing.T) {
	code, _, errs := run(t, "show", "ref-R-1")
	require.Equal(t, ExitUnauthorised, code)
	require.Equal(t, "pathwayctl: not signed in: run pathwayctl login\n", errs)

	h := newHarness(t)
	h.signIn(t, Credentials{Issuer: "https://issuer.test", ClientID: "pathwayctl", AccessToken: testToken, Expiry: time.Now().Add(time.Hour)})
	h.env["PATHWAYCTL_COORDINATOR"] = "127.0.0.1:1"
	code, _, errs = h.run("-timeout", "5s", "show", "ref-R-1", "-o", "json")
	require.Equal(t, ExitFailed, code)
	require.Contains(t, errs, "pathwayctl: Unavailable: ")
	require.Contains(t, errs, "is the service running at 127.0.0.1:1?")

	code, _, errs = h.run("show", "ref-R-1", "-o", "yaml")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errs, "must be table or json")
}

func TestViolationsNameTheFlag(t *testing.T) {
	var errs bytes.Buffer
	c := &call{stderr: &errs, flagOf: coordinatorFlags}
	st, err := status.New(codes.InvalidArgument, "invalid request").WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "scheduled_for", Description: "is required"},
			{Field: "baseline[1].code", Description: "is required"}, {Field: "reason", Description: "is required"}}})
	require.NoError(t, err)
	require.Equal(t, ExitInvalid, c.exit(st.Err()))
	require.Equal(t, "pathwayctl: InvalidArgument: invalid request\n  scheduled_for (-at): is required\n"+
		"  baseline[1].code (-measure): is required\n  reason: is required\n", errs.String())
}

func TestCommandHelp(t *testing.T) {
	code, _, errs := run(t, "admit", "-h")
	require.Equal(t, ExitOK, code)
	require.Contains(t, errs, "Usage: pathwayctl admit JOURNEY_ID [flags]")
	require.Contains(t, errs, "-discharged")
}
