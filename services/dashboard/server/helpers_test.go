package server_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
)

// service is a running dashboard with clients to its API.
type service struct {
	srv    *server.Server
	ingest dashboardv1.DashboardIngestServiceClient
	query  dashboardv1.DashboardQueryServiceClient
}

func startService(t *testing.T, now time.Time, mod func(*server.Config)) *service {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.DBPath = filepath.Join(t.TempDir(), "dashboard.db")
	cfg.Now = func() time.Time { return now }
	if mod != nil {
		mod(&cfg)
	}
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return &service{srv: srv, ingest: dashboardv1.NewDashboardIngestServiceClient(conn), query: dashboardv1.NewDashboardQueryServiceClient(conn)}
}

func (s *service) load(t *testing.T, f *fixture) {
	t.Helper()
	for _, r := range f.facts {
		resp, err := s.ingest.RecordJourneyFact(t.Context(), r)
		require.NoError(t, err, "fact %s", r.GetEventId())
		require.False(t, resp.GetDuplicate())
	}
}

func (s *service) system(t *testing.T, filter *dashboardv1.Filter) *dashboardv1.GetSystemFiguresResponse {
	t.Helper()
	out, err := s.query.GetSystemFigures(t.Context(), &dashboardv1.GetSystemFiguresRequest{Filter: filter})
	require.NoError(t, err)
	return out
}

func (s *service) population(t *testing.T, filter *dashboardv1.Filter) *dashboardv1.GetPopulationFiguresResponse {
	t.Helper()
	out, err := s.query.GetPopulationFigures(t.Context(), &dashboardv1.GetPopulationFiguresRequest{Filter: filter})
	require.NoError(t, err)
	return out
}

// violations returns the field violations of an InvalidArgument error, field -> description.
func violations(t *testing.T, err error) map[string]string {
	t.Helper()
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code(), st.Message())
	out := map[string]string{}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out[v.GetField()] = strings.TrimPrefix(out[v.GetField()]+"; "+v.GetDescription(), "; ")
			}
		}
	}
	require.NotEmpty(t, out, "InvalidArgument without field violations: %s", st.Message())
	return out
}

func share(count, total int64) *dashboardv1.Share {
	return &dashboardv1.Share{Count: count, Total: total}
}

func measure(t *testing.T, p *dashboardv1.GetPopulationFiguresResponse, pathway, code string) *dashboardv1.MeasureOutcome {
	t.Helper()
	for _, m := range p.GetMeasures() {
		if m.GetPathwayId() == pathway && m.GetCode() == code {
			return m
		}
	}
	require.Failf(t, "measure missing", "%s/%s", pathway, code)
	return nil
}

func patientOutcome(t *testing.T, p *dashboardv1.GetPopulationFiguresResponse, pathway, id string) *dashboardv1.PatientOutcome {
	t.Helper()
	for _, o := range p.GetPatientOutcomes() {
		if o.GetPathwayId() == pathway && o.GetId() == id {
			return o
		}
	}
	require.Failf(t, "patient outcome missing", "%s/%s", pathway, id)
	return nil
}
