package accesstest

import (
	"net/http"
	"slices"
	"sort"
	"testing"

	"google.golang.org/grpc"

	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// Caller is one way of calling a service: with or without a bearer token, over a connection
// with or without a client certificate, and whom the server must identify from that.
type Caller struct {
	// Name says who this is in failure messages ("finance-reader", "expired token").
	Name string
	// Token is sent as "authorization: Bearer <Token>" (gRPC metadata or HTTP header) when not
	// empty.
	Token string
	// Conn is the gRPC connection the caller uses (presenting its certificate); nil: Check's.
	Conn *grpc.ClientConn
	// HTTP is the HTTP client the caller uses (presenting its certificate); nil: CheckHTTP's.
	HTTP *http.Client
	// As is whom the server must identify: a person with roles (a good token) or a service (a
	// certificate, no token). Nil: nobody (no token and no certificate, or a token that must not
	// verify, whatever certificate comes with it).
	As *identity.Principal
}

// Nobody is a caller with no token and no certificate.
func Nobody() Caller { return Caller{Name: "no token"} }

// Person is a caller with a good token of issuer for p.
func Person(t testing.TB, issuer *identitytest.Issuer, name string, p identitytest.Person) Caller {
	t.Helper()
	return Caller{Name: name, Token: issuer.Token(t, p),
		As: &identity.Principal{Subject: p.Subject, Actor: p.Name, Roles: p.Roles, EOGs: p.EOGs, Orgs: p.Orgs}}
}

// People is a caller for each role, with a good token of issuer for a person holding that role
// only (named by the role), and one for a person holding no role ("no role").
func People(t testing.TB, issuer *identitytest.Issuer, roles []string) []Caller {
	t.Helper()
	out := make([]Caller, 0, len(roles)+1)
	for _, role := range roles {
		out = append(out, Person(t, issuer, role, identitytest.Person{Subject: "accesstest-" + role, Name: "accesstest " + role, Roles: []string{role}}))
	}
	return append(out, Person(t, issuer, "no role", identitytest.Person{Subject: "accesstest-no-role", Name: "accesstest no role"}))
}

// Unverified is Nobody and a caller for each flaw of identitytest.Flaws (expired, wrong issuer,
// wrong audience, bad signature, alg none, HMAC), each token for a person holding every role in
// roles, so that only the flaw can refuse it: the server must identify none of them.
func Unverified(t testing.TB, issuer *identitytest.Issuer, roles []string) []Caller {
	t.Helper()
	p := identitytest.Person{Subject: "accesstest-flawed", Name: "accesstest flawed", Roles: roles}
	names := make([]string, 0, len(identitytest.Flaws))
	for name := range identitytest.Flaws {
		names = append(names, name)
	}
	sort.Strings(names)
	out := []Caller{Nobody()}
	for _, name := range names {
		out = append(out, Caller{Name: name + " token", Token: issuer.Flawed(t, p, identitytest.Flaws[name])})
	}
	return out
}

// Service is the caller presenting the certificate of the service name from bundle, without a
// token: over its own gRPC connection to grpcAddr (none when empty) and its own HTTP client,
// both trusting bundle's CA. Both close when the test ends.
func Service(t testing.TB, bundle *devca.Bundle, name, grpcAddr string) Caller {
	t.Helper()
	c := Caller{Name: name + " certificate", As: &identity.Principal{Service: name}}
	tlsc := bundle.Client(name)
	tr, err := tlsc.Transport()
	if err != nil {
		t.Fatalf("accesstest: %s's HTTP transport: %v", name, err)
	}
	t.Cleanup(tr.CloseIdleConnections)
	c.HTTP = &http.Client{Transport: tr}
	if grpcAddr == "" {
		return c
	}
	dial, err := tlsc.DialOption()
	if err != nil {
		t.Fatalf("accesstest: %s's gRPC credentials: %v", name, err)
	}
	if c.Conn, err = grpc.NewClient(grpcAddr, dial); err != nil {
		t.Fatalf("accesstest: %s's connection: %v", name, err)
	}
	t.Cleanup(func() { _ = c.Conn.Close() })
	return c
}

// Everyone is Unverified and People for every role of access.Roles, and Service for each of
// services (their certificates from bundle, connected to grpcAddr).
func Everyone(t testing.TB, issuer *identitytest.Issuer, bundle *devca.Bundle, grpcAddr string, services ...string) []Caller {
	t.Helper()
	out := slices.Concat(Unverified(t, issuer, access.Roles), People(t, issuer, access.Roles))
	for _, name := range services {
		out = append(out, Service(t, bundle, name, grpcAddr))
	}
	return out
}
