package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/access/accesstest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// coordinatorServices are the gRPC services the coordinator serves.
var coordinatorServices = []grpc.ServiceDesc{coordinatorv1.CoordinatorService_ServiceDesc, coordinatorv1.AccessAuditService_ServiceDesc,
	coordinatorv1.PatientDataService_ServiceDesc}

// otherPCN is a coordinator of a PCN no journey of these tests belongs to.
var otherPCN = identitytest.Person{Subject: "accesstest-coordinator-u99999", Name: "coordinator of U99999",
	Roles: []string{access.Coordinator}, Orgs: []string{"U99999"}}

// TestAccessEveryRPCAndRouteAnswersAsTheTableSays calls every RPC of CoordinatorService and
// AccessAuditService, every REST route of the gateway and the OpenAPI documents as nobody, with
// each flawed token, with a token for each role, as a coordinator of another PCN and with the
// certificates of the coordinator itself, the worker, the dashboard and finance; each answer
// must be what access.CoordinatorPolicy says (a REST route answers as the RPC it calls). An
// RPC without a row fails it, as does a REST route calling one.
func TestAccessEveryRPCAndRouteAnswersAsTheTableSays(t *testing.T) {
	c := startCoordinator(t, journeys{})
	issuer := identitytest.Shared()
	callers := accesstest.Everyone(t, issuer, c.ca, c.srv.Addr(), callerServices...)
	callers = append(callers, accesstest.Person(t, issuer, "coordinator of another PCN", otherPCN))
	worker := accesstest.Service(t, c.ca, access.WorkerService, c.srv.Addr())
	worker.Name, worker.As = "worker certificate with an expired token", nil // a token that fails is refused, whatever the certificate
	worker.Token = issuer.Flawed(t, identitytest.Person{Subject: "mallory", Roles: access.Roles, Orgs: []string{"U12345"}}, identitytest.Expired)
	callers = append(callers, worker)

	accesstest.Check(t, c.conn, access.CoordinatorPolicy, coordinatorServices, callers)
	gateway, scrape := split(access.CoordinatorPolicy, "GET /metrics")
	accesstest.CheckHTTP(t, c.web, c.base, gateway, callers)
	callers = append(callers, accesstest.Service(t, c.ca, access.PrometheusService, c.srv.Addr()))
	accesstest.CheckHTTP(t, c.web, c.metrics, scrape, callers)
	accesstest.CheckHTTP(t, c.web, c.base, restRoutes(t, access.CoordinatorPolicy), restCallers(callers))
}

// restCallers are callers as the REST gateway knows them: it acts for people, forwarding their
// tokens to the gRPC server over its own connection, so a certificate without a token is nobody
// there (Unauthenticated, HTTP 401) rather than a service the table does not name.
func restCallers(callers []accesstest.Caller) []accesstest.Caller {
	out := make([]accesstest.Caller, 0, len(callers))
	for _, c := range callers {
		if c.As != nil && c.As.Service != "" {
			c.Name, c.As = c.Name+" (REST: certificates are not forwarded)", nil
		}
		out = append(out, c)
	}
	return out
}

// TestAccessCoordinatorOfAnotherPCNSeesNoJourney: the table admits a coordinator of any PCN to
// GetJourney; the handler then hides a journey of another PCN behind the answer for a journey
// that does not exist (NotFound, the same message), never PermissionDenied, which would tell
// them it exists. A coordinator of the journey's own PCN reads it.
func TestAccessCoordinatorOfAnotherPCNSeesNoJourney(t *testing.T) {
	const known, missing = "ref-access-known", "ref-access-missing"
	c := startCoordinator(t, journeys{pcn: map[string]string{known: "U12345"}})
	client := coordinatorv1.NewCoordinatorServiceClient(c.conn)
	other := bearer(t, otherPCN)

	_, err := client.GetJourney(other, &coordinatorv1.GetJourneyRequest{JourneyId: known})
	hidden := status.Convert(err)
	require.Equal(t, codes.NotFound, hidden.Code(), hidden.Message())
	_, err = client.GetJourney(other, &coordinatorv1.GetJourneyRequest{JourneyId: missing})
	absent := status.Convert(err)
	require.Equal(t, codes.NotFound, absent.Code(), absent.Message())
	require.Equal(t, strings.ReplaceAll(absent.Message(), missing, known), hidden.Message(),
		"another PCN's journey must read as one that does not exist")

	own := bearer(t, identitytest.Person{Subject: "accesstest-coordinator-u12345", Name: "coordinator of U12345",
		Roles: []string{access.Coordinator}, Orgs: []string{"U12345"}})
	res, err := client.GetJourney(own, &coordinatorv1.GetJourneyRequest{JourneyId: known})
	require.NoError(t, err, "the journey exists for a coordinator of its PCN")
	require.Equal(t, "U12345", res.GetJourney().GetPcnOdsCode())
}

// bearer is a context calling with a token of the shared issuer for p.
func bearer(t *testing.T, p identitytest.Person) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+identitytest.Shared().Token(t, p))
}

// split separates the rows served on another listener (keys) from the rest.
func split(policy identity.Policy, keys ...string) (rest, those identity.Policy) {
	rest, those = identity.Policy{}, identity.Policy{}
	for k, r := range policy {
		if slices.Contains(keys, k) {
			those[k] = r
		} else {
			rest[k] = r
		}
	}
	return rest, those
}
