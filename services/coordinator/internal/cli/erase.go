package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// erase destroys the data key of a journey's patient (PatientDataService.ErasePatient): for the
// information-governance role, with a reason the access audit trail keeps.
func erase(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("erase")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "Usage: pathwayctl erase JOURNEY_ID -reason TEXT")
		fmt.Fprintln(c.stderr, "Erases the patient of the journey: their NHS number, reason for referral and notes, in every journey")
		fmt.Fprintln(c.stderr, "of theirs, can never be read again. It cannot be undone.")
		fs.PrintDefaults()
	}
	reason := fs.String("reason", "", "why (e.g. the erasure request's reference); recorded in the access audit trail")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return oneJourneyID("erase", pos)
	}
	conn, err := c.dial(ctx, c.coordinatorAddr)
	if err != nil {
		return err
	}
	c.flagOf = coordinatorFlags
	res, err := coordinatorv1.NewPatientDataServiceClient(conn).ErasePatient(ctx,
		&coordinatorv1.ErasePatientRequest{JourneyId: pos[0], Reason: *reason})
	if err != nil {
		return err
	}
	if res == nil {
		return errors.New("erase: no answer")
	}
	return c.print(res, func(w *tabwriter.Writer) {
		row(w, "PATIENT", "ERASED")
		row(w, res.GetPatientRef(), res.GetErased())
	})
}
