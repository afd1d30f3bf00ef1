package identity

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Scope says how far an allowed caller reaches. The interceptor admits or refuses the call; the
// handler narrows what it returns to the scope (it alone knows which organisation a record
// belongs to).
type Scope string

// The scopes.
const (
	// ScopeAll: everything the method serves.
	ScopeAll Scope = ""
	// ScopeOwnOrgs: only records of the organisations (PCN ODS codes) in the caller's token;
	// another organisation's record answers NotFound, never confirming it exists.
	ScopeOwnOrgs Scope = "own PCNs"
)

// Rule says who may call one RPC or HTTP route.
type Rule struct {
	Public   bool     // anyone, no identity needed (health, reflection, sign-in pages)
	Roles    []string // people holding any of these roles (from their access token)
	Services []string // services by the name in their client certificate (mutual TLS)
	Scope    Scope    // how far a person's access reaches
}

// Allows reports whether p may make the call the rule guards.
func (r Rule) Allows(p Principal) bool {
	if r.Public {
		return true
	}
	if p.Service != "" {
		return slices.Contains(r.Services, p.Service)
	}
	return slices.ContainsFunc(r.Roles, p.Has)
}

// who describes the rule for error messages and the access table.
func (r Rule) who() string {
	var parts []string
	if len(r.Roles) > 0 {
		parts = append(parts, `the "`+strings.Join(r.Roles, `" or "`)+`" role`)
	}
	if len(r.Services) > 0 {
		parts = append(parts, "the "+strings.Join(r.Services, " or ")+" service")
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return strings.Join(parts, " or ")
}

// Policy is one service's access table: a Rule per full gRPC method ("/pkg.Service/Method")
// or HTTP route ("GET /path", as http.ServeMux patterns are written). Nothing absent from it is
// allowed.
type Policy map[string]Rule

// Decide returns nil when the caller may make the call, else a gRPC status: Unauthenticated
// when there is no caller and the rule wants one, PermissionDenied naming what is needed.
func (pol Policy) Decide(p Principal, identified bool, key string) error {
	r, ok := pol[key]
	if !ok {
		return status.Errorf(codes.PermissionDenied, "%s is not in the access table: nobody may call it", key)
	}
	if r.Public {
		return nil
	}
	if !identified {
		return status.Errorf(codes.Unauthenticated, "%s needs a bearer access token", key)
	}
	if !r.Allows(p) {
		return status.Errorf(codes.PermissionDenied, "%s may not call %s: it needs %s", p.Actor, key, r.who())
	}
	return nil
}

// Missing lists the methods of the given services that have no rule: a new RPC without a row
// fails the test that calls it.
func (pol Policy) Missing(services ...grpc.ServiceDesc) []string {
	var out []string
	for _, sd := range services {
		for _, m := range sd.Methods {
			if k := "/" + sd.ServiceName + "/" + m.MethodName; !hasKey(pol, k) {
				out = append(out, k)
			}
		}
		for _, m := range sd.Streams {
			if k := "/" + sd.ServiceName + "/" + m.StreamName; !hasKey(pol, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

func hasKey(pol Policy, k string) bool { _, ok := pol[k]; return ok }

// Keys returns the policy's methods and routes, sorted.
func (pol Policy) Keys() []string {
	keys := make([]string, 0, len(pol))
	for k := range pol {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Markdown renders the policy as a table: one row per method or route, one column per role
// (and one for services), "yes", "own PCNs" or blank.
func (pol Policy) Markdown(roles []string) string {
	var b strings.Builder
	b.WriteString("| Method or route |")
	for _, r := range roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString(" services |\n|---|")
	for range roles {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, k := range pol.Keys() {
		r := pol[k]
		fmt.Fprintf(&b, "| `%s` |", k)
		for _, role := range roles {
			cell := ""
			switch {
			case r.Public:
				cell = "anyone"
			case slices.Contains(r.Roles, role) && r.Scope != ScopeAll:
				cell = string(r.Scope)
			case slices.Contains(r.Roles, role):
				cell = "yes"
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		fmt.Fprintf(&b, " %s |\n", strings.Join(r.Services, ", "))
	}
	return b.String()
}
