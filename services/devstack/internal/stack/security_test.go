package stack_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/devoidc"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
)

// requireSecurity checks, on the stack with the demo loaded, what its users rely on: no call
// without a verified token, coordinators confined to their own PCNs, finance's ingest only from
// the journey worker's certificate, the dashboard page behind the provider's sign-in.
func requireSecurity(t *testing.T, s *stack.Stack, c clients, loaded []demo.Loaded) {
	t.Helper()
	ofU90001, ofU90002 := journeyOfPCN(t, loaded, devoidc.PCN1), journeyOfPCN(t, loaded, devoidc.PCN2)

	t.Run("a call without a verified token is Unauthenticated", func(t *testing.T) {
		_, err := c.coordinator.GetJourney(t.Context(), &coordinatorv1.GetJourneyRequest{JourneyId: ofU90001})
		require.Equal(t, codes.Unauthenticated, status.Code(err), "coordinator without a token: %v", err)
		_, err = c.governance.GetVersionInEffect(t.Context(), &governancev1.GetVersionInEffectRequest{PathwayId: "msk"})
		require.Equal(t, codes.Unauthenticated, status.Code(err), "governance without a token: %v", err)
		_, err = c.finance.GetBudgetPosition(t.Context(), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
		require.Equal(t, codes.Unauthenticated, status.Code(err), "finance without a token: %v", err)

		// coord-u90001's signature over coord-u90002's claims: a token someone edited.
		own, other := strings.Split(token(t, s, coordU90001), "."), strings.Split(token(t, s, coordU90002), ".")
		forged := own[0] + "." + other[1] + "." + own[2]
		_, err = c.coordinator.GetJourney(withToken(t, forged), &coordinatorv1.GetJourneyRequest{JourneyId: ofU90002})
		require.Equal(t, codes.Unauthenticated, status.Code(err), "a token whose claims were changed: %v", err)

		hc := httpsClient(t, s)
		rest := "https://" + s.CoordinatorHTTPAddr + "/v1/journeys/" + ofU90001
		code, body := get(t, hc, rest)
		require.Equal(t, http.StatusUnauthorized, code, "REST without a token: %s", body)
		code, body = getWithToken(t, hc, rest, token(t, s, coordU90001))
		require.Equal(t, http.StatusOK, code, "REST with the coordinator's token: %s", body)
	})

	t.Run("a coordinator sees only journeys of their own PCNs", func(t *testing.T) {
		_, err := c.coordinator.GetJourney(c.as(t, coordU90002), &coordinatorv1.GetJourneyRequest{JourneyId: ofU90001})
		require.Equal(t, codes.NotFound, status.Code(err), "U90002's coordinator reading a U90001 journey: %v", err)
		_, err = c.coordinator.GetJourney(c.as(t, coordU90001), &coordinatorv1.GetJourneyRequest{JourneyId: ofU90002})
		require.Equal(t, codes.NotFound, status.Code(err), "U90001's coordinator reading a U90002 journey: %v", err)
		_, err = c.coordinator.ListWorklist(c.as(t, coordU90002), &coordinatorv1.ListWorklistRequest{
			Worklist: coordinatorv1.Worklist_WORKLIST_AWAITING_TRIAGE, PcnOdsCode: devoidc.PCN1})
		require.Equal(t, codes.PermissionDenied, status.Code(err), "U90002's coordinator asking for U90001's worklist: %v", err)
		_, err = c.coordinator.GetJourney(c.as(t, financeReader), &coordinatorv1.GetJourneyRequest{JourneyId: ofU90001})
		require.Equal(t, codes.PermissionDenied, status.Code(err), "a finance reader reading a journey: %v", err)

		own, err := c.coordinator.GetJourney(c.as(t, coordU90002), &coordinatorv1.GetJourneyRequest{JourneyId: ofU90002})
		require.NoError(t, err, "U90002's coordinator reading a U90002 journey")
		require.Equal(t, ofU90002, own.GetJourney().GetJourneyId())
	})

	t.Run("finance takes ingest only from the worker's certificate", func(t *testing.T) {
		activity := &financev1.RecordActivityRequest{} // the access check answers before the request is read
		asPerson := financev1.NewFinanceIngestServiceClient(dial(t, s, s.FinanceAddr))
		_, err := asPerson.RecordActivity(c.as(t, financeAdmin), activity)
		require.Equal(t, codes.PermissionDenied, status.Code(err), "a finance administrator's token, no certificate: %v", err)
		asDashboard := financev1.NewFinanceIngestServiceClient(dialWith(t, s.FinanceAddr, tlsClient(s, "dashboard")))
		_, err = asDashboard.RecordActivity(t.Context(), activity)
		require.Equal(t, codes.PermissionDenied, status.Code(err), "the dashboard's certificate: %v", err)

		asWorker := financev1.NewFinanceIngestServiceClient(dialWith(t, s.FinanceAddr, tlsClient(s, "worker")))
		_, err = asWorker.RecordActivity(t.Context(), activity)
		require.Equal(t, codes.InvalidArgument, status.Code(err), "the worker's certificate passes, and the empty request is then refused: %v", err)
	})

	t.Run("the dashboard page signs people in at the provider", func(t *testing.T) {
		at, body := signIn(t, s, s.DashboardURL()+"/", board)
		require.Equal(t, s.DashboardURL()+"/", at.String())
		require.Contains(t, body, `data-user="`+nameOf(t, s, board)+`"`, "the page names who signed in")
	})
}

// journeyOfPCN is a loaded demo journey of the PCN.
func journeyOfPCN(t *testing.T, loaded []demo.Loaded, pcn string) string {
	t.Helper()
	i := slices.IndexFunc(loaded, func(l demo.Loaded) bool { return l.Patient.PCN == pcn })
	require.GreaterOrEqual(t, i, 0, "the demo has a journey of %s", pcn)
	return loaded[i].JourneyID
}

func nameOf(t *testing.T, s *stack.Stack, username string) string {
	t.Helper()
	people := s.Provider().People()
	i := slices.IndexFunc(people, func(p devoidc.Person) bool { return p.Username == username })
	require.GreaterOrEqual(t, i, 0, username)
	return people[i].Name
}

// getWithToken is a GET with the bearer token (none for ""): the status and body.
func getWithToken(t *testing.T, hc *http.Client, url, tok string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// signIn is a browser opening start: it follows the redirects to the provider's sign-in page,
// signs in there as the demo person, follows the redirects back, and returns where it ended
// (answered 200) and the page.
func signIn(t *testing.T, s *stack.Stack, start, person string) (*url.URL, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := httpsClient(t, s)
	browser.Jar = jar
	code, login, _ := browse(t, browser, http.MethodGet, start, nil)
	require.Equal(t, http.StatusOK, code, "%s ends at %s", start, login)
	require.Equal(t, s.Issuer()+"/login", login.Scheme+"://"+login.Host+login.Path, "%s leads to the provider's sign-in page", start)
	id := login.Query().Get("authRequestID")
	require.NotEmpty(t, id, login.String())

	form := url.Values{"authRequestID": {id}, "username": {person}, "password": {devoidc.DemoPassword}}
	code, at, page := browse(t, browser, http.MethodPost, s.Issuer()+"/login", form)
	require.Equal(t, http.StatusOK, code, "signing in as %s ends at %s: %s", person, at, page)
	return at, page
}

// browse sends the request as a browser does (asking for HTML; a form when form is not nil),
// following redirects, and returns the last answer's status, URL and body.
func browse(t *testing.T, hc *http.Client, method, target string, form url.Values) (int, *url.URL, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Request.URL, string(b)
}

// eventStorePassword is the password of the services' event store user.
func eventStorePassword(t *testing.T, s *stack.Stack) string {
	t.Helper()
	u, err := url.Parse(s.EventStoreURL)
	require.NoError(t, err)
	pw, ok := u.User.Password()
	require.True(t, ok, "the event store URL carries the services' credentials")
	return pw
}

// withoutCredentials is the connection string without its user and password.
func withoutCredentials(t *testing.T, connection string) string {
	t.Helper()
	u, err := url.Parse(connection)
	require.NoError(t, err)
	u.User = nil
	return u.String()
}

// withPassword is the connection string with its user's password replaced.
func withPassword(t *testing.T, connection, password string) string {
	t.Helper()
	u, err := url.Parse(connection)
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), password)
	return u.String()
}

// requireRefusedAppend checks an append over connection fails and wrote nothing (read back
// through the services' journal j).
func requireRefusedAppend(t *testing.T, j *events.Journal, connection, who string) {
	t.Helper()
	stream := "devstack-check-" + uuid.NewString()
	other, err := events.Open(t.Context(), connection)
	if err == nil {
		defer func() { _ = other.Close() }()
		_, err = other.Append(t.Context(), stream, events.NoStream(), events.Event{ID: uuid.New(), Payload: &journeyv1.TriageBreached{JourneyId: "check"}})
	}
	require.Error(t, err, "the event store takes an append from %s", who)
	t.Logf("%s append refused: %v", who, err)
	_, err = j.ReadStream(t.Context(), stream)
	require.ErrorIs(t, err, events.ErrStreamNotFound, "nothing was written for %s", who)
}
