package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Requests sent the moment a journey starts, while governance is still resolving its version,
// wait for the pin and are decided then; bad fields are refused at once, before anything runs.
func TestRequestsBeforeThePinWaitForIt(t *testing.T) {
	h := newHarnessPinnedAfter(t, builtinYAML(t, "msk", 1), start, time.Minute)
	var before View
	h.do(time.Second, func() { before = h.query() })
	h.after(0, UpdateTriage, "no-requester", TriageRequest{Disposition: "cats", Baseline: mskBaseline()})
	h.after(0, UpdateScheduleIntervention, "not-in-catalogue", ScheduleInterventionRequest{Intervention: "hip-replacement", ScheduledFor: start.Add(day), RequestedBy: nurse})
	h.after(0, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(0, UpdateRecordAdmission, "admission-no-reason", AdmissionRequest{AdmittedAt: start, DischargedAt: start, RequestedBy: nurse})
	h.after(time.Hour, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})

	require.Equal(t, Starting, before.Status, "the requests arrived before the pin")
	h.requireOK("triage", "end")
	require.Equal(t, []string{"TriageCompleted", "RTTClockStarted"}, h.results["triage"].Events)
	require.Equal(t, 1, h.results["triage"].Version)

	h.requireViolation("no-requester", "requestedBy")
	require.False(t, h.accepts["no-requester"], "refused by the validator on its fields")
	h.requireViolation("admission-no-reason", "reason")
	require.False(t, h.accepts["admission-no-reason"])

	// The catalogue is in the pinned version: the request waits, then is refused with the same
	// typed error as after the pin, and records nothing.
	require.True(t, h.accepts["not-in-catalogue"])
	h.requireViolation("not-in-catalogue", "intervention")
	require.Equal(t, 0, countOf(h.journal.types(), "InterventionScheduled"))
}

func countOf(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
