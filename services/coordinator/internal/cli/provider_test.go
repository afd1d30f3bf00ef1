package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"
)

// fakeProvider is an OpenID Connect provider over TLS for pathwayctl's tests: discovery, the
// device authorization endpoint and a token endpoint answering the device code grant (pending
// once, then a token), the refresh token grant and the client credentials grant (one person,
// checked by HTTP Basic). Its access tokens are RS256 JWTs for that person. It records every
// token request.
type fakeProvider struct {
	srv    *httptest.Server
	signer jose.Signer
	caFile string

	mu       sync.Mutex
	requests []tokenRequest
	polls    int
	issued   int
	deviceIn map[string][]string // the device authorization request's form
}

// tokenRequest is one request to the token endpoint: its form and Basic credentials.
type tokenRequest struct {
	form             map[string][]string
	basicID, basicPW string
	basic            bool
}

const (
	fakeDeviceCode = "device-code-1"
	fakeUserCode   = "WDJB-MJHT"
	fakeRefresh    = "refresh-1"
)

func newFakeProvider(t *testing.T) *fakeProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	require.NoError(t, err)
	p := &fakeProvider{signer: signer}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		u := p.srv.URL
		writeJSONAnswer(w, http.StatusOK, map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize",
			"token_endpoint": u + "/token", "device_authorization_endpoint": u + "/device_authorization",
			"jwks_uri": u + "/keys", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("POST /device_authorization", func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil {
			writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
			return
		}
		p.mu.Lock()
		p.deviceIn = r.PostForm
		p.mu.Unlock()
		writeJSONAnswer(w, http.StatusOK, map[string]any{"device_code": fakeDeviceCode, "user_code": fakeUserCode,
			"verification_uri": p.srv.URL + "/device", "verification_uri_complete": p.srv.URL + "/device?user_code=" + fakeUserCode,
			"expires_in": 300, "interval": 1})
	})
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewTLSServer(mux)
	t.Cleanup(p.srv.Close)
	p.caFile = writeCA(t, p.srv)
	return p
}

// writeCA writes the test server's certificate (its own CA) as a PEM file for -ca-file.
func writeCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.crt")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	return path
}

func (p *fakeProvider) token(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, pw, basic := r.BasicAuth()
	p.mu.Lock()
	p.requests = append(p.requests, tokenRequest{form: r.PostForm, basicID: id, basicPW: pw, basic: basic})
	p.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:device_code":
		p.mu.Lock()
		p.polls++
		pending := p.polls == 1
		p.mu.Unlock()
		if pending || r.PostForm.Get("device_code") != fakeDeviceCode || r.PostForm.Get("client_id") != "pathwayctl" {
			writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "authorization_pending"})
			return
		}
		p.answerToken(w, fakeRefresh)
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != fakeRefresh {
			writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		p.answerToken(w, "refresh-2")
	case "client_credentials":
		if !basic || id != "coord-u90001" || pw != "demo" {
			writeJSONAnswer(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "wrong username or password"})
			return
		}
		p.answerToken(w, "")
	default:
		writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
	}
}

func (p *fakeProvider) answerToken(w http.ResponseWriter, refresh string) {
	p.mu.Lock()
	p.issued++
	n := p.issued
	p.mu.Unlock()
	access, err := p.accessToken(n, time.Hour)
	if err != nil {
		writeJSONAnswer(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": err.Error()})
		return
	}
	answer := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600}
	if refresh != "" {
		answer["refresh_token"] = refresh
	}
	writeJSONAnswer(w, http.StatusOK, answer)
}

// accessToken is the n-th access token for the provider's one person, valid for ttl (negative:
// expired).
func (p *fakeProvider) accessToken(n int, ttl time.Duration) (string, error) {
	now := time.Now()
	claims := map[string]any{"iss": p.srv.URL, "sub": "demo-coord-u90001", "aud": []string{"pathways", "pathwayctl"},
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(), "name": "Priya Shah", "roles": []string{"coordinator"},
		"eogs": []string{"MSK Clinical Expert Oversight Group"}, "ods": []string{"U90001"}, "jti": fmt.Sprintf("token-%d", n)}
	return jwt.Signed(p.signer).Claims(claims).Serialize()
}

// mustAccessToken is accessToken for the test's own goroutine.
func (p *fakeProvider) mustAccessToken(t *testing.T, n int, ttl time.Duration) string {
	t.Helper()
	raw, err := p.accessToken(n, ttl)
	require.NoError(t, err)
	return raw
}

// tokenRequests returns the token endpoint's requests so far.
func (p *fakeProvider) tokenRequests() []tokenRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]tokenRequest(nil), p.requests...)
}

func (p *fakeProvider) deviceRequest() map[string][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deviceIn
}

func writeJSONAnswer(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
