package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRecordAdmissionValidate(t *testing.T) {
	admission := func(edit func(c *Command)) Command {
		c := Command{Transition: RecordAdmission, JourneyID: "ref-1", RequestID: "adm-1", Reason: "copd-exacerbation",
			AdmittedAt: now.Add(-72 * time.Hour), DischargedAt: now.Add(-time.Hour)}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	tests := []struct {
		name   string
		cmd    Command
		fields map[string]string
	}{
		{"ok", admission(nil), nil},
		{"64-character reason", admission(func(c *Command) { c.Reason = strings.Repeat("a", 64) }), nil},
		{"same-day admission", admission(func(c *Command) { c.AdmittedAt = c.DischargedAt }), nil},
		{"discharged just now", admission(func(c *Command) { c.DischargedAt = now }), nil},
		{"nothing but ids", Command{Transition: RecordAdmission, JourneyID: "ref-1", RequestID: "adm-1"}, map[string]string{
			"reason":        "is required: a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)",
			"admitted_at":   "is required: when the patient was admitted",
			"discharged_at": "is required: when the patient left hospital (record the admission once they have)"}},
		{"reason in words", admission(func(c *Command) { c.Reason = "COPD exacerbation" }), map[string]string{
			"reason": "must be a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)"}},
		{"reason too long", admission(func(c *Command) { c.Reason = strings.Repeat("a", 65) }), map[string]string{
			"reason": "must be a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)"}},
		{"discharged tomorrow", admission(func(c *Command) { c.DischargedAt = now.Add(24 * time.Hour) }), map[string]string{
			"discharged_at": "must not be in the future: record the admission once the patient has left hospital"}},
		{"discharged before admitted", admission(func(c *Command) { c.AdmittedAt = c.DischargedAt.Add(time.Minute) }), map[string]string{
			"discharged_at": "must not be before admitted_at"}},
		{"no request id", admission(func(c *Command) { c.RequestID = "" }), map[string]string{
			"request_id": "is required: 1-100 letters, digits, '.', '_', ':' or '-' (a fresh id per request, reused only to retry)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cmd.Validate(now)
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			require.Equal(t, tt.fields, violationsOf(t, err))
		})
	}
}
