package adapters

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

func TestTemporalErrorMapsJourneyRefusals(t *testing.T) {
	refused := func(errType string, details ...any) error {
		return temporal.NewApplicationErrorWithOptions("refused", errType, temporal.ApplicationErrorOptions{NonRetryable: true, Details: details})
	}
	tests := []struct {
		name  string
		err   error
		field string // a field violation is expected on this API field
		kind  domain.Kind
	}{
		{"field violation, workflow field name in snake case",
			refused(journey.ErrInvalidRequest, journey.FieldViolation{Field: "admittedAt", Description: "overlaps admission adm-1"}), "admitted_at", 0},
		{"invalid request without detail", refused(journey.ErrInvalidRequest), "request", 0},
		{"cancelled or closed journey", refused(journey.ErrJourneyClosed), "", domain.KindFailedPrecondition},
		{"wrong stage", refused(journey.ErrInvalidTransition), "", domain.KindFailedPrecondition},
		{"no version in effect", refused(journey.ErrPathwayVersionNotFound), "", domain.KindNotFound},
		{"update on a finished workflow", refused("AcceptedUpdateCompletedWorkflow"), "", domain.KindFailedPrecondition},
		{"worker older than the coordinator", temporal.NewApplicationError("unknown update RecordAdmission. KnownUpdates=[Triage]", ""),
			"", domain.KindUnimplemented},
		{"unknown journey", serviceerror.NewNotFound("workflow not found for ID: ref-x"), "", domain.KindNotFound},
		{"ended journey", serviceerror.NewNotFound("workflow execution already completed"), "", domain.KindFailedPrecondition},
		{"temporal down", serviceerror.NewUnavailable("connection refused"), "", domain.KindUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := temporalError("ref-x", tt.err)
			if tt.field != "" {
				var ve *domain.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, tt.field, ve.Violations[0].Field)
				return
			}
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.kind, de.Kind)
		})
	}
}

func TestTemporalErrorKeepsOtherFailures(t *testing.T) {
	cause := errors.New("boom")
	err := temporalError("ref-x", cause)
	require.ErrorIs(t, err, cause)
	var de *domain.Error
	require.NotErrorAs(t, err, &de, "an unexpected failure is not a refusal")
}

// TestAnUnknownJourneyIsJourneyNotFound: the answer a journey of another PCN gets
// (domain.HiddenJourney) is word for word the one Temporal's NotFound becomes.
func TestAnUnknownJourneyIsJourneyNotFound(t *testing.T) {
	var de *domain.Error
	require.ErrorAs(t, temporalError("ref-x", serviceerror.NewNotFound("workflow not found for ID: ref-x")), &de)
	require.Equal(t, domain.JourneyNotFound("ref-x").Error(), de.Error())
	require.Equal(t, domain.KindNotFound, de.Kind)
	require.Nil(t, de.Info)
}
