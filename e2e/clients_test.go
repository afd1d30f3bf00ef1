package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

func (d *devstack) coordinator(t *testing.T) coordinatorv1.CoordinatorServiceClient {
	return coordinatorv1.NewCoordinatorServiceClient(d.dial(t, d.addr.coordinator))
}

func (d *devstack) finance(t *testing.T) financev1.FinanceServiceClient {
	return financev1.NewFinanceServiceClient(d.dial(t, d.addr.finance))
}

func (d *devstack) dashboardQuery(t *testing.T) dashboardv1.DashboardQueryServiceClient {
	return dashboardv1.NewDashboardQueryServiceClient(d.dial(t, d.addr.dashboard))
}

// restClient calls the coordinator's REST/JSON gateway over TLS with the coordinator's token.
type restClient struct {
	t      *testing.T
	base   string
	token  string
	client *http.Client
}

func (d *devstack) rest(t *testing.T) restClient {
	return restClient{t: t, base: "https://" + d.addr.coordinatorHTTP, token: d.token(t, coordinatorPerson), client: d.httpClient(t)}
}

// do sends body (JSON-encoded unless nil) and returns the status code and the raw answer.
func (c restClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, r)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.client.Do(req)
	require.NoError(c.t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, raw
}

// call sends body and decodes a 200 answer into out.
func (c restClient) call(method, path string, body any, out proto.Message) {
	c.t.Helper()
	code, raw := c.do(method, path, body)
	require.Equal(c.t, http.StatusOK, code, "%s %s: %s", method, path, raw)
	require.NoError(c.t, protojson.Unmarshal(raw, out), "%s %s: %s", method, path, raw)
}

// restError is the gateway's error body (google.rpc.Status as JSON).
type restError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Type            string `json:"@type"`
		FieldViolations []struct {
			Field       string `json:"field"`
			Description string `json:"description"`
		} `json:"fieldViolations"`
	} `json:"details"`
}

// fails sends body, requires the HTTP status want and returns the decoded error.
func (c restClient) fails(method, path string, body any, want int) restError {
	c.t.Helper()
	code, raw := c.do(method, path, body)
	require.Equal(c.t, want, code, "%s %s: %s", method, path, raw)
	var e restError
	require.NoError(c.t, json.Unmarshal(raw, &e), "%s", raw)
	return e
}

// nhsSerial hands out distinct NHS numbers of the 999 test range (never issued to anyone).
var nhsSerial atomic.Int64

// testNHSNumber is the next 999-range NHS number with a valid modulus 11 check digit.
func testNHSNumber() string {
	for {
		if n, ok := nhsnumber.FromBase(999_100_000 + int(nhsSerial.Add(1)%900_000)); ok {
			return n
		}
	}
}

// uniqueSuffix keeps referral IDs of different runs on one data directory apart.
func uniqueSuffix() string { return strconv.FormatInt(time.Now().UnixNano()%1_000_000_000, 36) }

// eventually polls cond until it holds, failing the test at the deadline with its last error.
func eventually(t *testing.T, within time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %v", within, what, err)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("test ended waiting for %s", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
