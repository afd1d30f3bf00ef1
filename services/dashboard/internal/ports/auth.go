package ports

import (
	"maps"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/signin"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// SignInRoutes are the page's sign-in routes, open to anyone: a person signing in has no token
// yet, and sign-out is guarded by its CSRF token and the cross-origin check.
var SignInRoutes = []string{"GET " + signin.LoginPath, "GET " + signin.CallbackPath, "POST " + signin.LogoutPath}

// Policy is the dashboard's access table, access.DashboardPolicy, with a public row for each
// sign-in route the table does not list yet (the rows belong there; until they are, they are
// added here, and once they are, this adds nothing).
func Policy() identity.Policy {
	p := maps.Clone(access.DashboardPolicy)
	for _, k := range SignInRoutes {
		if _, ok := p[k]; !ok {
			p[k] = identity.Rule{Public: true}
		}
	}
	return p
}

// Guard is the interceptor of every gRPC method and HTTP route: tokens verified against the
// configured provider, the worker and prometheus services known by their client certificates,
// and Policy deciding. With -insecure and no issuer, every method and route admits callers
// without an identity, as the dashboard always has (a caller who sends x-actor is identified).
func Guard(sec secure.Config) (identity.Interceptor, error) {
	i, err := sec.Interceptor(Policy())
	if err != nil {
		return identity.Interceptor{}, err
	}
	if !sec.Authenticating() {
		i.Anonymous = func(string) bool { return true }
	}
	return i, nil
}
