package stack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

const auditor = "auditor" // reads the access audit trail and, through the codec server, journeys' payloads

// requirePayloadEncryption checks what the stack promises about Temporal payloads: the keyring in
// the data dir (0600), a journey's input encrypted in Temporal's history under it, the Web UI told
// to decode through the coordinator's codec server, which decodes for an auditor from the UI's
// origin and refuses people without the role or a token; and the namespace's retention.
func requirePayloadEncryption(t *testing.T, s *stack.Stack, loaded []demo.Loaded) {
	t.Helper()
	st, err := os.Stat(s.Config().PayloadKeysFile())
	require.NoError(t, err, "the payload keyring is made in the data dir")
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	tc := temporalClient(t, s) // no codec: what Temporal stores, as anyone reading its database sees it
	l := loaded[0]
	it := tc.GetWorkflowHistory(t.Context(), l.JourneyID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	first, err := it.Next()
	require.NoError(t, err)
	input := first.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	require.NotEmpty(t, input)
	for _, p := range input {
		require.Equal(t, payloadcrypt.EncodingEncrypted, string(p.GetMetadata()[payloadcrypt.MetadataEncoding]), "the journey's input in Temporal")
		require.Equal(t, "k1", string(p.GetMetadata()[payloadcrypt.MetadataKeyID]))
		require.NotContains(t, string(p.GetData()), l.Patient.ReferralID)
	}

	ui := "https://" + s.UIAddr
	hc := httpsClient(t, s)
	status, body := get(t, hc, ui+"/api/v1/settings")
	require.Equal(t, http.StatusOK, status)
	var settings struct {
		Codec struct {
			Endpoint                            string
			PassAccessToken, IncludeCredentials bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &settings))
	codec := "https://" + s.CoordinatorHTTPAddr + payloadcrypt.Path
	require.Equal(t, codec, settings.Codec.Endpoint, "the Web UI decodes through the coordinator")
	require.True(t, settings.Codec.PassAccessToken && settings.Codec.IncludeCredentials)

	req, err := protojson.Marshal(&commonpb.Payloads{Payloads: input})
	require.NoError(t, err)
	status, body = codecPost(t, hc, codec+"/decode", token(t, s, auditor), ui, req)
	require.Equal(t, http.StatusOK, status, body)
	var decoded commonpb.Payloads
	require.NoError(t, protojson.Unmarshal([]byte(body), &decoded))
	require.Contains(t, string(decoded.GetPayloads()[0].GetData()), l.Patient.ReferralID, "an auditor sees the journey's input")
	status, _ = codecPost(t, hc, codec+"/decode", token(t, s, board), ui, req)
	require.Equal(t, http.StatusForbidden, status, "the board may not read payloads")
	status, _ = codecPost(t, hc, codec+"/decode", "", ui, req)
	require.Equal(t, http.StatusUnauthorized, status)

	ns, err := tc.WorkflowService().DescribeNamespace(t.Context(), &workflowservice.DescribeNamespaceRequest{Namespace: stack.DefaultNamespace})
	require.NoError(t, err)
	require.Equal(t, stack.DefaultRetention, ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(), "-temporal-retention")
}

// codecPost posts payloads to the codec server as the Web UI's page does: from its origin, with
// the person's token (none when tok is empty).
func codecPost(t *testing.T, hc *http.Client, url, tok, origin string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"), "the UI's origin is allowed")
	return resp.StatusCode, string(b)
}
