package prodshape

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/nhs-pathways/pathways/services/platform/devca"
)

// Audience is the audience of the issuer's tokens, which every service is told to expect.
const Audience = "pathways"

// Password is every person's password at the issuer's token endpoint.
const Password = "demo"

// Person is whom a token speaks for: the claims the services map to a principal.
type Person struct {
	Username string
	Roles    []string
	EOGs     []string
	ODS      []string
}

// People are the persons the issuer knows: the devstack's demo people the tests act as
// (services/devstack/internal/devoidc), with the same usernames and claims.
var People = []Person{
	{Username: "coord-u90001", Roles: []string{"coordinator"}, ODS: []string{"U90001"}},
	{Username: "coord-u90002", Roles: []string{"coordinator"}, ODS: []string{"U90002"}},
	{Username: "finance-admin", Roles: []string{"finance-admin"}, ODS: []string{"RZX"}},
	{Username: "finance-reader", Roles: []string{"finance-reader"}, ODS: []string{"RZX"}},
	{Username: "board", Roles: []string{"board"}, ODS: []string{"RZX"}},
	{Username: "auditor", Roles: []string{"auditor"}, ODS: []string{"RZX"}},
}

// Issuer is an OpenID Connect issuer for the shape: discovery, its signing keys and a
// client-credentials token endpoint (a person's username and Password, as the devstack's
// provider offers curl users), over TLS with the shape's "oidc" certificate. Safe for
// concurrent use.
type Issuer struct {
	url string
	key *rsa.PrivateKey
	srv *http.Server
}

const issuerKeyID = "prodshape-1"

// startIssuer serves the issuer on a free loopback port.
func startIssuer(ctx context.Context, ca *devca.Bundle) (*Issuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("issuer key: %w", err)
	}
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("issuer listen: %w", err)
	}
	tlsLis, err := ca.Server("oidc").Listener(lis)
	if err != nil {
		_ = lis.Close()
		return nil, fmt.Errorf("issuer TLS: %w", err)
	}
	i := &Issuer{url: "https://" + lis.Addr().String(), key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.discovery)
	mux.HandleFunc("GET /keys", i.keys)
	mux.HandleFunc("POST /oauth/token", i.tokenEndpoint)
	i.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = i.srv.Serve(tlsLis) }()
	return i, nil
}

// URL is the issuer URL (https://127.0.0.1:port).
func (i *Issuer) URL() string { return i.url }

// Addr is the issuer's host:port.
func (i *Issuer) Addr() string { return i.url[len("https://"):] }

func (i *Issuer) close() error { return i.srv.Close() }

func (i *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": i.url, "jwks_uri": i.url + "/keys", "token_endpoint": i.url + "/oauth/token",
		"authorization_endpoint": i.url + "/authorize", "id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (i *Issuer) keys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &i.key.PublicKey, KeyID: issuerKeyID, Algorithm: "RS256", Use: "sig"}}})
}

func (i *Issuer) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	user, password, ok := r.BasicAuth()
	if !ok || password != Password || r.PostFormValue("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	tok, err := i.Token(user)
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

// Token is an access token for the person with this username, valid for two hours.
func (i *Issuer) Token(username string) (string, error) {
	n := slices.IndexFunc(People, func(p Person) bool { return p.Username == username })
	if n < 0 {
		return "", errors.New("prodshape issuer: no person " + username)
	}
	p, now := People[n], time.Now()
	claims := map[string]any{
		"iss": i.url, "sub": "demo-" + p.Username, "aud": []string{Audience},
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(2 * time.Hour).Unix(),
		"name": p.Username, "preferred_username": p.Username,
		"roles": nonNil(p.Roles), "eogs": nonNil(p.EOGs), "ods": nonNil(p.ODS),
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: i.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", issuerKeyID))
	if err != nil {
		return "", fmt.Errorf("token signer: %w", err)
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return raw, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
