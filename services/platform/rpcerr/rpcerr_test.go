package rpcerr_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/fault"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// captureLog sends the default logger to a buffer for the rest of the test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return &buf
}

func TestStatusMapsEveryKind(t *testing.T) {
	tests := []struct {
		kind fault.Kind
		code codes.Code
	}{
		{fault.NotFound, codes.NotFound},
		{fault.AlreadyExists, codes.AlreadyExists},
		{fault.FailedPrecondition, codes.FailedPrecondition},
		{fault.Aborted, codes.Aborted},
		{fault.PermissionDenied, codes.PermissionDenied},
		{fault.Unavailable, codes.Unavailable},
		{fault.Unimplemented, codes.Unimplemented},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			err := fmt.Errorf("repository: %w", fault.New(tt.kind, "pathway %q: %s", "msk", "refused"))
			st := status.Convert(rpcerr.Status(t.Context(), err))
			require.Equal(t, tt.code, st.Code())
			require.Equal(t, `pathway "msk": refused`, st.Message(), "the refusal's own message, not the wrapping")
			require.Empty(t, st.Details(), "no ErrorInfo without a reason")
		})
	}
}

func TestStatusCarriesErrorInfo(t *testing.T) {
	for _, kind := range []fault.Kind{fault.FailedPrecondition, fault.Aborted} {
		t.Run(kind.String(), func(t *testing.T) {
			err := fault.New(kind, "not at this stage").With(fault.Info{Reason: "TRANSITION_NOT_ALLOWED", Domain: "pathways.example",
				Metadata: map[string]string{"stage": "triage"}})
			st := status.Convert(rpcerr.Status(t.Context(), err))
			require.Equal(t, rpcerr.Code(kind), st.Code())
			require.Len(t, st.Details(), 1)
			info, ok := st.Details()[0].(*errdetails.ErrorInfo)
			require.True(t, ok, "%T", st.Details()[0])
			require.Equal(t, "TRANSITION_NOT_ALLOWED", info.GetReason())
			require.Equal(t, "pathways.example", info.GetDomain())
			require.Equal(t, map[string]string{"stage": "triage"}, info.GetMetadata())
		})
	}
}

func TestStatusListsEveryFieldViolation(t *testing.T) {
	var vs fault.Violations
	vs.Add("title", "is required")
	vs.AddErr("owning_eog", errors.New("must name a group"))
	vs.AddErr("ignored", nil)
	st := status.Convert(rpcerr.Status(t.Context(), fmt.Errorf("create: %w", vs.Err())))
	require.Equal(t, codes.InvalidArgument, st.Code())
	require.Equal(t, "invalid request: title: is required; owning_eog: must name a group", st.Message())
	require.Len(t, st.Details(), 1)
	br, ok := st.Details()[0].(*errdetails.BadRequest)
	require.True(t, ok)
	var got []string
	for _, v := range br.GetFieldViolations() {
		got = append(got, v.GetField()+"="+v.GetDescription())
	}
	require.Equal(t, []string{"title=is required", "owning_eog=must name a group"}, got)
	require.NoError(t, fault.Violations(nil).Err())
}

func TestStatusOfContextErrorsAndNil(t *testing.T) {
	require.NoError(t, rpcerr.Status(t.Context(), nil))
	require.Equal(t, codes.Canceled, status.Code(rpcerr.Status(t.Context(), fmt.Errorf("read: %w", context.Canceled))))
	require.Equal(t, codes.DeadlineExceeded, status.Code(rpcerr.Status(t.Context(), fmt.Errorf("read: %w", context.DeadlineExceeded))))
}

func TestStatusPassesAStatusThrough(t *testing.T) {
	in := status.Error(codes.ResourceExhausted, "slow down")
	require.Equal(t, in, rpcerr.Status(t.Context(), in))
}

func TestInternalErrorsAreLoggedAndHidden(t *testing.T) {
	log := captureLog(t)
	tests := []struct {
		name string
		err  error
	}{
		{"plain", errors.New("open /var/lib/ledger.db: disk on fire 9434765919")},
		{"unknown kind", &fault.Error{Kind: fault.Kind(99), Message: "disk on fire 9434765919"}},
		{"wrapped status of a dependency", fmt.Errorf("governance: %w", status.Error(codes.NotFound, "disk on fire 9434765919"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log.Reset()
			st := status.Convert(rpcerr.Status(t.Context(), tt.err))
			require.Equal(t, codes.Internal, st.Code())
			require.Equal(t, rpcerr.InternalMessage, st.Message())
			require.Empty(t, st.Details())
			require.Contains(t, log.String(), "level=ERROR")
			require.Contains(t, log.String(), "9434765919", "the detail is in the service log")
		})
	}
}

func TestSentinelsMatchByKind(t *testing.T) {
	notFound := &fault.Error{Kind: fault.NotFound}
	err := fmt.Errorf("load: %w", fault.New(fault.NotFound, "pathway %q does not exist", "x"))
	require.ErrorIs(t, err, notFound)
	require.NotErrorIs(t, err, &fault.Error{Kind: fault.Aborted})
	require.NotErrorIs(t, err, fault.New(fault.NotFound, "another message"), "only an empty Error is a sentinel")
	require.Equal(t, "not found", notFound.Error())
	cause := errors.New("stopping")
	require.ErrorIs(t, fault.Classify(fault.Unavailable, cause), cause)
	require.Equal(t, codes.Unavailable, status.Code(rpcerr.Status(t.Context(), fault.Classify(fault.Unavailable, cause))))
}
