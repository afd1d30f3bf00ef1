package identity_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

var coordinator = identitytest.Person{Subject: "sub-123", Name: "Cora Ordinator", Roles: []string{"Coordinator"},
	EOGs: []string{"msk-eog"}, Orgs: []string{"U90001"}}

func TestVerifierReadsTheClaims(t *testing.T) {
	iss := identitytest.New(t)
	p, err := iss.Verifier(t).Verify(t.Context(), iss.Token(t, coordinator))
	require.NoError(t, err)
	require.Equal(t, identity.Principal{Subject: "sub-123", Actor: "Cora Ordinator", Roles: []string{"coordinator"},
		EOGs: []string{"msk-eog"}, Orgs: []string{"U90001"}}, p)
}

func TestVerifierRefusesEveryFlaw(t *testing.T) {
	iss := identitytest.New(t)
	v := iss.Verifier(t)
	want := map[string]string{
		"expired": "expired", "wrong issuer": "another issuer", "wrong audience": "audience",
		"bad signature": "signature", "alg none": "accepted algorithm", "hmac": "accepted algorithm",
	}
	for name, flaw := range identitytest.Flaws {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(t.Context(), iss.Flawed(t, coordinator, flaw))
			var te *identity.TokenError
			require.ErrorAs(t, err, &te)
			require.Contains(t, te.Reason, want[name])
		})
	}
	_, err := v.Verify(t.Context(), "not-a-jwt")
	require.Error(t, err)
}

func TestVerifierFollowsKeyRotation(t *testing.T) {
	iss := identitytest.New(t)
	v := iss.Verifier(t)
	old := iss.Token(t, coordinator)
	_, err := v.Verify(t.Context(), old)
	require.NoError(t, err)
	iss.Rotate(t) // the verifier has cached the old key set; a new key ID makes it fetch again
	_, err = v.Verify(t.Context(), iss.Token(t, coordinator))
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), old)
	require.NoError(t, err)
}

func TestVerifierWaitsForItsProvider(t *testing.T) {
	iss := identitytest.New(t)
	cfg := iss.Config()
	cfg.Issuer = "https://127.0.0.1:1" // nobody there yet
	v, err := identity.NewVerifier(cfg)
	require.NoError(t, err, "a service starts before its provider answers")
	_, err = v.Verify(t.Context(), iss.Token(t, coordinator))
	var pe *identity.ProviderError
	require.ErrorAs(t, err, &pe)
}

func TestClaimMapping(t *testing.T) {
	// Keycloak puts realm roles under realm_access.roles; an organisation may prefix its roles.
	claims := identity.Claims{Roles: "realm_access.roles", RolePrefix: "pathways-", Orgs: "org.ods", Name: "preferred_username"}
	p, err := identity.MapClaims(claims, map[string]any{
		"sub": "k-1", "preferred_username": "kim", "realm_access": map[string]any{"roles": []any{"offline_access", "Pathways-Publisher"}},
		"org": map[string]any{"ods": "U90001 U90002"},
	})
	require.NoError(t, err)
	require.Equal(t, identity.Principal{Subject: "k-1", Actor: "kim", Roles: []string{"publisher"}, Orgs: []string{"U90001", "U90002"}}, p)
	_, err = identity.MapClaims(identity.Claims{}, map[string]any{"name": "no subject"})
	require.ErrorContains(t, err, `"sub"`)
}

func TestOIDCConfigNamesTheFlags(t *testing.T) {
	err := identity.OIDC{}.Check()
	require.ErrorContains(t, err, "oidc-issuer")
	require.ErrorContains(t, err, "oidc-audience")
	require.ErrorContains(t, identity.OIDC{Issuer: "http://idp.example", Audience: "a"}.Check(), "https://")
}

var policy = identity.Policy{
	"/pathways.example.v1.ExampleService/Do":     {Roles: []string{"coordinator"}, Scope: identity.ScopeOwnOrgs},
	"/pathways.example.v1.ExampleService/Ingest": {Services: []string{"worker"}},
	"/pathways.example.v1.ExampleService/Hello":  {Public: true},
	"GET /report.csv":                            {Roles: []string{"board"}},
}

func TestTokenInterceptor(t *testing.T) {
	iss := identitytest.New(t)
	good := iss.Token(t, coordinator)
	icp := identity.Interceptor{Verifier: iss.Verifier(t), Policy: policy,
		Services: func(ctx context.Context) (string, bool) {
			md, _ := metadata.FromIncomingContext(ctx)
			if v := md.Get("test-cert"); len(v) > 0 { // stands in for the TLS peer certificate
				return v[0], true
			}
			return "", false
		}}
	call := func(method string, md metadata.MD) (identity.Principal, error) {
		var got identity.Principal
		ctx := metadata.NewIncomingContext(t.Context(), md)
		_, err := icp.Unary(ctx, nil, &grpc.UnaryServerInfo{FullMethod: method}, func(ctx context.Context, _ any) (any, error) {
			got, _ = identity.FromContext(ctx)
			return nil, nil
		})
		return got, err
	}
	do, ingest := "/pathways.example.v1.ExampleService/Do", "/pathways.example.v1.ExampleService/Ingest"
	cases := []struct {
		name   string
		method string
		md     metadata.MD
		code   codes.Code
	}{
		{"no token", do, nil, codes.Unauthenticated},
		{"headers are not identity", do, metadata.Pairs("x-actor", "eve", "x-roles", "coordinator"), codes.Unauthenticated},
		{"good token", do, metadata.Pairs("authorization", "Bearer "+good), codes.OK},
		{"not bearer", do, metadata.Pairs("authorization", "Basic "+good), codes.Unauthenticated},
		{"expired", do, metadata.Pairs("authorization", "Bearer "+iss.Flawed(t, coordinator, identitytest.Expired)), codes.Unauthenticated},
		{"alg none", do, metadata.Pairs("authorization", "Bearer "+iss.Flawed(t, coordinator, identitytest.AlgNone)), codes.Unauthenticated},
		{"wrong role", do, metadata.Pairs("authorization", "Bearer "+iss.Token(t, identitytest.Person{Subject: "b", Roles: []string{"board"}})), codes.PermissionDenied},
		{"a person may not ingest", ingest, metadata.Pairs("authorization", "Bearer "+good), codes.PermissionDenied},
		{"the worker's certificate ingests", ingest, metadata.Pairs("test-cert", "worker"), codes.OK},
		{"another service may not", ingest, metadata.Pairs("test-cert", "dashboard"), codes.PermissionDenied},
		{"a service is not a coordinator", do, metadata.Pairs("test-cert", "worker"), codes.PermissionDenied},
		{"public", "/pathways.example.v1.ExampleService/Hello", nil, codes.OK},
		{"public with a stale token", "/pathways.example.v1.ExampleService/Hello", metadata.Pairs("authorization", "Bearer "+iss.Flawed(t, coordinator, identitytest.Expired)), codes.OK},
		{"not in the table", "/pathways.example.v1.ExampleService/New", metadata.Pairs("authorization", "Bearer "+good), codes.PermissionDenied},
		{"health", "/grpc.health.v1.Health/Check", nil, codes.OK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := call(c.method, c.md)
			require.Equal(t, c.code, status.Code(err), "%v", err)
			if c.name == "good token" {
				require.Equal(t, "sub-123", p.Subject)
				require.Equal(t, []string{"U90001"}, p.Orgs)
			}
		})
	}
}

func TestPolicyMissingAndMarkdown(t *testing.T) {
	sd := grpc.ServiceDesc{ServiceName: "pathways.example.v1.ExampleService",
		Methods: []grpc.MethodDesc{{MethodName: "Do"}, {MethodName: "Forgotten"}}, Streams: []grpc.StreamDesc{{StreamName: "Ingest"}}}
	require.Equal(t, []string{"/pathways.example.v1.ExampleService/Forgotten"}, policy.Missing(sd))
	md := policy.Markdown([]string{"coordinator", "board"})
	require.Contains(t, md, "| `/pathways.example.v1.ExampleService/Do` | own PCNs |  |  |")
	require.Contains(t, md, "| `/pathways.example.v1.ExampleService/Ingest` |  |  | worker |")
}

func TestHTTPHandle(t *testing.T) {
	iss := identitytest.New(t)
	icp := identity.Interceptor{Verifier: iss.Verifier(t), Policy: policy}
	var seen identity.Principal
	h := icp.Handle("GET /report.csv", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		seen, _ = identity.FromContext(r.Context())
	}), identity.TokenFrom(func(r *http.Request) string {
		if c, err := r.Cookie("session"); err == nil {
			return c.Value
		}
		return ""
	}))
	get := func(set func(*http.Request)) *httptest.ResponseRecorder {
		r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/report.csv", nil)
		set(r)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	board := identitytest.Person{Subject: "b-1", Name: "Bo Ard", Roles: []string{"board"}}
	w := get(func(*http.Request) {})
	require.Equal(t, http.StatusUnauthorized, w.Code)
	require.Contains(t, w.Header().Get("WWW-Authenticate"), "Bearer")
	w = get(func(r *http.Request) { r.Header.Set("X-Actor", "eve"); r.Header.Set("X-Roles", "board") })
	require.Equal(t, http.StatusUnauthorized, w.Code)
	w = get(func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+iss.Token(t, coordinator)) })
	require.Equal(t, http.StatusForbidden, w.Code)
	w = get(func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+iss.Token(t, board)) })
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "b-1", seen.Subject)
	w = get(func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: "session", Value: iss.Token(t, board), Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	})
	require.Equal(t, http.StatusOK, w.Code)
}
