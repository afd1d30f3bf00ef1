package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

func (s *stack) ctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return s.ctlAs(t, "coord-cli", "coordinator", args...)
}

// ctlAs runs pathwayctl as after `pathwayctl login` by subject with the role: a stored token of the
// test PCN (and governance's reader roles for `pathways`), over plaintext to this loopback stack.
func (s *stack) ctlAs(t *testing.T, subject, role string, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	tok := identitytest.Shared().Token(t, identitytest.Person{Subject: subject, Name: subject,
		Roles: []string{role}, Orgs: []string{testPCN}})
	require.NoError(t, cli.SaveCredentials(dir, cli.Credentials{Issuer: identitytest.Shared().URL(), ClientID: cli.DefaultClientID,
		AccessToken: tok, Expiry: time.Now().Add(time.Hour), TokenType: "Bearer"}))
	env := map[string]string{"PATHWAYCTL_COORDINATOR": s.grpcAddr, "PATHWAYCTL_GOVERNANCE": s.governanceAddr,
		"PATHWAYS_CONFIG_DIR": dir, "PATHWAYCTL_INSECURE": "true"}
	var out, errs bytes.Buffer
	code := cli.Run(context.Background(), args, &out, &errs, func(k string) string { return env[k] })
	return code, out.String(), errs.String()
}

func TestPathwayctl(t *testing.T) {
	s := newStack(t)

	code, out, errs := s.ctl(t, "-o", "json", "submit", "-referral-id", "R-4001", "-pathway", "msk", "-nhs-number", "9990001006",
		"-practice", "A81001", "-pcn", "U12345", "-segment", "LTC", "-source", "FCP", "-reason", "shoulder pain", "-referred-at", s.at.Format(time.RFC3339))
	require.Equal(t, cli.ExitOK, code, errs)
	var sub struct {
		JourneyID string `json:"journeyId"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &sub))
	require.Equal(t, "ref-R-4001", sub.JourneyID)

	code, _, errs = s.ctl(t, "submit", "-referral-id", "R-4002", "-pathway", "msk", "-nhs-number", "9434765918",
		"-practice", "A81001", "-pcn", "12345", "-segment", "LTC", "-source", "GP", "-reason", "x")
	require.Equal(t, cli.ExitInvalid, code)
	require.Contains(t, errs, "\n  nhs_number: check digit does not match (modulus 11)\n")
	require.Contains(t, errs, "\n  pcn_ods_code (-pcn): must be a PCN ODS code", "the violation names the flag to fix")

	code, out, errs = s.ctl(t, "schedule", "ref-R-4001", "-intervention", "spa-triage", "-at", "2030-01-01T09:00:00Z", "-request-id", "b1")
	require.Equal(t, cli.ExitOK, code, errs)
	require.Contains(t, out, "iv-1")
	code, _, errs = s.ctl(t, "complete", "ref-R-4001", "-intervention-id", "iv-1")
	require.Equal(t, cli.ExitOK, code, errs)
	code, out, errs = s.ctl(t, "triage", "ref-R-4001", "-disposition", "cats", "-measure", "msk-hq=30", "-measure", "eq5d5l-index=0.61",
		"-measure", "eq-vas=60")
	require.Equal(t, cli.ExitOK, code, errs)
	require.Contains(t, out, "TriageCompleted")

	code, _, errs = s.ctl(t, "triage", "ref-R-4001", "-disposition", "cats")
	require.Equal(t, cli.ExitNotAllowed, code)
	require.Contains(t, errs, "current stage: ")

	code, out, errs = s.ctl(t, "show", "ref-R-4001")
	require.Equal(t, cli.ExitOK, code, errs)
	require.Contains(t, out, "msk v1")
	require.Contains(t, out, "TriageCompleted")
	require.NotContains(t, out, "9990001006")

	code, _, errs = s.ctl(t, "show", "ref-nope")
	require.Equal(t, cli.ExitNotFound, code, errs)

	code, out, errs = s.ctl(t, "pathways", "list")
	require.Equal(t, cli.ExitOK, code, errs)
	require.True(t, strings.Contains(out, "msk") && strings.Contains(out, "PUBLISHED"), out)
	code, out, errs = s.ctl(t, "pathways", "show", "msk", "1")
	require.Equal(t, cli.ExitOK, code, errs)
	require.Contains(t, out, "spa-triage")
}

func TestPathwayctlErase(t *testing.T) {
	s := newStack(t)
	code, _, errs := s.ctl(t, "submit", "-referral-id", "R-4101", "-pathway", "msk", "-nhs-number", "9990001006",
		"-practice", "A81001", "-pcn", "U12345", "-segment", "LTC", "-source", "GP", "-reason", "marker-4101", "-referred-at", s.at.Format(time.RFC3339))
	require.Equal(t, cli.ExitOK, code, errs)
	eventually(t, "ref-R-4101 recorded", func() bool { return s.summaries(t, "ref-R-4101")["ReferralReceived"] != "" })

	code, _, errs = s.ctl(t, "erase", "ref-R-4101", "-reason", "ER-1")
	require.Equal(t, cli.ExitNotAllowed, code, "a coordinator may not erase: %s", errs)
	code, _, errs = s.ctlAs(t, "ig-1", "information-governance", "erase", "ref-R-4101")
	require.Equal(t, cli.ExitInvalid, code)
	require.Contains(t, errs, "reason: is required")
	code, out, errs := s.ctlAs(t, "ig-1", "information-governance", "erase", "ref-R-4101", "-reason", "ER-1")
	require.Equal(t, cli.ExitOK, code, errs)
	require.Regexp(t, `pt-[a-z2-7]{26}\s+true`, out)
	require.Contains(t, s.summaries(t, "ref-R-4101")["ReferralReceived"], "reason_for_referral=[erased]")
}
