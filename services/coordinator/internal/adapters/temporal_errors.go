package adapters

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// temporalError turns what Temporal and the journey workflow answer into domain errors: the
// journey's business refusals by their stable type names, unknown journeys, closed journeys.
func temporalError(journeyID string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return refusal(app)
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		if strings.Contains(nf.Error(), "completed") {
			return &domain.Error{Kind: domain.KindFailedPrecondition, Err: err,
				Message: fmt.Sprintf("journey %s has ended (closed or cancelled)", journeyID)}
		}
		nf := domain.JourneyNotFound(journeyID)
		nf.Err = err
		return nf
	}
	var unavailable *serviceerror.Unavailable
	if errors.As(err, &unavailable) {
		return &domain.Error{Kind: domain.KindUnavailable, Err: err, Message: "the journey engine (Temporal) is unavailable; retry with the same request_id"}
	}
	return fmt.Errorf("journey %s: %w", journeyID, err)
}

func refusal(app *temporal.ApplicationError) error {
	switch app.Type() {
	case journey.ErrInvalidRequest:
		var fv journey.FieldViolation
		if app.HasDetails() && app.Details(&fv) == nil && fv.Field != "" {
			return domain.Violations{{Field: snake(fv.Field), Description: fv.Description}}.Err()
		}
		return domain.Violations{{Field: "request", Description: app.Message()}}.Err()
	case journey.ErrInvalidTransition, journey.ErrJourneyClosed, journey.ErrNotEligible, journey.ErrIncompatibleVersion:
		return &domain.Error{Kind: domain.KindFailedPrecondition, Message: app.Message(), Err: app}
	case journey.ErrPathwayVersionNotFound:
		return &domain.Error{Kind: domain.KindNotFound, Message: app.Message(), Err: app}
	case "AcceptedUpdateCompletedWorkflow":
		return &domain.Error{Kind: domain.KindFailedPrecondition, Message: "the journey ended before the request completed", Err: app}
	case journey.ErrInvalidPathwayDefinition:
		return &domain.Error{Kind: domain.KindFailedPrecondition, Message: app.Message(), Err: app}
	case "":
		if strings.HasPrefix(app.Message(), "unknown update") {
			return &domain.Error{Kind: domain.KindUnimplemented, Err: app,
				Message: "the journey worker does not handle this request yet (it runs an older version than the coordinator); nothing was changed"}
		}
	}
	return fmt.Errorf("journey refused (%s): %w", app.Type(), app)
}

// snake turns the workflow's camelCase field names into the API's snake_case ones.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
