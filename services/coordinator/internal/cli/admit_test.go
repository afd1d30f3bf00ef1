package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// fakeCoordinator answers RecordAdmission and GetJourney with err, or with a result, and keeps
// what it got and the authorization and interim identity metadata of each call.
type fakeCoordinator struct {
	coordinatorv1.UnimplementedCoordinatorServiceServer
	mu      sync.Mutex
	got     []*coordinatorv1.RecordAdmissionRequest
	auths   []string
	interim []string
	err     error
}

func (f *fakeCoordinator) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.auths = append(f.auths, md.Get("authorization")...)
	for _, k := range []string{"x-actor", "x-roles", "x-eog"} {
		f.interim = append(f.interim, md.Get(k)...)
	}
}

func (f *fakeCoordinator) RecordAdmission(ctx context.Context, req *coordinatorv1.RecordAdmissionRequest) (*coordinatorv1.RecordAdmissionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, req)
	f.record(ctx)
	if f.err != nil {
		return nil, f.err
	}
	return &coordinatorv1.RecordAdmissionResponse{Result: &coordinatorv1.TransitionResult{RequestId: req.GetRequestId(),
		Stage: "respiratory-triage", Revision: 7, Version: 1, Events: []string{"HospitalAdmissionRecorded"}, AdmissionId: "adm-2"}}, nil
}

func (f *fakeCoordinator) GetJourney(ctx context.Context, req *coordinatorv1.GetJourneyRequest) (*coordinatorv1.GetJourneyResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record(ctx)
	if f.err != nil {
		return nil, f.err
	}
	return &coordinatorv1.GetJourneyResponse{Journey: &coordinatorv1.Journey{JourneyId: req.GetJourneyId(), PathwayId: "copd", Version: 1}}, nil
}

func (f *fakeCoordinator) requests() []*coordinatorv1.RecordAdmissionRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*coordinatorv1.RecordAdmissionRequest(nil), f.got...)
}

// authorizations returns the authorization metadata of every call so far.
func (f *fakeCoordinator) authorizations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.auths...)
}

// serveFake serves f over TLS on a local port, signs pathwayctl in with testToken and returns a
// runner of pathwayctl against it.
func serveFake(t *testing.T, f *fakeCoordinator) func(args ...string) (int, string, string) {
	t.Helper()
	h := newHarness(t)
	h.signIn(t, Credentials{Issuer: "https://issuer.test", ClientID: "pathwayctl", AccessToken: testToken,
		Expiry: time.Now().Add(time.Hour), TokenType: "Bearer"})
	h.env["PATHWAYCTL_COORDINATOR"] = h.serveCoordinator(t, f, true)
	return h.run
}

func TestAdmitSendsTheAdmission(t *testing.T) {
	f := &fakeCoordinator{}
	ctl := serveFake(t, f)

	code, out, errs := ctl("admit", "ref-C-1", "--admitted", "2026-01-05T22:10:00Z", "--discharged", "2026-01-09T11:00:00+00:00",
		"--reason", "copd-exacerbation", "--request-id", "adm-1")
	require.Equal(t, ExitOK, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	require.Equal(t, []string{"REQUEST", "STAGE", "REVISION", "VERSION", "INTERVENTION", "EVENTS", "ADMISSION"}, strings.Fields(lines[0]))
	require.Equal(t, []string{"adm-1", "respiratory-triage", "7", "1", "-", "HospitalAdmissionRecorded", "adm-2"}, strings.Fields(lines[1]))
	got := f.requests()
	require.Len(t, got, 1)
	require.Equal(t, "ref-C-1", got[0].GetJourneyId())
	require.Equal(t, "adm-1", got[0].GetRequestId())
	require.Equal(t, "copd-exacerbation", got[0].GetReason())
	require.Equal(t, time.Date(2026, 1, 5, 22, 10, 0, 0, time.UTC), got[0].GetAdmittedAt().AsTime())
	require.Equal(t, time.Date(2026, 1, 9, 11, 0, 0, 0, time.UTC), got[0].GetDischargedAt().AsTime())
	require.Equal(t, []string{"Bearer " + testToken}, f.authorizations(), "the stored token, over TLS")
	require.Empty(t, f.interim, "no interim identity metadata")

	code, out, errs = ctl("-o", "json", "admit", "ref-C-1", "-admitted", "2026-02-01T08:00:00Z", "-discharged", "2026-02-03T08:00:00Z",
		"-reason", "copd-exacerbation")
	require.Equal(t, ExitOK, code, errs)
	var res struct {
		RequestID   string   `json:"requestId"`
		AdmissionID string   `json:"admissionId"`
		Stage       string   `json:"stage"`
		Events      []string `json:"events"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Regexp(t, `^ctl-[0-9a-f]{16}$`, res.RequestID, "a new request id when none is given")
	require.Equal(t, []string{"HospitalAdmissionRecorded"}, res.Events)
	require.Equal(t, "adm-2", res.AdmissionID)
}

func TestAdmitRefusals(t *testing.T) {
	invalid, err := status.New(codes.InvalidArgument, "invalid request: reason: ...").WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "reason", Description: "is required: a code of 1-64 lower-case letters"}}})
	require.NoError(t, err)
	tests := []struct {
		name      string
		args      []string
		answer    error
		code      int
		says      string
		sent      bool
		retryHint bool
	}{
		{"bad time never reaches the service", []string{"-admitted", "5 Jan", "-discharged", "2026-01-09T11:00:00Z"}, nil,
			ExitUsage, `-admitted: "5 Jan" is not an RFC3339 time`, false, false},
		{"field violation", []string{"-admitted", "2026-01-05T22:10:00Z", "-discharged", "2026-01-09T11:00:00Z", "-reason", "COPD"},
			invalid.Err(), ExitInvalid, "\n  reason: is required: a code of 1-64 lower-case letters\n", true, false},
		{"the journey's own check names the flag", []string{"-admitted", "2026-01-05T22:10:00Z", "-discharged", "2026-01-09T11:00:00Z", "-reason", "x"},
			mustViolation(t, "admitted_at", "overlaps admission adm-1"), ExitInvalid, "\n  admitted_at (-admitted): overlaps admission adm-1\n", true, false},
		{"closed journey", []string{"-admitted", "2026-01-05T22:10:00Z", "-discharged", "2026-01-09T11:00:00Z", "-reason", "x"},
			status.Error(codes.FailedPrecondition, "journey ref-C-1 has ended (closed or cancelled)"), ExitNotAllowed, "has ended", true, false},
		{"service down: retry under the same request id", []string{"-admitted", "2026-01-05T22:10:00Z", "-discharged", "2026-01-09T11:00:00Z",
			"-reason", "x", "-request-id", "adm-9"}, status.Error(codes.Unavailable, "down"), ExitFailed,
			"retry safely with -request-id adm-9", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeCoordinator{err: tt.answer}
			code, _, errs := serveFake(t, f)(append([]string{"admit", "ref-C-1"}, tt.args...)...)
			require.Equal(t, tt.code, code, errs)
			require.Contains(t, errs, tt.says)
			require.Equal(t, tt.sent, len(f.requests()) == 1)
			require.Equal(t, tt.retryHint, bytes.Contains([]byte(errs), []byte("retry safely")), errs)
		})
	}
}

func mustViolation(t *testing.T, field, description string) error {
	t.Helper()
	st, err := status.New(codes.InvalidArgument, "invalid request").WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: description}}})
	require.NoError(t, err)
	return st.Err()
}
