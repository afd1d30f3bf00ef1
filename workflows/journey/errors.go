package journey

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// invalidRequest refuses a request whose field breaks a rule; the detail names both.
func invalidRequest(field, rule string) error {
	return temporal.NewApplicationErrorWithOptions(field+": "+rule, ErrInvalidRequest,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{FieldViolation{Field: field, Description: rule}}})
}

// refuse builds a non-retryable business failure of the given type.
func refuse(errType, format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), errType,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}
