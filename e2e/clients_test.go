package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

// actor and roles of the coordinator the tests act as.
const (
	actor = "e2e-coordinator"
	roles = "coordinator"
)

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func (d *devstack) coordinator(t *testing.T) coordinatorv1.CoordinatorServiceClient {
	return coordinatorv1.NewCoordinatorServiceClient(dial(t, d.addr.coordinator))
}

func (d *devstack) finance(t *testing.T) financev1.FinanceServiceClient {
	return financev1.NewFinanceServiceClient(dial(t, d.addr.finance))
}

func (d *devstack) dashboardQuery(t *testing.T) dashboardv1.DashboardQueryServiceClient {
	return dashboardv1.NewDashboardQueryServiceClient(dial(t, d.addr.dashboard))
}

// coordinating is a call context of the coordinator actor.
func coordinating(t *testing.T) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "x-actor", actor, "x-roles", roles)
}

// restClient calls the coordinator's REST/JSON gateway.
type restClient struct {
	t    *testing.T
	base string
}

func (d *devstack) rest(t *testing.T) restClient {
	return restClient{t: t, base: "http://" + d.addr.coordinatorHTTP}
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
	req.Header.Set("X-Actor", actor)
	req.Header.Set("X-Roles", roles)
	resp, err := http.DefaultClient.Do(req)
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
