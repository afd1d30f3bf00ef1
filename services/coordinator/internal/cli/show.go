package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

func show(ctx context.Context, c *call, args []string) error {
	pos, err := parseInterspersed(c.newFlags("show"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return oneJourneyID("show", pos)
	}
	client, err := c.coordinator(ctx)
	if err != nil {
		return err
	}
	resp, err := client.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: pos[0]})
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) { journeyTable(w, resp) })
}

func journeyTable(w *tabwriter.Writer, resp *coordinatorv1.GetJourneyResponse) {
	j := resp.GetJourney()
	row(w, "Journey:", j.GetJourneyId())
	row(w, "Pathway:", fmt.Sprintf("%s v%d", j.GetPathwayId(), j.GetVersion()))
	row(w, "Stage:", j.GetStage()+" ("+j.GetStatus()+")")
	row(w, "PCN / segment:", j.GetPcnOdsCode()+" / "+strings.TrimPrefix(j.GetSegment().String(), "SEGMENT_"))
	t := j.GetTriage()
	row(w, "Triage due:", when(t.GetDueAt()), "done: "+when(t.GetCompletedAt()), "disposition: "+dash(t.GetDisposition()),
		fmt.Sprintf("breached: %t", t.GetBreached()))
	r := j.GetRtt()
	row(w, "RTT clock:", dash(r.GetStatus()), "started: "+when(r.GetStartedAt()), "breach at: "+when(r.GetBreachAt()),
		"stopped: "+when(r.GetStoppedAt()))
	row(w, "Next deadline:", when(j.GetNextDeadline()))
	row(w, "Flags:", dash(strings.Join(j.GetFlags(), ", ")))
	if n := j.GetAdmissions(); n > 0 {
		row(w, "Admissions:", fmt.Sprintf("%d (HospitalAdmissionRecorded in the timeline)", n))
	}
	for _, iv := range j.GetInterventions() {
		row(w, "Intervention:", iv.GetInterventionId(), iv.GetCode(), iv.GetStatus(), "for "+when(iv.GetScheduledFor()))
	}
	row(w, "")
	row(w, "REV", "WHEN", "EVENT", "STAGE", "BY", "DETAILS")
	for _, e := range resp.GetTimeline() {
		row(w, e.GetRevision(), when(e.GetOccurredAt()), e.GetType(), dash(e.GetStage()), dash(e.GetActor()), e.GetSummary())
	}
}

// oneJourneyID is the usage error of a command given no journey id, or more than one argument
// (most often a flag value with spaces left unquoted).
func oneJourneyID(name string, pos []string) error {
	if len(pos) == 0 {
		return usagef("%s needs one journey id", name)
	}
	return usagef("%s needs one journey id, got %d arguments (%s); quote flag values that contain spaces",
		name, len(pos), strings.Join(pos, " "))
}
