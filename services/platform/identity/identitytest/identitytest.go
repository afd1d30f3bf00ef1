// Package identitytest is an OpenID Connect issuer for tests: it serves discovery and JWKS over
// TLS from an httptest server and signs access tokens for any person, well-formed or broken in
// each way a verifier must refuse (expired, another issuer, another audience, a bad signature,
// alg none, HMAC). Production and the devstack use a real provider; this is for unit and
// service tests only.
package identitytest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Audience is the audience the issuer's good tokens carry and its verifier expects.
const Audience = "pathways"

// Person is whom a token speaks for.
type Person struct {
	Subject string
	Name    string
	Roles   []string
	EOGs    []string
	Orgs    []string
}

// Flaw is a way a token can be wrong.
type Flaw int

// The flaws a verifier must refuse.
const (
	Good Flaw = iota
	Expired
	WrongIssuer
	WrongAudience
	BadSignature
	AlgNone
	HMAC
)

// Flaws lists every flaw but Good, with a name for test cases.
var Flaws = map[string]Flaw{
	"expired": Expired, "wrong issuer": WrongIssuer, "wrong audience": WrongAudience,
	"bad signature": BadSignature, "alg none": AlgNone, "hmac": HMAC,
}

// Issuer is a running test issuer.
type Issuer struct {
	srv *httptest.Server

	mu   sync.Mutex
	keys []*rsa.PrivateKey // the last signs; all are published
}

// New starts an issuer; it stops when the test ends.
func New(t testing.TB) *Issuer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	i := start(k)
	t.Cleanup(i.srv.Close)
	return i
}

var (
	sharedOnce sync.Once
	shared     *Issuer
)

// Shared returns one issuer for the whole test binary, started at first use and stopped when
// the process exits: for test helpers that mint tokens for many tests' servers.
func Shared() *Issuer {
	sharedOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err) //nolint:forbidigo // test support: no test to fail yet
		}
		shared = start(k)
	})
	return shared
}

func start(key *rsa.PrivateKey) *Issuer {
	i := &Issuer{keys: []*rsa.PrivateKey{key}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": i.URL(), "jwks_uri": i.URL() + "/keys",
			"authorization_endpoint": i.URL() + "/authorize", "token_endpoint": i.URL() + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		i.mu.Lock()
		defer i.mu.Unlock()
		var set jose.JSONWebKeySet
		for n, k := range i.keys {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid(n), Algorithm: "RS256", Use: "sig"})
		}
		writeJSON(w, set)
	})
	i.srv = httptest.NewTLSServer(mux)
	return i
}

func newKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func kid(n int) string { return "test-key-" + string(rune('a'+n)) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// URL is the issuer URL.
func (i *Issuer) URL() string { return i.srv.URL }

// Config is the verifier configuration for this issuer (its TLS trusted through HTTPClient).
func (i *Issuer) Config() identity.OIDC {
	return identity.OIDC{Issuer: i.URL(), Audience: Audience, HTTPClient: i.srv.Client()}
}

// Verifier returns a verifier for this issuer.
func (i *Issuer) Verifier(t testing.TB) *identity.TokenVerifier {
	t.Helper()
	v, err := identity.NewVerifier(i.Config())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Rotate makes a new signing key; the old ones stay published.
func (i *Issuer) Rotate(t testing.TB) {
	k := newKey(t)
	i.mu.Lock()
	i.keys = append(i.keys, k)
	i.mu.Unlock()
}

// panicker stands in for a missing testing.TB: it panics on failure.
type panicker struct{ testing.TB }

func (panicker) Helper()           {}
func (panicker) Fatal(args ...any) { panic(fmt.Sprint(args...)) } //nolint:forbidigo // test support without a test

// Token returns a good access token for p, valid for an hour.
func (i *Issuer) Token(t testing.TB, p Person) string { return i.Flawed(t, p, Good) }

// Flawed returns a token for p with the given flaw. t may be nil (a helper without a test at
// hand): a failure then panics.
func (i *Issuer) Flawed(t testing.TB, p Person, flaw Flaw) string {
	if t == nil {
		t = panicker{}
	}
	t.Helper()
	now := time.Now()
	claims := map[string]any{
		"iss": i.URL(), "sub": p.Subject, "aud": []string{Audience, "test-client"},
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
		"name": p.Name, "roles": p.Roles, "eogs": p.EOGs, "ods": p.Orgs,
	}
	i.mu.Lock()
	key, keyID := i.keys[len(i.keys)-1], kid(len(i.keys)-1)
	i.mu.Unlock()
	alg := jose.RS256
	var signingKey any = key
	switch flaw { //nolint:exhaustive // Good has nothing to change
	case Expired:
		claims["iat"], claims["nbf"], claims["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
	case WrongIssuer:
		claims["iss"] = "https://issuer.invalid"
	case WrongAudience:
		claims["aud"] = []string{"another-api"}
	case BadSignature:
		signingKey = newKey(t) // same key ID, other key
	case AlgNone:
		return unsigned(t, claims, keyID)
	case HMAC:
		alg, signingKey = jose.HS256, []byte("a shared secret anyone with the JWKS might guess")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: signingKey},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// unsigned is a JWT with alg none: header.payload. and no signature.
func unsigned(t testing.TB, claims map[string]any, keyID string) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64URL(b)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT", "kid": keyID}) + "." + enc(claims) + "."
}
