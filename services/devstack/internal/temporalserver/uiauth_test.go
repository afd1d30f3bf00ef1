package temporalserver

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeIssuer serves a minimal OpenID Connect discovery document over TLS and returns its URL
// and a PEM file of its certificate. The unit under test is the UI's configuration, not the
// provider: nothing but discovery is served.
func fakeIssuer(t *testing.T) (issuerURL, caFile string) {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": srv.URL, "authorization_endpoint": srv.URL + "/authorize",
			"token_endpoint": srv.URL + "/token", "jwks_uri": srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	}))
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "issuer-ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(t, os.WriteFile(caFile, cert, 0o600))
	return srv.URL, caFile
}

func TestWebUISignsInWithOIDC(t *testing.T) {
	issuer, caFile := fakeIssuer(t)
	s := startServer(t, Options{UI: true, UIAuth: &UIAuthOptions{IssuerURL: issuer, ClientID: "temporal-ui",
		ClientSecret: "not-a-secret", CAFile: caFile}})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	t.Run("the login route sends the browser to the issuer with the UI's client id", func(t *testing.T) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.UIURL()+"/auth/sso", nil)
		require.NoError(t, err)
		resp, err := noRedirect.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusFound, resp.StatusCode)
		to, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, issuer+"/authorize", to.Scheme+"://"+to.Host+to.Path)
		q := to.Query()
		require.Equal(t, "temporal-ui", q.Get("client_id"))
		require.Equal(t, "code", q.Get("response_type"))
		require.Equal(t, s.UIURL()+"/auth/sso/callback", q.Get("redirect_uri"))
	})
	t.Run("the UI's API refuses a call without a token", func(t *testing.T) {
		status, body := get(t, noRedirect, s.UIURL()+"/api/v1/namespaces/"+testNamespace)
		require.Equal(t, http.StatusUnauthorized, status, body)
	})
}
