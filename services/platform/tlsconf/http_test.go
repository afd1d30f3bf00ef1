package tlsconf_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// serveHTTP starts an httptest server behind srv's TLS that answers with the calling service.
func serveHTTP(t *testing.T, srv tlsconf.Server) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := tlsconf.RequestService(r)
		fmt.Fprintf(w, "%s %t %s", name, ok, r.Proto) //nolint:gosec // G705: plain text to a test client
	}))
	lis, err := srv.Listener(ts.Listener)
	require.NoError(t, err)
	ts.Listener = lis
	ts.EnableHTTP2 = true
	ts.Start()
	t.Cleanup(ts.Close)
	return "https://" + lis.Addr().String() + "/"
}

func get(t *testing.T, url string, client tlsconf.Client) (string, error) {
	t.Helper()
	tr, err := client.Transport()
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, http.NoBody)
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body), nil
}

func TestRequestServiceOverHTTPS(t *testing.T) {
	b := devcatest.New(t, "dashboard", "worker")
	url := serveHTTP(t, b.Server("dashboard"))

	body, err := get(t, url, b.Client("worker"))
	require.NoError(t, err)
	require.Equal(t, "worker true HTTP/2.0", body)

	body, err = get(t, url, b.Client("")) // a browser, say: no client certificate
	require.NoError(t, err)
	require.Equal(t, " false HTTP/2.0", body)
}

func TestHTTPSRequiringClientCertificates(t *testing.T) {
	b := devcatest.New(t, "dashboard", "worker")
	url := serveHTTP(t, mutualTLS(b, "dashboard"))

	_, err := get(t, url, b.Client(""))
	require.Error(t, err)
	body, err := get(t, url, b.Client("worker"))
	require.NoError(t, err)
	require.Equal(t, "worker true HTTP/2.0", body)
}

func TestClientOnlyCertificateNamesItsService(t *testing.T) {
	b := devcatest.New(t, "dashboard")
	// A certificate from the same CA for a client-only service: named, but not as a server.
	more, err := devca.Ensure(b.Dir, []devca.Service{{Name: "pathwayctl", Client: true}})
	require.NoError(t, err)
	url := serveHTTP(t, b.Server("dashboard"))

	body, err := get(t, url, more.Client("pathwayctl"))
	require.NoError(t, err)
	require.Equal(t, "pathwayctl true HTTP/2.0", body)
}

func TestPlaintextListenerWhenTLSIsOff(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := tlsconf.RequestService(r)
		fmt.Fprintf(w, "%t", ok) //nolint:gosec // G705: plain text to a test client
	}))
	lis, err := tlsconf.Server{}.Listener(ts.Listener)
	require.NoError(t, err)
	require.Same(t, ts.Listener, lis)
	ts.Start()
	t.Cleanup(ts.Close)

	body, err := get(t, ts.URL, tlsconf.Client{Insecure: true})
	require.NoError(t, err)
	require.Equal(t, "false", body)
}
