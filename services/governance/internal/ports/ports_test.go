package ports

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

func TestErrorsMapToStatusCodes(t *testing.T) {
	tests := []struct {
		err  error
		code codes.Code
	}{
		{domain.PathwayNotFound("x"), codes.NotFound},
		{fmt.Errorf("save: %w", domain.Conflictf("lost")), codes.Aborted},
		{&domain.Error{Kind: domain.KindPermissionDenied, Message: "no"}, codes.PermissionDenied},
		{&domain.Error{Kind: domain.KindFailedPrecondition, Message: "it is published"}, codes.FailedPrecondition},
		{context.Canceled, codes.Canceled},
		{errors.New("disk on fire"), codes.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			st := status.Convert(toStatus(t.Context(), tt.err))
			require.Equal(t, tt.code, st.Code())
			if tt.code == codes.Internal {
				require.NotContains(t, st.Message(), "disk on fire", "internal details stay in the log")
			}
		})
	}
}

func TestValidationErrorCarriesEveryFieldViolation(t *testing.T) {
	err := toStatus(t.Context(), (domain.Violations{{Field: "title", Description: "is required"}, {Field: "owning_eog", Description: "is required"}}).Err())
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code())
	require.Len(t, st.Details(), 1)
	br, ok := st.Details()[0].(*errdetails.BadRequest)
	require.True(t, ok)
	require.Len(t, br.GetFieldViolations(), 2)
	require.Equal(t, "owning_eog", br.GetFieldViolations()[1].GetField())
}
