package cli

import (
	"context"
	"flag"
	"time"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// admit records an unplanned hospital admission, once the patient has left hospital.
func admit(ctx context.Context, c *call, args []string) error {
	var admitted, discharged, reason string
	return c.transition(ctx, "admit", args, func(fs *flag.FlagSet) {
		fs.StringVar(&admitted, "admitted", "", "when the patient was admitted (RFC3339)")
		fs.StringVar(&discharged, "discharged", "", "when the patient left hospital (RFC3339, not in the future)")
		fs.StringVar(&reason, "reason", "", "reason code: lower-case letters, digits and dashes (e.g. copd-exacerbation)")
	}, func(ctx context.Context, cl coordinatorv1.CoordinatorServiceClient, id, rid string) (*coordinatorv1.TransitionResult, error) {
		req := &coordinatorv1.RecordAdmissionRequest{JourneyId: id, RequestId: rid, Reason: reason}
		var err error
		if req.AdmittedAt, err = parseTime("admitted", admitted, time.Time{}); err != nil {
			return nil, err
		}
		if req.DischargedAt, err = parseTime("discharged", discharged, time.Time{}); err != nil {
			return nil, err
		}
		r, err := cl.RecordAdmission(ctx, req)
		return r.GetResult(), err
	})
}
