package accesstest

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// CheckHTTP requests every HTTP route of policy (its keys that are http.ServeMux patterns,
// "GET /export.csv") under baseURL ("https://127.0.0.1:8443"), with client or each caller's
// own, as each caller, and fails the test for every answer other than the table's: 401 is
// Unauthenticated, 403 PermissionDenied, any other status admitted (a 404 too, so a row whose
// route is not served fails for the callers it refuses). A wildcard of the pattern is requested
// as "x", "{$}" as nothing.
func CheckHTTP(t *testing.T, client *http.Client, baseURL string, policy identity.Policy, callers []Caller) {
	t.Helper()
	base := strings.TrimSuffix(baseURL, "/")
	for _, key := range policy.Keys() {
		if isRPC(key) {
			continue // a gRPC method: Check
		}
		method, path := route(key)
		t.Run(key, func(t *testing.T) {
			for _, c := range callers {
				code := get(t, pick(c.HTTP, client), method, base+path, c.Token)
				if got, w := outcome(answer(code)), want(policy[key], c.As); got != w {
					t.Errorf("%s requested by %s: %s (HTTP %d), the table says %s", key, c.Name, describe(got), code, describe(w))
				}
			}
		})
	}
}

// RequireRoutes fails the test for each route a server serves (its http.ServeMux patterns)
// that has no row in policy: nobody could call it, and the table would not say so.
func RequireRoutes(t testing.TB, policy identity.Policy, routes []string) {
	t.Helper()
	for _, r := range routes {
		if _, ok := policy[r]; !ok {
			t.Errorf("the route %q has no row in the access table (rows are keyed by the route's pattern)", r)
		}
	}
}

var rpcName = regexp.MustCompile(`^/[A-Za-z_][\w.]*\.[A-Za-z_]\w*/[A-Za-z_]\w*$`)

// isRPC reports whether a key is a gRPC full method name ("/pkg.Service/Method").
func isRPC(key string) bool { return rpcName.MatchString(key) }

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// route turns a ServeMux pattern ("GET /static/", "/x/{id}", "GET /{$}") into a method and a
// path to request.
func route(pattern string) (method, path string) {
	method, path = http.MethodGet, pattern
	if m, p, ok := strings.Cut(pattern, " "); ok {
		method, path = m, strings.TrimSpace(p)
	}
	if i := strings.Index(path, "/"); i > 0 {
		path = path[i:] // a host in the pattern: requested on baseURL's host
	}
	path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
		if w == "{$}" {
			return ""
		}
		return "x"
	})
	return method, path
}

// answer is the code an HTTP status stands for: Unauthenticated (401), PermissionDenied (403)
// or OK (anything else).
func answer(status int) codes.Code {
	switch status {
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	}
	return codes.OK
}

// get makes one request and returns its status.
func get(t *testing.T, client *http.Client, method, url, token string) int {
	req, err := http.NewRequestWithContext(t.Context(), method, url, http.NoBody)
	if err != nil {
		t.Fatalf("accesstest: %s %s: %v", method, url, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("accesstest: %s %s: %v", method, url, err)
	}
	_ = resp.Body.Close() // unread: a streaming route's body may never end
	return resp.StatusCode
}
