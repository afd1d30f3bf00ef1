package server_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// service is a running dashboard with clients to its API: ingest as the journey worker (its
// client certificate, over mutual TLS), queries and the page as a coordinator (a bearer token:
// patient-level access, so the hand-computed figures are exact; the disclosure tests call as a
// board member, who gets the small-number rule).
type service struct {
	srv    *server.Server
	ca     *devca.Bundle
	ingest dashboardv1.DashboardIngestServiceClient
	query  dashboardv1.DashboardQueryServiceClient
	token  string       // the coordinator's access token (exact figures)
	board  string       // the board member's access token (the disclosure rule applies)
	web    *http.Client // trusts the test CA; no token of its own
}

// issuer mints access tokens: identitytest.Shared(), or the sign-in tests' provider.
type issuer interface {
	Config() identity.OIDC
	Token(t testing.TB, p identitytest.Person) string
}

// boardMember reads the figures under the disclosure rule.
var boardMember = identitytest.Person{Subject: "board-1", Name: "Margaret Hale", Roles: []string{access.Board}}

// coordinator reads the figures exactly (patient-level access).
var coordinator = identitytest.Person{Subject: "coord-1", Name: "Nicholas Higgins", Roles: []string{access.Coordinator}, Orgs: []string{"U12345"}}

// startService starts the dashboard as production runs it: TLS on both listeners with the
// certificate of a test CA (client certificates verified when given), tokens of the shared test
// issuer, the access table. mod may change the configuration (secure.Insecure() for a test of
// the development mode: the clients then call in plaintext).
func startService(t *testing.T, now time.Time, mod func(*server.Config)) *service {
	t.Helper()
	return startServiceWith(t, now, setup{}, mod)
}

// setup is what a test may choose: the issuer of the tokens (default identitytest.Shared()) and
// the CA of the certificates (default a new one for the dashboard, worker, finance and
// prometheus).
type setup struct {
	issuer issuer
	ca     *devca.Bundle
}

func startServiceWith(t *testing.T, now time.Time, o setup, mod func(*server.Config)) *service {
	t.Helper()
	if o.issuer == nil {
		o.issuer = identitytest.Shared()
	}
	if o.ca == nil {
		o.ca = devcatest.New(t, "dashboard", "worker", "finance", "prometheus")
	}
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.DBPath = testDB(t, filepath.Join(t.TempDir(), "dashboard.db"))
	cfg.Now = func() time.Time { return now }
	cfg.Security.TLS, cfg.Security.OIDC = o.ca.Settings("dashboard"), o.issuer.Config()
	if mod != nil {
		mod(&cfg)
	}
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	s := &service{srv: srv, ca: o.ca, token: o.issuer.Token(t, coordinator), board: o.issuer.Token(t, boardMember), web: &http.Client{}}
	plaintext := cfg.Security.TLS.Insecure
	if !plaintext {
		tr, err := o.ca.Client("").Transport()
		require.NoError(t, err)
		s.web.Transport = tr
	}
	s.ingest = dashboardv1.NewDashboardIngestServiceClient(s.dial(t, o.ca.Client("worker"), plaintext))
	s.query = dashboardv1.NewDashboardQueryServiceClient(s.dial(t, o.ca.Client(""), plaintext,
		grpc.WithPerRPCCredentials(identity.Bearer{Token: func(context.Context) (string, error) { return s.token, nil }, AllowInsecure: plaintext})))
	return s
}

// dial connects to the gRPC API as c says (its CA, and its certificate if any), or in plaintext.
func (s *service) dial(t *testing.T, c tlsconf.Client, plaintext bool, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	if plaintext {
		c = tlsconf.Client{Insecure: true}
	}
	creds, err := c.DialOption()
	require.NoError(t, err)
	conn, err := grpc.NewClient(s.srv.Addr(), append(opts, creds)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// get fetches a path of the web listener with the coordinator's token.
func (s *service) get(t *testing.T, path string) (int, string, http.Header) {
	t.Helper()
	return s.getAs(t, path, s.token)
}

// getAs fetches a path with the token ("" for none) as an API client does.
func (s *service) getAs(t *testing.T, path, token string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.srv.WebURL()+path, http.NoBody)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.web.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), resp.Header
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

// share is an exact share as a coordinator sees it, its percentage worked out.
func share(count, total int64) *dashboardv1.Share {
	s := &dashboardv1.Share{Count: count, Total: total}
	if total > 0 {
		s.Percent, s.HasPercent = 100*float64(count)/float64(total), true
	}
	return s
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
