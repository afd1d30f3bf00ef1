package integration

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rest sends a JSON request to the gateway as a coordinator and decodes the JSON answer.
func (s *stack) rest(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.httpBase+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token("coord-rest", "coordinator"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func (s *stack) restReferral(id, reason string) map[string]any {
	return map[string]any{"referralId": id, "pathwayId": "msk", "nhsNumber": "9990001006", "practiceOdsCode": "A81001",
		"pcnOdsCode": "U12345", "segment": "SEGMENT_COMPLEX", "source": "REFERRAL_SOURCE_SELF", "reason": reason,
		"referredAt": s.at.Format(time.RFC3339)}
}

func TestJourneyOverREST(t *testing.T) {
	s := newStack(t)

	code, body := s.rest(t, http.MethodPost, "/v1/referrals", s.restReferral("R-3001", "back pain"))
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "ref-R-3001", body["journeyId"])
	require.Equal(t, true, body["created"])

	code, body = s.rest(t, http.MethodPost, "/v1/referrals", s.restReferral("R-3001", "back pain"))
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "ref-R-3001", body["journeyId"])
	require.NotEqual(t, true, body["created"], "the second submission created nothing")

	code, body = s.rest(t, http.MethodPost, "/v1/referrals", s.restReferral("R-3001", "neck pain"))
	require.Equal(t, http.StatusConflict, code, "AlreadyExists: %v", body)

	bad := s.restReferral("R-3002", "x")
	bad["nhsNumber"], bad["practiceOdsCode"] = "9434765918", "81001"
	code, body = s.rest(t, http.MethodPost, "/v1/referrals", bad)
	require.Equal(t, http.StatusBadRequest, code)
	fields := restViolations(t, body)
	require.Contains(t, fields, "nhs_number")
	require.Contains(t, fields, "practice_ods_code")
	require.Len(t, fields, 2)

	code, body = s.rest(t, http.MethodPost, "/v1/journeys/ref-R-3001:scheduleIntervention",
		map[string]any{"requestId": "book", "intervention": "spa-triage", "scheduledFor": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	require.Equal(t, http.StatusOK, code, body)
	ivID := body["result"].(map[string]any)["interventionId"]
	code, body = s.rest(t, http.MethodPost, "/v1/journeys/ref-R-3001:completeIntervention", map[string]any{"requestId": "done", "interventionId": ivID})
	require.Equal(t, http.StatusOK, code, body)

	code, body = s.rest(t, http.MethodPost, "/v1/journeys/ref-R-3001:triage", map[string]any{"requestId": "t1", "disposition": "no-such"})
	require.Equal(t, http.StatusBadRequest, code, body)
	require.Contains(t, restViolations(t, body), "disposition", "the journey's own validation comes back as a field violation")

	code, body = s.rest(t, http.MethodPost, "/v1/journeys/ref-R-3001:triage", map[string]any{"requestId": "t2", "disposition": "cats",
		"baseline": []map[string]any{{"code": "msk-hq", "value": 30}, {"code": "eq5d5l-index", "value": 0.61}, {"code": "eq-vas", "value": 60}}})
	require.Equal(t, http.StatusOK, code, body)
	stage := body["result"].(map[string]any)["stage"]

	code, body = s.rest(t, http.MethodGet, "/v1/journeys/ref-R-3001", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, stage, body["journey"].(map[string]any)["stage"])
	require.Len(t, body["timeline"], 6)
	require.NotContains(t, mustJSON(t, body), "9990001006", "no NHS number in the journey view or timeline")

	code, body = s.rest(t, http.MethodGet, "/v1/journeys/ref-R-9999", nil)
	require.Equal(t, http.StatusNotFound, code, body)

	code, body = s.rest(t, http.MethodGet, "/v1/worklists?worklist=WORKLIST_IN_INTERVENTION&segment=SEGMENT_COMPLEX", nil)
	require.Equal(t, http.StatusOK, code, body)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.httpBase+"/openapi.json", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var doc map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	require.Equal(t, "2.0", doc["swagger"])
	require.Contains(t, doc["paths"], "/v1/referrals")
}

// TestNonFiniteScoresAreRefusedOverREST: "NaN", "Infinity" and "-Infinity" are valid protobuf
// JSON for a double; a measure carrying one is bad input (400 naming the field), not an internal
// error, and it changes nothing.
func TestNonFiniteScoresAreRefusedOverREST(t *testing.T) {
	s := newStack(t)
	code, body := s.rest(t, http.MethodPost, "/v1/referrals", s.restReferral("R-3101", "hip pain"))
	require.Equal(t, http.StatusOK, code, body)
	var before map[string]any
	eventually(t, "the new journey awaits triage", func() bool {
		code, before = s.rest(t, http.MethodGet, "/v1/journeys/ref-R-3101", nil)
		return code == http.StatusOK && before["journey"].(map[string]any)["stage"] == "spa-triage" && len(before["timeline"].([]any)) == 2
	})

	tests := []struct {
		value, rule string
	}{
		{"NaN", "must be a finite number, not NaN"},
		{"Infinity", "must be a finite number, not +Infinity"},
		{"-Infinity", "must be a finite number, not -Infinity"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			code, body := s.rest(t, http.MethodPost, "/v1/journeys/ref-R-3101:triage", map[string]any{"requestId": "t-" + tt.value,
				"disposition": "cats", "baseline": []map[string]any{{"code": "msk-hq", "value": 30}, {"code": "eq-vas", "value": tt.value}}})
			require.Equal(t, http.StatusBadRequest, code, body)
			require.Equal(t, map[string]string{"baseline[1].value": tt.rule}, restViolations(t, body))

			code, body = s.rest(t, http.MethodPost, "/v1/journeys/ref-R-3101:recordOutcome", map[string]any{"requestId": "o-" + tt.value,
				"collectionPoint": "discharge", "measures": []map[string]any{{"code": "msk-hq", "value": tt.value}}})
			require.Equal(t, http.StatusBadRequest, code, body)
			require.Equal(t, map[string]string{"measures[0].value": tt.rule}, restViolations(t, body))
		})
	}

	code, after := s.rest(t, http.MethodGet, "/v1/journeys/ref-R-3101", nil)
	require.Equal(t, http.StatusOK, code, after)
	require.Equal(t, before, after, "the refused requests changed nothing")
}

func restViolations(t *testing.T, body map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	details, _ := body["details"].([]any)
	for _, d := range details {
		fvs, _ := d.(map[string]any)["fieldViolations"].([]any)
		for _, fv := range fvs {
			m := fv.(map[string]any)
			out[m["field"].(string)] = m["description"].(string)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
