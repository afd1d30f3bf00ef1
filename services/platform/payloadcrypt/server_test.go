package payloadcrypt_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

const uiOrigin = "https://127.0.0.1:8233"

// codecServer serves the codec server guarded as the coordinator guards it: tokens of a test
// issuer, the coordinator's access table.
func codecServer(t *testing.T, k payloadcrypt.KeySource) (*httptest.Server, *identitytest.Issuer) {
	t.Helper()
	iss := identitytest.New(t)
	s := payloadcrypt.CodecServer{Codec: payloadcrypt.NewCodec(k), AllowedOrigins: []string{uiOrigin},
		Guard: identity.Interceptor{Verifier: iss.Verifier(t), Policy: access.CoordinatorPolicy}}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, iss
}

func token(t *testing.T, iss *identitytest.Issuer, roles ...string) string {
	return iss.Token(t, identitytest.Person{Subject: "u-1", Name: "Ada", Roles: roles, Orgs: []string{"U12345"}})
}

// remote is the SDK's own client of the remote codec protocol (the temporal CLI's
// --codec-endpoint), sending the token.
func remote(srv *httptest.Server, tok string) converter.PayloadCodec {
	return converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: srv.URL + payloadcrypt.Path,
		ModifyRequest: func(r *http.Request) error {
			if tok != "" {
				r.Header.Set("Authorization", "Bearer "+tok)
			}
			return nil
		}})
}

func TestCodecServerDecodesForAuditorsAndCoordinators(t *testing.T) {
	k := keyring(t)
	srv, iss := codecServer(t, k)
	sealed := encode(t, k, secret)
	for _, role := range []string{access.Auditor, access.Coordinator} {
		t.Run(role, func(t *testing.T) {
			out, err := remote(srv, token(t, iss, role)).Decode([]*commonpb.Payload{sealed})
			require.NoError(t, err)
			var got referral
			require.NoError(t, converter.GetDefaultDataConverter().FromPayload(out[0], &got))
			require.Equal(t, secret, got)
		})
	}
	out, err := remote(srv, token(t, iss, access.Coordinator)).Encode([]*commonpb.Payload{{Data: []byte(`"x"`)}})
	require.NoError(t, err)
	require.Equal(t, payloadcrypt.EncodingEncrypted, string(out[0].GetMetadata()["encoding"]))
}

func TestCodecServerRefusesCallersWithoutTheRole(t *testing.T) {
	k := keyring(t)
	srv, iss := codecServer(t, k)
	body := payloadsJSON(t, encode(t, k, secret))
	for name, tc := range map[string]struct {
		path, token string
		want        int
	}{
		"no token":                 {"/decode", "", http.StatusUnauthorized},
		"a bad token":              {"/decode", "not-a-jwt", http.StatusUnauthorized},
		"board":                    {"/decode", token(t, iss, access.Board), http.StatusForbidden},
		"finance-reader":           {"/decode", token(t, iss, access.FinanceReader), http.StatusForbidden},
		"an auditor encoding":      {"/encode", token(t, iss, access.Auditor), http.StatusForbidden},
		"a coordinator, elsewhere": {"/other", token(t, iss, access.Coordinator), http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			resp := post(t, srv.URL+payloadcrypt.Path+tc.path, tc.token, "", body)
			require.Equal(t, tc.want, resp.StatusCode)
			require.NotContains(t, resp.body, secret.NHSNumber)
		})
	}
}

func TestCodecServerCORS(t *testing.T) {
	k := keyring(t)
	srv, iss := codecServer(t, k)
	preflight := func(origin string) answer {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, srv.URL+"/codec/decode", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
		return do(t, req)
	}
	ok := preflight(uiOrigin)
	require.Equal(t, http.StatusNoContent, ok.StatusCode, "a preflight needs no token")
	require.Equal(t, uiOrigin, ok.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "true", ok.Header.Get("Access-Control-Allow-Credentials"))
	require.Equal(t, "POST", ok.Header.Get("Access-Control-Allow-Methods"))
	require.Equal(t, "Authorization, Content-Type, X-Namespace", ok.Header.Get("Access-Control-Allow-Headers"))
	require.Contains(t, ok.Header.Values("Vary"), "Origin")

	other := preflight("https://evil.example")
	require.Equal(t, http.StatusForbidden, other.StatusCode)
	require.Empty(t, other.Header.Get("Access-Control-Allow-Origin"))

	body := payloadsJSON(t, encode(t, k, secret))
	resp := post(t, srv.URL+"/codec/decode", token(t, iss, access.Auditor), uiOrigin, body)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	require.Contains(t, resp.body, `"payloads"`)

	denied := post(t, srv.URL+"/codec/decode", "", uiOrigin, body)
	require.Equal(t, http.StatusUnauthorized, denied.StatusCode)
	require.Equal(t, uiOrigin, denied.Header.Get("Access-Control-Allow-Origin"), "the UI can read why it was refused")

	elsewhere := post(t, srv.URL+"/codec/decode", token(t, iss, access.Auditor), "https://evil.example", body)
	require.Equal(t, http.StatusForbidden, elsewhere.StatusCode, "a page of another origin cannot use a person's token")
	require.NotContains(t, elsewhere.body, secret.NHSNumber)
}

func TestCodecServerBoundsAndChecksTheBody(t *testing.T) {
	srv, iss := codecServer(t, keyring(t))
	tok := token(t, iss, access.Auditor)
	require.Equal(t, http.StatusBadRequest, post(t, srv.URL+"/codec/decode", tok, "", "payloads").StatusCode)
	big := `{"payloads":[{"data":"` + strings.Repeat("A", payloadcrypt.DefaultMaxBodyBytes) + `"}]}`
	require.Equal(t, http.StatusRequestEntityTooLarge, post(t, srv.URL+"/codec/decode", tok, "", big).StatusCode)
	get, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/codec/decode", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusMethodNotAllowed, do(t, get).StatusCode)
}

type answer struct {
	StatusCode int
	Header     http.Header
	body       string
}

func post(t *testing.T, url, tok, origin, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewBufferString(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return do(t, req)
}

// do sends req and reads the whole answer.
func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{StatusCode: resp.StatusCode, Header: resp.Header, body: string(b)}
}

func payloadsJSON(t *testing.T, ps ...*commonpb.Payload) string {
	t.Helper()
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	require.NoError(t, err)
	return string(b)
}
