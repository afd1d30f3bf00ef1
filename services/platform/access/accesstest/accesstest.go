// Package accesstest checks a running service against its access table: every RPC and HTTP
// route of the table, called by every kind of caller (nobody, each flawed token, a token for
// each role, each service's certificate), must answer as the table says, and an RPC or route
// without a row fails the test. It is for service tests, which start their server secure (the
// shared test issuer's tokens, a devcatest CA's certificates), build their callers and call
// Check and CheckHTTP:
//
//	ca := devcatest.New(t, "finance", "worker", "dashboard")
//	cfg.Security = secure.Config{TLS: ca.Settings("finance"), OIDC: identitytest.Shared().Config()}
//	... start the server, dial it over TLS trusting ca.CAFile, without a certificate ...
//	callers := accesstest.Everyone(t, identitytest.Shared(), ca, srv.Addr(), "worker", "dashboard")
//	accesstest.Check(t, conn, access.FinancePolicy, services, callers)
//	accesstest.RequireRoutes(t, access.FinancePolicy, web.Routes)
//	accesstest.CheckHTTP(t, httpClient, "https://"+srv.HTTPAddr(), access.FinancePolicy, callers)
//
// The answer expected is worked out here from the Rule alone (not by identity.Policy.Decide, so
// a fault there shows): a public row admits anyone; otherwise a caller the server cannot identify
// gets Unauthenticated (HTTP 401); an identified one is admitted when the row names its service
// (a certificate) or one of its roles (a token), else PermissionDenied (HTTP 403). Any other
// answer counts as admitted: the handler ran and refused the empty request itself.
package accesstest

import (
	"slices"

	"google.golang.org/grpc/codes"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// want is the answer the table's rule gives the caller: codes.OK (admitted), Unauthenticated or
// PermissionDenied.
func want(r identity.Rule, as *identity.Principal) codes.Code {
	switch {
	case r.Public:
		return codes.OK
	case as == nil:
		return codes.Unauthenticated
	case as.Service != "" && slices.Contains(r.Services, as.Service):
		return codes.OK
	case as.Service == "" && slices.ContainsFunc(as.Roles, func(role string) bool { return slices.Contains(r.Roles, role) }):
		return codes.OK
	}
	return codes.PermissionDenied
}

// outcome folds an answer into what the table decides: Unauthenticated, PermissionDenied, or OK
// for anything else (the call reached its handler).
func outcome(c codes.Code) codes.Code {
	if c == codes.Unauthenticated || c == codes.PermissionDenied {
		return c
	}
	return codes.OK
}

func describe(c codes.Code) string {
	if c == codes.OK {
		return "admitted"
	}
	return c.String()
}
